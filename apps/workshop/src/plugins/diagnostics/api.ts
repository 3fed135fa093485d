/**
 * The JSON side of diagnostic sessions that has no page of its own: the serial ports an adapter
 * may be on, and a session's live samples with its marks and reference run (what the page's chart
 * draws). The session itself and its adapter actions are JSON twins in the sessions plugin.
 */
import { listSerialPorts } from '@atelier/adapters';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { getDiagSession, marksOf, mayCompareWith, samplesOf } from '../../services/diagnostics.js';
import { ForbiddenError } from '../../services/errors.js';
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
    handler: async () => listSerialPorts(),
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
      const s = await getDiagSession(store, req.params.id);
      // Comparing is reading: an apprentice gets no other apprentice's training run, neither asked
      // for directly nor as the reference someone else set on their session.
      if (!mayCompareWith(req.user!, s))
        throw new ForbiddenError({
          fr: 'la session d’un autre apprenti en formation ne peut pas servir de comparaison',
          en: "another apprentice's training session cannot be used for comparison",
        });
      const set = s.reference_id ? await getDiagSession(store, s.reference_id) : null;
      const ref = set && mayCompareWith(req.user!, set) ? set : null;
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
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
