import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { isLang, type Lang, tr } from './i18n.js';
import { clockingPlugin } from './plugins/clocking.js';
import { customersPlugin } from './plugins/customers.js';
import { diagnosticsPlugin } from './plugins/diagnostics.js';
import { kpiPlugin } from './plugins/kpi.js';
import { loginPlugin } from './plugins/login.js';
import { ordersPlugin } from './plugins/orders.js';
import { peoplePlugin } from './plugins/people.js';
import { reportsPlugin } from './plugins/reports.js';
import { trainingPlugin } from './plugins/training.js';
import { DomainError } from './services/errors.js';
import { loadSession } from './services/sessions.js';
import { html } from './web/html.js';
import { isApi, renderPage, sendPage } from './web/layout.js';
import { type Access, LANG_COOKIE, SESSION_COOKIE, type WorkshopDeps } from './web/types.js';
import { describeValidation, type SchemaFailure } from './web/validation.js';

export interface AppOptions {
  /** Largest accepted request body in bytes; beyond it the answer is 413. */
  bodyLimit?: number;
  /** Login attempts allowed per client address and window. */
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** Set the Secure flag on cookies (behind HTTPS). */
  secureCookies?: boolean;
  logger?: boolean;
}

export interface RouteDeclaration {
  method: string;
  url: string;
  access: Access;
}

export class RouteAccessError extends Error {
  override name = 'RouteAccessError';
  constructor(method: string, url: string) {
    super(
      `route ${method} ${url} declares no access (config.access): every route must say which roles may use it`,
    );
  }
}

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const UPLOT_DIR = fileURLToPath(
  new URL('./dist/', `file://${createRequire(import.meta.url).resolve('uplot/package.json')}`),
);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyInstance {
    deps: WorkshopDeps;
    routeTable: RouteDeclaration[];
    loginRate: { max: number; timeWindowMs: number };
  }
}

/** The plugins per area, each given the services it needs; issue 10 adds its own next to these. */
export type AreaPlugin = (app: FastifyInstance, deps: WorkshopDeps) => Promise<void>;
export const AREA_PLUGINS: AreaPlugin[] = [
  loginPlugin,
  ordersPlugin,
  customersPlugin,
  peoplePlugin,
  clockingPlugin,
  kpiPlugin,
  // Issue 10: diagnostic sessions, training, reports.
  diagnosticsPlugin,
  trainingPlugin,
  reportsPlugin,
];

export async function buildApp(
  deps: WorkshopDeps,
  options: AppOptions = {},
  extraPlugins: AreaPlugin[] = [],
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  });
  app.decorate('deps', deps);
  app.decorate('routeTable', [] as RouteDeclaration[]);
  app.decorate('loginRate', options.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 });
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.decorateRequest('lang', 'fr');

  // Before any route exists: refuse any route that does not say who may use it.
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!access) throw new RouteAccessError(methods.join(','), route.url);
    for (const m of methods) if (m !== 'HEAD') app.routeTable.push({ method: m, url: route.url, access });
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: options.secureCookies ? undefined : false,
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(fastifyStatic, { root: STATIC_DIR, serve: false });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Atelier workshop API',
        version: '1',
        description: 'Repair orders, people, vehicles, clocking and KPIs.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
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
        maxAge: 365 * 86400,
      });
    } else if (isLang(req.cookies[LANG_COOKIE])) lang = req.cookies[LANG_COOKIE] as Lang;
    req.lang = lang;
    const sid = req.cookies[SESSION_COOKIE];
    if (sid) {
      const loaded = await loadSession(deps.store, sid, deps.clock.now());
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
  // (_csrf) or, for fetch, the x-csrf-token header. Checked after parsing, before any handler.
  app.addHook('preHandler', async (req, reply) => {
    if (!MUTATING.has(req.method)) return;
    const header = req.headers['x-csrf-token'];
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    const token = typeof header === 'string' ? header : typeof fromBody === 'string' ? fromBody : '';
    if (!req.session || !token || token !== req.session.csrf) {
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

  app.setErrorHandler(
    (err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
      let status = 500;
      let message: string;
      let field: string | undefined;
      if (err instanceof DomainError) {
        status = err.status;
        message = tr(req.lang, err.text);
        field = err.field;
      } else if (err.validation) {
        status = 400;
        const described = describeValidation(
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
      } else {
        req.log.error(err);
        message = tr(req.lang, { fr: 'erreur interne', en: 'internal error' });
      }
      if (isApi(req)) return reply.code(status).send({ error: message, ...(field ? { field } : {}) });
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

  app.get('/healthz', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      response: {
        200: { type: 'object', properties: { ok: { type: 'boolean' }, schema: { type: 'integer' } } },
      },
    },
    handler: async () => ({ ok: true, schema: await deps.store.schemaVersion() }),
  });
  app.get('/api/openapi.json', {
    config: { access: 'public' },
    schema: { hide: true },
    handler: async () => app.swagger(),
  });
  app.get('/static/:file', {
    config: { access: 'public' },
    schema: {
      hide: true,
      params: {
        type: 'object',
        properties: { file: { type: 'string', pattern: '^[a-z0-9-]+\\.(css|js)$' } },
      },
    },
    handler: (req, reply) => reply.sendFile((req.params as { file: string }).file, { maxAge: 3600_000 }),
  });
  app.get('/vendor/uplot/:file', {
    config: { access: 'public' },
    schema: {
      hide: true,
      params: {
        type: 'object',
        properties: { file: { type: 'string', enum: ['uPlot.iife.min.js', 'uPlot.min.css'] } },
      },
    },
    handler: (req, reply) =>
      reply.sendFile((req.params as { file: string }).file, UPLOT_DIR, { maxAge: 86_400_000 }),
  });

  for (const plugin of [...AREA_PLUGINS, ...extraPlugins])
    await app.register(async (scope) => plugin(scope, deps));
  await app.ready();
  return app;
}
