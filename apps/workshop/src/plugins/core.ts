/**
 * The workshop's core, shared by every area: the services' dependencies (`deps`), who is asking
 * (`req.user`, `req.session`, `req.lang`), who may use each route (`config.access`, checked before
 * anything else), the CSRF token on every change, and errors answered in the user's language.
 */

import { speaksLang } from '@atelier/command';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isLang, type Lang, tr } from '../i18n.js';
import { DomainError } from '../services/errors.js';
import { checkLoginToken } from '../services/login-token.js';
import { ReadCache } from '../services/read-cache.js';
import { serverSecret } from '../services/secrets.js';
import { loadSession, purgeExpiredSessions } from '../services/sessions.js';
import { StoreError } from '../store/store.js';
import { html } from '../web/html.js';
import { isApi, renderPage, sendPage } from '../web/layout.js';
import { type FormValues, refillForm } from '../web/refill.js';
import {
  type Access,
  every,
  LANG_COOKIE,
  LOGIN_COOKIE,
  SESSION_COOKIE,
  type WorkshopDeps,
} from '../web/types.js';
import { describeValidation, type SchemaFailure } from '../web/validation.js';

/** PostgreSQL's SQLSTATE for a number its column type cannot hold (numeric_value_out_of_range). */
const NUMERIC_OUT_OF_RANGE = '22003';
/**
 * PostgreSQL's SQLSTATEs for text it cannot store: a NUL character in `text`
 * (character_not_in_repertoire) or in `jsonb` (untranslatable_character). Requests with a NUL are
 * refused before any handler (`hasNul`); these catch one that came another way (a file's contents).
 */
const NUL_IN_TEXT = new Set(['22021', '22P05']);

/**
 * The first value in a request's body, query or path that `bad` picks out, as its field's name
 * (`notes`, `lines[2].label`; `(corps)` for a bare value), or null. Only parsed JSON and forms are
 * walked: an upload's bytes (a Buffer) are a file's, and a recording may hold any byte.
 */
export function fieldWhere(
  value: unknown,
  bad: (v: unknown) => boolean,
  path = '',
  depth = 0,
): string | null {
  if (bad(value)) return path || '(corps)';
  if (!value || typeof value !== 'object' || depth > 8) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = fieldWhere(value[i], bad, `${path}[${i}]`, depth + 1);
      if (at) return at;
    }
    return null;
  }
  // Parsed JSON and forms are plain objects (a form's, from fast-querystring, has a prototype that
  // itself has none).
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype && Object.getPrototypeOf(proto) !== null) return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const name = path ? `${path}.${k}` : k;
    if (bad(k)) return name;
    const at = fieldWhere(v, bad, name, depth + 1);
    if (at) return at;
  }
  return null;
}

/**
 * U+0000 in a string. No workshop field can hold one (PostgreSQL's text cannot, SQLite cuts strings
 * there in some functions, and no keyboard types it), so it is refused the same way on both stores.
 */
export const hasNul = (v: unknown): boolean => typeof v === 'string' && v.includes('\u0000');

/**
 * A number that is not finite. JSON's `1e309` parses to Infinity, and the validator turns the text
 * "1e309" into Infinity without checking it against `maximum` (ajv 8 with coerceTypes): a price, a
 * duration or an id of Infinity would otherwise reach the services.
 */
export const notFinite = (v: unknown): boolean => typeof v === 'number' && !Number.isFinite(v);

/** Where a request (params, query, body) holds a value `bad` picks out, or null. */
const badField = (req: FastifyRequest, bad: (v: unknown) => boolean): string | null =>
  fieldWhere(req.params, bad) ?? fieldWhere(req.query, bad) ?? fieldWhere(req.body, bad);

/** The refusal of a request whose field `at` holds `what`, beside its form field when it has one. */
function refusedValue(at: string, what: { fr: string; en: string }): DomainError {
  const field = at.split(/[.[]/)[0];
  return new DomainError(
    { fr: `${what.fr} refusé dans « ${at} »`, en: `${what.en} refused in "${at}"` },
    field && field !== '(corps)' ? field : undefined,
  );
}

export interface RouteDeclaration {
  method: string;
  url: string;
  access: Access;
  /** The route declares what it answers (a `response` schema). */
  hasResponse: boolean;
}

/**
 * Gives every integer a request schema declares the bounds of a safe integer, where it gives none.
 * JSON's `1e+21` is an integer to the validator, but not to JavaScript (it prints with an exponent)
 * nor to the database (PostgreSQL refused the text "1e+21" for a BIGINT: a 500 the fuzzer found).
 * Refused by validation instead, the answer names the field and the limit.
 */
export function boundIntegers(schema: unknown, depth = 0): void {
  if (!schema || typeof schema !== 'object' || depth > 12) return;
  if (Array.isArray(schema)) {
    for (const s of schema) boundIntegers(s, depth + 1);
    return;
  }
  const s = schema as Record<string, unknown>;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('integer')) {
    if (s.maximum === undefined && s.exclusiveMaximum === undefined) s.maximum = Number.MAX_SAFE_INTEGER;
    if (s.minimum === undefined && s.exclusiveMinimum === undefined) s.minimum = Number.MIN_SAFE_INTEGER;
  }
  for (const key of [
    'properties',
    'patternProperties',
    'items',
    'anyOf',
    'oneOf',
    'allOf',
    'additionalProperties',
  ])
    if (key in s) {
      const v = s[key];
      if (key === 'properties' || key === 'patternProperties')
        for (const sub of Object.values((v as Record<string, unknown>) ?? {})) boundIntegers(sub, depth + 1);
      else boundIntegers(v, depth + 1);
    }
}

export class RouteAccessError extends Error {
  override name = 'RouteAccessError';
  constructor(method: string, url: string) {
    super(
      `route ${method} ${url} declares no access (config.access): every route must say which roles may use it`,
    );
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A form's fields as sent, before validation coerced them: what a refused form gets back. */
    formInput?: FormValues;
  }
  interface FastifyInstance {
    deps: WorkshopDeps;
    routeTable: RouteDeclaration[];
    loginRate: { max: number; timeWindowMs: number };
    /** Sessions and boards read again within `readCacheMs`; null when off (see services/read-cache.ts). */
    readCache: ReadCache | null;
    /** Requests for the login page allowed per client address and window. */
    loginPageRate: { max: number; timeWindowMs: number };
    /** Signs the login form's CSRF token (`services/login-token.ts`). */
    loginSecret: Buffer;
  }
}

export interface CoreOptions {
  deps: WorkshopDeps;
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** How long a session or a board read may be served again without a change (0: no cache). */
  readCacheMs?: number;
  loginPageRateLimit?: { max: number; timeWindowMs: number };
  /** How often expired sessions are deleted while the server runs, ms (10 minutes by default). */
  sessionPurgeMs?: number;
}

/** HSTS for six months, sent only on answers that came over HTTPS (directly or through a trusted proxy). */
const HSTS = 'max-age=15552000; includeSubDomains';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const core: FastifyPluginAsync<CoreOptions> = async (app: FastifyInstance, opts) => {
  const { deps } = opts;
  app.decorate('deps', deps);
  app.decorate('routeTable', [] as RouteDeclaration[]);
  app.decorate('loginRate', opts.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 });
  app.decorate('loginPageRate', opts.loginPageRateLimit ?? { max: 60, timeWindowMs: 60_000 });
  app.decorate('loginSecret', await serverSecret(deps.store, 'login-csrf', deps.clock.now()));

  // Expired sessions go while the server runs, not only at start-up: a timer on the app's clock,
  // stopped when the app closes.
  let stopPurge = (): void => {};
  app.addHook('onReady', async () => {
    stopPurge = every(deps.clock, opts.sessionPurgeMs ?? 10 * 60_000, () => {
      purgeExpiredSessions(deps.store, deps.clock.now()).catch((err) => app.log.warn(err));
    });
  });
  app.addHook('onClose', async () => stopPurge());
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.decorateRequest('lang', 'fr');
  const cache = opts.readCacheMs ? new ReadCache(deps.store, deps.clock, opts.readCacheMs) : null;
  await cache?.connect();
  app.decorate('readCache', cache);
  if (cache) {
    // Any change request empties the cache before its answer leaves (the other processes learn of
    // the change from the database itself: see services/read-cache.ts).
    app.addHook('onSend', async (req) => {
      if (MUTATING.has(req.method)) cache.changed();
    });
    app.addHook('onClose', async () => cache.close());
  }

  // Registered before any area: refuse any route that does not say who may use it.
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) throw new RouteAccessError(methods.join(','), route.url);
    const hasResponse = !!route.schema?.response;
    for (const part of ['body', 'querystring', 'params'] as const) boundIntegers(route.schema?.[part]);
    for (const m of methods)
      if (m !== 'HEAD') app.routeTable.push({ method: m, url: route.url, access, hasResponse });
  });

  app.addHook('onRequest', async (req, reply) => {
    const q = req.query as Record<string, unknown> | undefined;
    const wanted = q?.lang;
    let lang: Lang = 'fr';
    if (isLang(wanted)) {
      lang = wanted;
      reply.setCookie(LANG_COOKIE, wanted, {
        path: '/',
        sameSite: 'lax',
        httpOnly: true,
        secure: 'auto',
        maxAge: 365 * 86400,
      });
    } else if (isLang(req.cookies[LANG_COOKIE])) lang = req.cookies[LANG_COOKIE] as Lang;
    req.lang = lang;
    const sid = req.cookies[SESSION_COOKIE];
    if (sid) {
      const now = deps.clock.now();
      const cached = cache?.get(`session:${sid}`, () => loadSession(deps.store, sid, now));
      let loaded = await (cached ?? loadSession(deps.store, sid, now));
      if (loaded && loaded.session.expires_at < now) loaded = null;
      if (loaded) {
        req.session = loaded.session;
        req.user = loaded.user;
      }
    }
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public') return;
    if (!req.user) {
      if (isApi(req) || req.method !== 'GET')
        return reply.code(401).send({ error: tr(lang, { fr: 'connexion requise', en: 'login required' }) });
      return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    }
    if (access !== 'authenticated' && !access.includes(req.user.role)) {
      const msg = tr(lang, { fr: 'accès refusé pour votre rôle', en: 'access denied for your role' });
      if (isApi(req)) return reply.code(403).send({ error: msg });
      return sendPage(
        reply,
        renderPage(req, { fr: 'Accès refusé', en: 'Access denied' }, html`<p class="error">${msg}</p>`),
        403,
      );
    }
  });

  // Synchronizer token: every state-changing request carries the session's token, in the form
  // (_csrf) or, for fetch, the x-csrf-token header. Checked after parsing, before any handler. The
  // login form, which has no session, carries a token signed for the nonce in its cookie instead.
  app.addHook('preHandler', async (req, reply) => {
    if (!MUTATING.has(req.method)) return;
    const header = req.headers['x-csrf-token'];
    // Any route's body, whatever its schema: only the token is read here.
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    const token = typeof header === 'string' ? header : typeof fromBody === 'string' ? fromBody : '';
    const ok =
      req.routeOptions.config?.csrf === 'login'
        ? checkLoginToken(app.loginSecret, req.cookies[LOGIN_COOKIE], token, deps.clock.now())
        : !!req.session && !!token && token === req.session.csrf;
    if (!ok) {
      const msg = tr(req.lang, {
        fr: 'jeton anti-CSRF absent ou invalide : rechargez la page',
        en: 'missing or invalid CSRF token: reload the page',
      });
      if (isApi(req)) return reply.code(403).send({ error: msg });
      return sendPage(
        reply,
        renderPage(req, { fr: 'Requête refusée', en: 'Request refused' }, html`<p class="error">${msg}</p>`),
        403,
      );
    }
  });

  // Keep what a browser form sent, as typed, so a refusal can give it back.
  app.addHook('preValidation', async (req) => {
    if (!MUTATING.has(req.method) || isApi(req)) return;
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return;
    const values: FormValues = {};
    for (const [k, v] of Object.entries(body as Record<string, unknown>))
      if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))
        values[k] = v as string | string[];
    req.formInput = values;
    // `_back` belongs to the form machinery, not to the route: kept above, out of the body so that
    // routes whose schema refuses unknown fields (additionalProperties: false) never see it.
    delete (body as Record<string, unknown>)._back;
  });

  // A NUL character anywhere in what the request carries is refused with the field it is in, before
  // validation coerces it and before any handler stores it (found by the dashboard fuzzer: a note of
  // "\u0000" was a 500 on PostgreSQL).
  app.addHook('preValidation', async (req) => {
    const at = badField(req, hasNul);
    if (at) throw refusedValue(at, { fr: 'caractère nul (U+0000)', en: 'NUL character (U+0000)' });
  });
  // After validation, which may have made Infinity of a text: no field holds an infinite number.
  app.addHook('preHandler', async (req) => {
    const at = badField(req, notFinite);
    if (at) throw refusedValue(at, { fr: 'nombre infini', en: 'infinite number' });
  });

  /**
   * A refused form: the page it was on (`_back`, sent by every form with its CSRF token), rendered
   * again for this user with the form filled in and the message beside its field. Null when there is
   * no such page or form (then the refusal page is shown).
   */
  const refusedForm = async (
    req: FastifyRequest,
    refusal: { message: string; field?: string },
  ): Promise<string | null> => {
    const back = req.formInput?._back;
    if (
      typeof back !== 'string' ||
      !back.startsWith('/') ||
      back.startsWith('//') ||
      back.startsWith('/api/')
    )
      return null;
    const page = await app.inject({
      method: 'GET',
      url: back,
      headers: { cookie: req.headers.cookie ?? '', accept: 'text/html' },
    });
    if (page.statusCode !== 200 || !String(page.headers['content-type']).startsWith('text/html')) return null;
    const action = req.url.split('?')[0]!;
    return refillForm(page.body, action, req.formInput ?? {}, refusal);
  };

  // What a logged-in person sees is never kept by a browser or a proxy cache (a shared workshop
  // tablet, a GDPR export); HTTPS answers ask the browser to stay on HTTPS.
  app.addHook('onSend', async (req, reply, payload) => {
    const access = req.routeOptions.config?.access;
    if (
      (req.user || (access && access !== 'public') || req.routeOptions.config?.csrf === 'login') &&
      !reply.hasHeader('cache-control')
    )
      reply.header('cache-control', 'no-store');
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS);
    return payload;
  });

  app.setErrorHandler(
    async (err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
      let status = 500;
      let message: string;
      let field: string | undefined;
      let described: ReturnType<typeof describeValidation> | undefined;
      if (err instanceof DomainError) {
        status = err.status;
        message = tr(req.lang, err.text);
        field = err.field;
      } else if (err.validation) {
        status = 400;
        described = describeValidation(
          req.lang,
          err.validation as SchemaFailure[],
          (err as { validationContext?: string }).validationContext ?? '',
        );
        message = described.message;
        field = described.field;
      } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        status = err.statusCode;
        message =
          status === 413
            ? tr(req.lang, { fr: 'requête trop volumineuse', en: 'request body too large' })
            : status === 429
              ? tr(req.lang, {
                  fr: 'trop de tentatives, réessayez plus tard',
                  en: 'too many attempts, try again later',
                })
              : err.message;
      } else if (err instanceof StoreError && err.code === NUMERIC_OUT_OF_RANGE) {
        // A number the request carried that the database cannot hold (an id of 2^63 on PostgreSQL's
        // BIGINT): the request's fault, not the server's, whichever route it came through.
        status = 400;
        message = tr(req.lang, {
          fr: 'valeur hors limites : un nombre de la requête est trop grand',
          en: 'value out of range: a number in the request is too large',
        });
      } else if (err instanceof StoreError && err.code && NUL_IN_TEXT.has(err.code)) {
        status = 400;
        message = tr(req.lang, {
          fr: 'caractère nul (U+0000) refusé : la base de données ne peut pas l’enregistrer',
          en: 'NUL character (U+0000) refused: the database cannot store it',
        });
      } else if (speaksLang(err)) {
        // A stored recording or file that no longer reads (checked at upload, so the server's
        // fault): still a server error, but the page says which file, where and why.
        req.log.error(err);
        message = tr(req.lang, {
          fr: `fichier illisible : ${err.messageIn('fr')}`,
          en: `unreadable file: ${err.messageIn('en')}`,
        });
      } else {
        req.log.error(err);
        message = tr(req.lang, { fr: 'erreur interne', en: 'internal error' });
      }
      if (isApi(req)) return reply.code(status).send({ error: message, ...(field ? { field } : {}) });
      const refusable = err instanceof DomainError || !!err.validation;
      if (refusable && MUTATING.has(req.method) && status < 500) {
        // Beside its field, the message needs no field name (the validation's own sentence names it).
        const beside = described && field ? (described.rule ?? message) : message;
        const page = await refusedForm(req, { message: beside, ...(field ? { field } : {}) });
        // 422: the request was understood and refused; the form is in the answer, filled in.
        if (page) return sendPage(reply, page, status === 400 ? 422 : status);
      }
      return sendPage(
        reply,
        renderPage(
          req,
          { fr: 'Impossible', en: 'Not possible' },
          html`<p class="error" role="alert">${message}</p><p><a href="javascript:history.back()" data-back>${tr(req.lang, { fr: 'Retour', en: 'Back' })}</a></p>`,
        ),
        status,
      );
    },
  );

  app.setNotFoundHandler((req: FastifyRequest, reply) => {
    const msg = tr(req.lang, { fr: 'page introuvable', en: 'page not found' });
    if (isApi(req)) return reply.code(404).send({ error: msg });
    return sendPage(reply, renderPage(req, { fr: 'Introuvable', en: 'Not found' }, html`<p>${msg}</p>`), 404);
  });
};

/**
 * Decorates `deps`, `routeTable`, `loginRate`, `loginPageRate`, `loginSecret`; request `user`,
 * `session`, `lang`. Purges expired sessions on the app's clock while it runs.
 */
export const corePlugin = fp(core, {
  name: 'atelier-core',
  fastify: '5.x',
  dependencies: ['@fastify/cookie'],
});
