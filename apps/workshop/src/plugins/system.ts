/**
 * What every visitor may fetch: the health check, the OpenAPI document, the page scripts and
 * stylesheets, and uPlot from node_modules.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { typed } from '../web/routes.js';

const UPLOT_DIR = fileURLToPath(
  new URL('./dist/', `file://${createRequire(import.meta.url).resolve('uplot/package.json')}`),
);

const scriptOrStyle = {
  200: {
    description: 'fichier / file',
    content: {
      'text/css': { schema: { type: 'string' } },
      'application/javascript': { schema: { type: 'string' } },
    },
  },
  '4xx': { description: 'absent / missing', content: { 'text/html': { schema: { type: 'string' } } } },
} as const;

async function system(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store } = app.deps;
  app.get('/healthz', {
    config: { access: 'public' },
    schema: {
      tags: ['system'],
      response: {
        200: {
          type: 'object',
          required: ['ok', 'schema'],
          properties: { ok: { type: 'boolean' }, schema: { type: 'integer' } },
          additionalProperties: false,
        },
      },
    },
    handler: async () => ({ ok: true, schema: await store.schemaVersion() }),
  });
  app.get('/api/openapi.json', {
    config: { access: 'public' },
    // No type: the document is serialised as it is (JSON.stringify), whatever it holds.
    schema: { hide: true, response: { 200: { description: 'OpenAPI 3 document' } } },
    handler: async () => scope.swagger(),
  });
  app.get('/static/:file', {
    config: { access: 'public' },
    schema: {
      hide: true,
      params: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', pattern: '^[a-z0-9-]+\\.(css|js)$' } },
      },
      response: scriptOrStyle,
    },
    handler: async (req, reply) => reply.sendFile(req.params.file, { maxAge: 3600_000 }),
  });
  app.get('/vendor/uplot/:file', {
    config: { access: 'public' },
    schema: {
      hide: true,
      params: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', enum: ['uPlot.iife.min.js', 'uPlot.min.css'] } },
      },
      response: scriptOrStyle,
    },
    handler: async (req, reply) => reply.sendFile(req.params.file, UPLOT_DIR, { maxAge: 86_400_000 }),
  });
}

export const systemPlugin = fp(system, {
  name: 'atelier-system',
  encapsulate: true,
  dependencies: ['atelier-core', '@fastify/static', '@fastify/swagger'],
  decorators: { fastify: ['deps'] },
});
