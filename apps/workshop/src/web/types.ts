import type { Clock, TimerHandle } from '@atelier/clock';
import type { Lang } from '../i18n.js';
import type { Role } from '../services/domain.js';
import type { Session } from '../services/sessions.js';
import type { User } from '../services/users.js';
import type { Store } from '../store/store.js';

/**
 * Who may use a route: a list of roles, 'authenticated' (any logged-in role) or 'public'.
 * Every route must declare it; the app refuses to start otherwise.
 */
export type Access = readonly Role[] | 'authenticated' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * Which CSRF token a mutating route takes: the session's (default), or the signed login-form
     * token (`'login'`: `POST /login`, before any session exists).
     */
    csrf?: 'login';
  }
  interface FastifyRequest {
    user: User | null;
    session: Session | null;
    lang: Lang;
  }
}

/**
 * Wall-clock time in epoch milliseconds (a VirtualClock started at an epoch time works in tests).
 * Its timers, when it has them, run the workshop's periodic chores (the purge of expired sessions);
 * a clock without them gets Node's timers.
 */
export interface WallClock {
  now(): number;
  setTimeout?: Clock['setTimeout'];
  clearTimeout?: Clock['clearTimeout'];
}

/** Calls `fn` every `ms` on `clock`'s timers (Node's when it has none); the returned function stops it. */
export function every(clock: WallClock, ms: number, fn: () => void): () => void {
  let stopped = false;
  if (clock.setTimeout && clock.clearTimeout) {
    const set = clock.setTimeout.bind(clock);
    let handle: TimerHandle;
    const tick = () => {
      if (stopped) return;
      fn();
      handle = set(tick, ms);
    };
    handle = set(tick, ms);
    return () => {
      stopped = true;
      clock.clearTimeout!(handle);
    };
  }
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
}

export interface WorkshopDeps {
  store: Store;
  clock: WallClock;
}

export const STAFF: readonly Role[] = ['apprentice', 'technician', 'manager', 'instructor', 'admin'];
export const MANAGERS: readonly Role[] = ['manager', 'admin'];
export const FRONT_DESK: readonly Role[] = ['technician', 'manager', 'admin'];
export const MECHANICS: readonly Role[] = ['apprentice', 'technician'];
/** Who runs diagnostic sessions: mechanics and their managers; instructors watch and assess. */
export const DIAG_WORKERS = ['apprentice', 'technician', 'manager', 'admin'] as const;

export const SESSION_COOKIE = 'atelier_sid';
export const LANG_COOKIE = 'atelier_lang';
/** The login form's CSRF nonce (a signed double submit: no session row for an anonymous visitor). */
export const LOGIN_COOKIE = 'atelier_login';
