// A small RFC 4180 reader for previewing a bulk notice upload before it is
// sent: the server validates every row again and reports per-row results.

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export const BULK_COLUMNS = [
  'listing_id',
  'right_id',
  'infringement_type',
  'on_behalf_of',
  'work',
  'location_url',
  'explanation',
  'evidence',
  'signature',
  'complainant.name',
  'complainant.email',
  'complainant.address',
  'complainant.phone',
  'complainant.identity_document',
  'statements.good_faith',
  'statements.accurate',
  'statements.under_penalty_of_perjury',
  'statements.authorised',
  'statements.bona_fide',
];

export interface CsvPreview {
  header: string[];
  rows: number;
  unknownColumns: string[];
  missingListingId: boolean;
  emptyListingRows: number[]; // 1-based data rows without a listing_id
}

export function previewCsv(text: string): CsvPreview {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const li = header.indexOf('listing_id');
  const empty: number[] = [];
  rows.slice(1).forEach((r, i) => {
    if (li >= 0 && !(r[li] ?? '').trim()) empty.push(i + 1);
  });
  return {
    header,
    rows: Math.max(0, rows.length - 1),
    unknownColumns: header.filter((h) => h && !BULK_COLUMNS.includes(h)),
    missingListingId: li < 0,
    emptyListingRows: empty,
  };
}
