import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { adaptersPlugin } from './plugins/adapters.js';
import { clockingPlugin } from './plugins/clocking.js';
import { corePlugin } from './plugins/core.js';
import { customersPlugin } from './plugins/customers.js';
import { diagnosticsApiPlugin } from './plugins/diagnostics/api.js';
import { guidedPlugin } from './plugins/diagnostics/guided.js';
import { diagnosticSessionsPlugin } from './plugins/diagnostics/sessions.js';
import { diagnosticsRuntimePlugin } from './plugins/diagnostics-runtime.js';
import { documentsPlugin } from './plugins/documents.js';
import { exportsPlugin } from './plugins/exports.js';
import { kpiPlugin } from './plugins/kpi.js';
import { loginPlugin } from './plugins/login.js';
import { ordersPlugin } from './plugins/orders.js';
import { peoplePlugin } from './plugins/people.js';
import { planningPlugin } from './plugins/planning.js';
import { planningHoursPlugin } from './plugins/planning-hours.js';
import { reportsPlugin } from './plugins/reports.js';
import { sitesPlugin } from './plugins/sites.js';
import { systemPlugin } from './plugins/system.js';
import { trainingPlugin } from './plugins/training.js';
import type { RuntimeOptions } from './services/live.js';
import { SESSION_COOKIE, type WorkshopDeps } from './web/types.js';

export { RouteAccessError, type RouteDeclaration } from './plugins/core.js';

export interface AppOptions {
  /** Largest accepted request body in bytes; beyond it the answer is 413. */
  bodyLimit?: number;
  /** Login attempts allowed per client address and window. */
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** Login page requests allowed per client address and window (60 a minute by default). */
  loginPageRateLimit?: { max: number; timeWindowMs: number };
  /** How often expired sessions are deleted while the server runs, ms. */
  sessionPurgeMs?: number;
  /**
   * A TLS-terminating proxy in front (Fastify's `trustProxy`: `true`, or the proxies' addresses).
   * Its `X-Forwarded-Proto`/`-For` are then believed: cookies are `Secure` and HSTS is sent when the
   * browser's request came over HTTPS, and rate limits count the browser's address, not the proxy's.
   * Off by default: a client talking to the server directly could otherwise claim any address.
   */
  trustProxy?: boolean | string | string[];
  logger?: boolean;
  /**
   * Serve a session's identity and a site's board again for this long (ms) unless something
   * changed (services/read-cache.ts); 0, the default here, reads the store every time.
   * `atelier serve` sets 1000.
   */
  readCacheMs?: number;
  /** The diagnostics runtime: how often it writes buffered samples, when it closes an idle adapter. */
  diagnostics?: RuntimeOptions;
}

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/**
 * The areas, each an encapsulated plugin that declares what it needs (`atelier-core` for `deps`
 * and the access rules, `atelier-diagnostics-runtime` for open adapters). Another area is one more
 * plugin passed to `buildApp` or added here.
 */
export type AreaPlugin = FastifyPluginAsync;
export const AREA_PLUGINS: AreaPlugin[] = [
  systemPlugin,
  loginPlugin,
  ordersPlugin,
  planningPlugin,
  planningHoursPlugin,
  documentsPlugin,
  customersPlugin,
  peoplePlugin,
  clockingPlugin,
  kpiPlugin,
  diagnosticSessionsPlugin,
  guidedPlugin,
  diagnosticsApiPlugin,
  adaptersPlugin,
  trainingPlugin,
  reportsPlugin,
  sitesPlugin,
  exportsPlugin,
];

export async function buildApp(
  deps: WorkshopDeps,
  options: AppOptions = {},
  extraPlugins: AreaPlugin[] = [],
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    ajv: {
      // a price field takes a form's text ("3,45") or a JSON number: a union type, declared as such
      customOptions: {
        coerceTypes: 'array',
        removeAdditional: false,
        allErrors: false,
        allowUnionTypes: true,
      },
    },
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
    // Sent by the core only on answers that came over HTTPS (over plain HTTP it would be ignored
    // at best, and a workshop LAN without TLS is served as it is).
    strictTransportSecurity: false,
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
        description:
          'Repair orders, people, vehicles, clocking, KPIs, diagnostic sessions, training. Pages (text/html) and their JSON twins under /api/.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
  });
  // Before any area: the access rule on every route, who is asking, CSRF, errors.
  await app.register(corePlugin, {
    deps,
    loginRateLimit: options.loginRateLimit,
    readCacheMs: options.readCacheMs,
    loginPageRateLimit: options.loginPageRateLimit,
    sessionPurgeMs: options.sessionPurgeMs,
  });
  await app.register(diagnosticsRuntimePlugin, options.diagnostics ?? {});
  for (const plugin of [...AREA_PLUGINS, ...extraPlugins]) await app.register(plugin);
  await app.ready();
  return app;
}
