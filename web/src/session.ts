// The signed-in user: the server's session cookie is the only credential;
// this module only remembers who /v1/me says we are.
import { useSyncExternalStore } from 'react';
import { ApiError, del, get, post } from './api';
import type { Me } from './types';

export type SessionState = { status: 'loading' } | { status: 'signed_out'; reason?: 'expired' } | { status: 'signed_in'; me: Me };

let state: SessionState = { status: 'loading' };
const listeners = new Set<() => void>();
function set(s: SessionState) {
  state = s;
  listeners.forEach((f) => f());
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (f) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    () => state,
  );
}

export async function loadSession(): Promise<void> {
  try {
    set({ status: 'signed_in', me: await get<Me>('/v1/me') });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) set({ status: 'signed_out' });
    else throw e;
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  await post('/v1/sessions', { email, password });
  await loadSession();
}

export async function signOut(): Promise<void> {
  try {
    await del('/v1/sessions/current');
  } finally {
    set({ status: 'signed_out' });
  }
}

export function sessionExpired(): void {
  if (state.status === 'signed_in') set({ status: 'signed_out', reason: 'expired' });
}

export function homeFor(role: Me['role']): string {
  switch (role) {
    case 'rights_holder':
    case 'agent':
      return '/rh';
    case 'reviewer':
      return '/review';
    case 'seller':
      return '/seller';
    case 'admin':
      return '/admin';
    default:
      return '/dashboard';
  }
}
