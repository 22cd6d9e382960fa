// Photo evidence and reference photos as the console shows them: a hit's
// photo matches ordered closest first (distance relative to the bank's
// radius), how close a match is in words, and the quality of each reference
// photo read from its bank's CSV export (imaging/bank_csv.h).
import { parseCsv } from './csv';

// One entry of a screening hit's photo_matches (GET /v1/screening/hits/{id}).
export interface PhotoMatch {
  photo: string; // SHA-256 of the listing photo
  bank: string;
  bank_kind: string; // reference | stay_down | shared
  rights_holder?: string;
  reference?: string; // SHA-256 of the matched photo, or the bank entry's id
  label?: string;
  distance: number; // Hamming distance of the PDQ hashes, out of 256 bits
  radius: number; // the bank's match radius
  variant?: string; // the rotation or mirror that matched ("flipy")
  photo_url?: string;
  reference_url?: string;
}

export const PDQ_BITS = 256;
// PDQ hashes of unrelated photos differ in about half their bits.
export const UNRELATED_DISTANCE = 128;

export function photoMatchesOf(hit: unknown): PhotoMatch[] {
  const raw = (hit as { photo_matches?: unknown } | null)?.photo_matches;
  if (!Array.isArray(raw)) return [];
  const out: PhotoMatch[] = [];
  for (const v of raw) {
    if (!v || typeof v !== 'object') continue;
    const m = v as Record<string, unknown>;
    if (typeof m.photo !== 'string' || typeof m.distance !== 'number') continue;
    out.push({
      photo: m.photo,
      bank: typeof m.bank === 'string' ? m.bank : '',
      bank_kind: typeof m.bank_kind === 'string' ? m.bank_kind : '',
      rights_holder: typeof m.rights_holder === 'string' ? m.rights_holder : undefined,
      reference: typeof m.reference === 'string' ? m.reference : undefined,
      label: typeof m.label === 'string' ? m.label : undefined,
      distance: m.distance,
      radius: typeof m.radius === 'number' ? m.radius : 0,
      variant: typeof m.variant === 'string' ? m.variant : undefined,
      photo_url: typeof m.photo_url === 'string' ? m.photo_url : undefined,
      reference_url: typeof m.reference_url === 'string' ? m.reference_url : undefined,
    });
  }
  // Closest first, relative to each bank's radius, as the engine weighs them.
  return out.sort((a, b) => a.distance * Math.max(1, b.radius) - b.distance * Math.max(1, a.radius) || a.distance - b.distance);
}

export type Closeness = 'identical' | 'close' | 'near_radius' | 'outside';

// Identical (0 bits), close (within half the radius), near the radius, or
// outside it (a stored match from a bank whose radius was narrowed since).
export function closenessOf(distance: number, radius: number): Closeness {
  if (distance === 0) return 'identical';
  if (distance > radius) return 'outside';
  return distance * 2 <= radius ? 'close' : 'near_radius';
}

// The share of the 256 bits the two hashes have in common (1 = identical).
export function bitsInCommon(distance: number): number {
  return Math.max(0, Math.min(1, 1 - distance / PDQ_BITS));
}

export interface ReferenceQuality {
  label: string; // the bank's label (the uploaded file's name)
  hashes: number; // rows of the photo in the bank (one per useful orientation)
  quality: number; // the best, 0..100
  indexed: boolean; // quality >= 50: matched against listings
}

export const MIN_USEFUL_QUALITY = 50;

// Reference photo → its quality, from GET /v1/photo-banks/{id}/export
// (header hash,quality,bank,label[,rights_holder][,reference]; other columns ignored).
export function referenceQualities(csv: string): Map<string, ReferenceQuality> {
  const rows = parseCsv(csv).filter((r) => r.some((c) => c.trim() !== ''));
  const out = new Map<string, ReferenceQuality>();
  if (!rows.length) return out;
  const head = rows[0].map((h) => h.trim().toLowerCase());
  const qi = head.indexOf('quality');
  const ri = head.indexOf('reference');
  const li = head.indexOf('label');
  if (qi < 0 || ri < 0) return out;
  for (const r of rows.slice(1)) {
    const ref = (r[ri] ?? '').trim();
    const q = Number(r[qi]);
    if (!ref || !Number.isFinite(q)) continue;
    const cur = out.get(ref) ?? { label: li >= 0 ? (r[li] ?? '') : '', hashes: 0, quality: 0, indexed: false };
    cur.hashes += 1;
    cur.quality = Math.max(cur.quality, q);
    cur.indexed = cur.quality >= MIN_USEFUL_QUALITY;
    out.set(ref, cur);
  }
  return out;
}
