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
  }
  interface FastifyRequest {
    user: User | null;
    session: Session | null;
    lang: Lang;
  }
}

/** Wall-clock time in epoch milliseconds (a VirtualClock started at an epoch time works in tests). */
export interface WallClock {
  now(): number;
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
