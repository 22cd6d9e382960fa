// The console's HTTP client for the Counterfoil API on the same origin.
//
// Authentication is the session cookie the server sets at sign-in (cf_session,
// HttpOnly, so scripts never see it); state-changing requests carry the CSRF
// token from the readable cf_csrf cookie in X-CSRF-Token. Nothing is kept in
// localStorage. Every POST carries a fresh Idempotency-Key so a retried click
// never files twice. Errors arrive as RFC 9457 problem+json and are turned
// into ApiError, whose message is the server's own words.

export interface FieldError {
  pointer: string;
  detail: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string; // the last segment of the problem type: "duplicate_notice"
  readonly detail: string;
  readonly errors: FieldError[];
  constructor(status: number, type: string, detail: string, errors: FieldError[] = []) {
    super(detail || `HTTP ${status}`);
    this.status = status;
    this.type = type;
    this.detail = detail;
    this.errors = errors;
  }
  // The field the server named, as a JSON pointer ("/statements/good_faith"), or "".
  get pointer(): string {
    return this.errors[0]?.pointer ?? '';
  }
}

// Builds an ApiError from a response status and its body text.
export function problemFromBody(status: number, text: string): ApiError {
  try {
    const p = JSON.parse(text) as {
      type?: string;
      detail?: string;
      title?: string;
      errors?: FieldError[];
    };
    const type = (p.type ?? '').split('/').pop() ?? '';
    return new ApiError(status, type, p.detail ?? p.title ?? '', Array.isArray(p.errors) ? p.errors : []);
  } catch {
    return new ApiError(status, status === 0 ? 'network' : 'http', text.slice(0, 300));
  }
}

export function readCookie(cookies: string, name: string): string {
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

function csrfToken(): string {
  return typeof document === 'undefined' ? '' : readCookie(document.cookie, 'cf_csrf');
}

function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && 'randomUUID' in c) return c.randomUUID();
  return `k-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export interface RequestOptions {
  body?: unknown; // JSON-encoded unless a string
  contentType?: string;
  signal?: AbortSignal;
}

// Listeners told when the server answers 401 (the session ended).
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(f: () => void): () => void {
  unauthenticatedListeners.add(f);
  return () => unauthenticatedListeners.delete(f);
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: string | undefined;
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string') {
      body = opts.body;
      headers['Content-Type'] = opts.contentType ?? 'text/plain';
    } else {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (method === 'POST') headers['Idempotency-Key'] = newIdempotencyKey();
  let resp: Response;
  try {
    resp = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', '');
  }
  if (resp.status === 204) return undefined as T;
  const text = await resp.text();
  if (!resp.ok) {
    const err = problemFromBody(resp.status, text);
    if (resp.status === 401 && !path.startsWith('/v1/sessions')) unauthenticatedListeners.forEach((f) => f());
    throw err;
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, { signal });

// GET of a text document (a CSV export); errors as ApiError like request().
export async function getText(path: string, signal?: AbortSignal): Promise<string> {
  let resp: Response;
  try {
    resp = await fetch(path, { credentials: 'same-origin', signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', '');
  }
  const text = await resp.text();
  if (!resp.ok) throw problemFromBody(resp.status, text);
  return text;
}
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} });
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, { body });
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
export const del = <T>(path: string) => request<T>('DELETE', path);

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// Follows next_cursor for up to `maxPages` pages of `limit` items.
export async function getAll<T>(path: string, maxPages = 10, limit = 200): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = '';
  for (let i = 0; i < maxPages && cursor !== null; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: Page<T> = await get<Page<T>>(url);
    out.push(...page.items);
    cursor = page.next_cursor;
  }
  return out;
}

// Builds a query string from the non-empty entries.
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface BlobRef {
  sha256: string;
  size?: number;
  content_type?: string;
  filename?: string;
}

// Uploads a file's bytes (POST /v1/blobs) and returns its reference.
export async function uploadBlob(file: Blob & { name?: string }, purpose: string): Promise<BlobRef> {
  const headers: Record<string, string> = {
    'Content-Type': file.type || 'application/octet-stream',
    'Idempotency-Key': newIdempotencyKey(),
  };
  const token = csrfToken();
  if (token) headers['X-CSRF-Token'] = token;
  const url = `/v1/blobs${query({ purpose, filename: file.name })}`;
  let resp: Response;
  try {
    resp = await fetch(url, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  const text = await resp.text();
  if (!resp.ok) throw problemFromBody(resp.status, text);
  return JSON.parse(text) as BlobRef;
}
