// The server's time, which deadlines are measured against. A test server
// (`counterfoil serve --test-clock`) may run ahead of the wall clock, so the
// console reads the offset from /healthz instead of trusting the browser.
let offsetMs = 0;

export function serverNow(): number {
  return Date.now() + offsetMs;
}

export async function syncServerClock(): Promise<void> {
  try {
    const before = Date.now();
    const r = await fetch('/healthz', { credentials: 'same-origin' });
    const h = (await r.json()) as { time?: string };
    const after = Date.now();
    if (h.time) offsetMs = Date.parse(h.time) - (before + after) / 2;
  } catch {
    /* keep the last offset */
  }
}
