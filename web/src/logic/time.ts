// Deadlines and durations as the console shows them.

export interface Remaining {
  overdue: boolean;
  days: number;
  hours: number;
  minutes: number;
  totalMs: number;
}

// What is left from `now` until `deadline` (both epoch ms or ISO strings).
export function remaining(deadline: string | number, now: number): Remaining {
  const end = typeof deadline === 'number' ? deadline : Date.parse(deadline);
  const diff = end - now;
  const abs = Math.abs(diff);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  return { overdue: diff < 0, days, hours, minutes, totalMs: diff };
}

// "3d 4h", "5h 12m", "12m" — the largest two units.
export function compactDuration(r: Pick<Remaining, 'days' | 'hours' | 'minutes'>): string {
  if (r.days > 0) return `${r.days}d ${r.hours}h`;
  if (r.hours > 0) return `${r.hours}h ${r.minutes}m`;
  return `${r.minutes}m`;
}

// The share of a window already used, 0..1 (for a progress bar).
export function elapsedShare(start: string, end: string, now: number): number {
  const s = Date.parse(start);
  const e = Date.parse(end);
  if (!(e > s)) return 1;
  return Math.min(1, Math.max(0, (now - s) / (e - s)));
}

// SLA urgency of a deadline: overdue, due within `soonHours`, or fine.
export function urgency(deadline: string | undefined, now: number, soonHours = 24): 'overdue' | 'soon' | 'ok' | 'none' {
  if (!deadline) return 'none';
  const ms = Date.parse(deadline) - now;
  if (Number.isNaN(ms)) return 'none';
  if (ms < 0) return 'overdue';
  if (ms < soonHours * 3_600_000) return 'soon';
  return 'ok';
}

export function hoursBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 3_600_000;
}
