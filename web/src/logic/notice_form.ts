// Live validation of the notice form against what the marketplace's legal
// regime requires (GET /v1/marketplaces/{id}/regime → required_notice_fields,
// each a JSON pointer into the notice body with the provision that requires it).
import type { FieldRequirement } from '../types';

export interface NoticeDraft {
  listing_id: string;
  right_id: string;
  infringement_type: string;
  on_behalf_of: string;
  work: string;
  location_url: string;
  explanation: string;
  evidence: string; // one reference per line
  signature: string;
  complainant: { name: string; email: string; address: string; phone: string; identity_document: string };
  statements: { good_faith: boolean; accurate: boolean; under_penalty_of_perjury: boolean; authorised: boolean; bona_fide: boolean };
}

export function emptyDraft(): NoticeDraft {
  return {
    listing_id: '',
    right_id: '',
    infringement_type: 'counterfeit',
    on_behalf_of: '',
    work: '',
    location_url: '',
    explanation: '',
    evidence: '',
    signature: '',
    complainant: { name: '', email: '', address: '', phone: '', identity_document: '' },
    statements: { good_faith: false, accurate: false, under_penalty_of_perjury: false, authorised: false, bona_fide: false },
  };
}

export function evidenceList(text: string): string[] {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// The request body for POST /v1/notices: blank optional fields left out.
export function toRequestBody(d: NoticeDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    listing_id: d.listing_id.trim(),
    right_id: d.right_id.trim(),
    infringement_type: d.infringement_type,
  };
  for (const k of ['on_behalf_of', 'work', 'location_url', 'explanation', 'signature'] as const) {
    if (d[k].trim()) body[k] = d[k].trim();
  }
  const ev = evidenceList(d.evidence);
  if (ev.length) body.evidence = ev;
  const c: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.complainant)) if (v.trim()) c[k] = v.trim();
  if (Object.keys(c).length) body.complainant = c;
  const s: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(d.statements)) if (v) s[k] = true;
  if (Object.keys(s).length) body.statements = s;
  return body;
}

// The value at a JSON pointer ("/complainant/name") in an object.
export function valueAt(obj: unknown, pointer: string): unknown {
  let cur: unknown = obj;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function present(pointer: string, v: unknown): boolean {
  if (pointer.startsWith('/statements/')) return v === true;
  if (Array.isArray(v)) return v.length > 0;
  return typeof v === 'string' && v.trim().length > 0;
}

export interface Missing {
  pointer: string;
  citation: string;
}

// The regime's required fields the draft does not yet satisfy.
// `location_url` is filled in by the server from the listing when omitted, so
// it never blocks the form.
export function missingFields(d: NoticeDraft, required: FieldRequirement[]): Missing[] {
  const body = toRequestBody(d);
  return required.filter((r) => r.pointer !== '/location_url' && !present(r.pointer, valueAt(body, r.pointer)));
}

// Union of several regimes' requirements (a marketplace under eu_dsa + us_dmca).
export function unionRequirements(lists: FieldRequirement[][]): FieldRequirement[] {
  const seen = new Map<string, FieldRequirement>();
  for (const l of lists) for (const r of l) if (!seen.has(r.pointer)) seen.set(r.pointer, r);
  return [...seen.values()];
}
