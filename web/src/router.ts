// A small history router: the server answers every console path with
// index.html, so paths are real URLs (/notices/ntc_…) that can be bookmarked.
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
if (typeof window !== 'undefined') window.addEventListener('popstate', () => listeners.forEach((f) => f()));

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((f) => f());
  window.scrollTo(0, 0);
}

export function useLocation(): string {
  return useSyncExternalStore(
    (f) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    () => location.pathname + location.search,
  );
}

// Matches "/notices/:id" against a path; the parameters, or null.
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('?')[0].split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) out[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return out;
}

export function searchParam(path: string, name: string): string {
  const q = path.split('?')[1] ?? '';
  return new URLSearchParams(q).get(name) ?? '';
}
