// Ordering and selection in the reviewer's queues.
import type { Notice } from '../types';

// The server orders the notice queue (trusted flaggers and coalitions first,
// then the review deadline); the console keeps that order and only moves the
// cursor. Index of the next item after `current`, wrapping to the start.
export function nextIndex(length: number, current: number): number {
  if (length === 0) return -1;
  return current + 1 >= length ? 0 : current + 1;
}

export function previousIndex(length: number, current: number): number {
  if (length === 0) return -1;
  return current <= 0 ? length - 1 : current - 1;
}

// A keyboard shortcut for the decision view, or null. Shortcuts are ignored
// while typing in a field and when a modifier other than Shift is held.
export type ShortcutAction = 'accept' | 'reject' | 'next' | 'previous' | 'help' | 'toggle';

export function shortcutFor(key: string, target: { tagName?: string; isContentEditable?: boolean } | null, mods: { ctrl?: boolean; alt?: boolean; meta?: boolean } = {}): ShortcutAction | null {
  if (mods.ctrl || mods.alt || mods.meta) return null;
  const tag = (target?.tagName ?? '').toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) return null;
  switch (key) {
    case 'a':
      return 'accept';
    case 'r':
      return 'reject';
    case 'j':
    case 'n':
      return 'next';
    case 'k':
    case 'p':
      return 'previous';
    case 'x':
      return 'toggle';
    case '?':
      return 'help';
    default:
      return null;
  }
}

// Notices past their review deadline first, then by deadline; stable otherwise.
export function bySla(items: Notice[]): Notice[] {
  return [...items].sort((a, b) => Date.parse(a.review_due_at) - Date.parse(b.review_due_at));
}
