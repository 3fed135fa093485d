/**
 * The JSON side of diagnostic sessions that has no page of its own: the adapters a session may be
 * opened on (and the serial ports found), and a session's live samples with its marks and reference
 * run (what the page's chart draws). The session itself and its adapter actions are JSON twins in
 * the sessions plugin.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { adapterOptions } from '../../services/adapter-offer.js';
import { getDiagSession, marksOf, mayRead, samplesOf, sessionForRead } from '../../services/diagnostics.js';
import { typed } from '../../web/routes.js';
import { apiErrors, idParams } from '../../web/schemas.js';
import { STAFF } from '../../web/types.js';

const sampleSchema = {
  type: 'object',
  required: ['t', 'pid', 'value'],
  additionalProperties: false,
  properties: { t: { type: 'integer' }, pid: { type: 'string' }, value: { type: 'number' } },
} as const;
const samples = { type: 'array', items: sampleSchema } as const;

async function api(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store } = app.deps;
  const runtime = app.diagnostics;

  app.get('/api/adapters', {
    config: { access: STAFF },
    schema: {
      tags: ['diagnostics'],
      description:
        'adaptateurs proposés pour une session (value à envoyer comme `adapter`) / adapters a session may be opened on',
      response: {
        200: {
          type: 'array',
          items: {
            type: 'object',
            required: ['value', 'kind', 'label'],
            additionalProperties: false,
            properties: {
              value: { type: 'string' },
              kind: { type: 'string', enum: ['serial', 'tcp', 'socketcan'] },
              label: { type: 'string' },
            },
          },
        },
        ...apiErrors,
      },
    },
    handler: async (req) => adapterOptions(store, req.user!.site_id, runtime.discovery),
  });

  app.get('/api/adapters/serial', {
    config: { access: STAFF },
    schema: {
      tags: ['diagnostics'],
      response: {
        200: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'label'],
            additionalProperties: false,
            properties: { path: { type: 'string' }, label: { type: 'string' } },
          },
        },
        ...apiErrors,
      },
    },
    handler: async () => runtime.discovery.serialPorts(),
  });

  app.get('/api/diagnostics/:id/samples', {
    config: { access: STAFF },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          required: ['start', 'samples', 'marks', 'reference'],
          properties: {
            start: { type: 'integer' },
            samples,
            marks: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                properties: { id: { type: 'integer' }, t: { type: 'integer' }, label: { type: 'string' } },
              },
            },
            reference: {
              anyOf: [
                {
                  type: 'object',
                  additionalProperties: false,
                  properties: { id: { type: 'integer' }, start: { type: 'integer' }, samples },
                },
                { type: 'null' },
              ],
            },
          },
        },
        ...apiErrors,
      },
    },
    handler: async (req) => {
      const s = await sessionForRead(store, req.params.id, req.user!);
      const found = s.reference_id ? await getDiagSession(store, req.user!.site_id, s.reference_id) : null;
      // A reference the reader may not read (set before the rule, or by a manager) is left out.
      const ref = found && mayRead(req.user!, found) ? found : null;
      const refSamples = ref ? await samplesOf(store, ref.id) : [];
      return {
        start: s.started_at,
        samples: await samplesOf(store, s.id),
        marks: await marksOf(store, s.id),
        reference: ref
          ? { id: ref.id, start: refSamples[0]?.t ?? ref.started_at, samples: refSamples }
          : null,
      };
    },
  });
}

export const diagnosticsApiPlugin = fp(api, {
  name: 'atelier-diagnostics-api',
  encapsulate: true,
  dependencies: ['atelier-core', 'atelier-diagnostics-runtime'],
  decorators: { fastify: ['deps', 'diagnostics'] },
});
