/**
 * The diagnostics runtime as a plugin: one `DiagnosticsRuntime` per app, built from the app's
 * store and clock, shared by every area that works on diagnostic sessions (`app.diagnostics`), and
 * closed with the app — every adapter link, emulator, TCP server, poller, timer and event stream.
 * On a PostgreSQL store its events are relayed to and from the processes sharing the database.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { DiagnosticsRuntime, type RuntimeOptions } from '../services/live.js';
import { relayLiveEvents } from '../services/live-relay.js';

declare module 'fastify' {
  interface FastifyInstance {
    diagnostics: DiagnosticsRuntime;
  }
}

const runtime: FastifyPluginAsync<RuntimeOptions> = async (app: FastifyInstance, options) => {
  const r = new DiagnosticsRuntime(app.deps.store, app.deps.clock, options);
  // On PostgreSQL, live events also reach the browsers connected to the group's other processes.
  const unrelay = await relayLiveEvents(r.hub, app.deps.store, app.deps.clock);
  app.decorate('diagnostics', r);
  app.addHook('onClose', async () => {
    await r.closeAll();
    await unrelay();
  });
};

/** Decorates `diagnostics`; needs `deps` from the core. */
export const diagnosticsRuntimePlugin = fp(runtime, {
  name: 'atelier-diagnostics-runtime',
  fastify: '5.x',
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
