/**
 * Diagnostic sessions in the browser: open one on a repair order with an adapter, connect, read the
 * car, watch live data over server-sent events, mark moments, compare with a reference run,
 * finish. Every value read is stored as it arrives (the runtime does it); the page and its JSON
 * twin show the same session.
 */
import { Readable } from 'node:stream';
import { originText } from '@atelier/can';
import { PIDS } from '@atelier/obd';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { type Lang, type Text, tr } from '../../i18n.js';
import { adapterOptions, chooseAdapter } from '../../services/adapter-offer.js';
import { AdapterProblem, PROBLEM_TEXT, type ProblemCode } from '../../services/adapters.js';
import { markFinished } from '../../services/classes.js';
import {
  addMark,
  createDiagSession,
  type DiagSession,
  getDiagSession,
  guidedOf,
  problemDetail,
  readingsOf,
  recentSessions,
  sessionForAction,
  sessionForRead,
  sessionOverview,
  sessionsOfOrder,
  setReference,
  setStatusMessage,
} from '../../services/diagnostics.js';
import { ConflictError, DomainError, ValidationError } from '../../services/errors.js';
import { guidedSessionOf, sessionCar, sessionOrigin } from '../../services/guided.js';
import { type HabStanding, isoDate } from '../../services/habilitations.js';
import { topic } from '../../services/live.js';
import { listOrders } from '../../services/orders.js';
import { type SafetyGate, safetyGatesOf } from '../../services/safety-gates.js';
import { readSessionBattery } from '../../services/session-battery.js';
import { trafficChunks, trafficSummary } from '../../services/traffic.js';
import { batteryReportPage } from '../../web/battery.js';
import { renderPage, sendPage } from '../../web/layout.js';
import { type Req, twin, typed } from '../../web/routes.js';
import { csrfOnly, csrfProp, formResponses, idParams, pageErrors, pageResponses } from '../../web/schemas.js';
import { DIAG_WORKERS, STAFF } from '../../web/types.js';
import { sessionListPage, sessionPage } from './views.js';

const ASSETS = [
  '/vendor/uplot/uPlot.min.css',
  '/vendor/uplot/uPlot.iife.min.js',
  '/static/diagnostics.css',
  '/static/diagnostics.js',
];

const readingSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    ecu: { type: 'string' },
    item: { type: 'string' },
    /** A VIN, a code list, a readiness record, a number… as read. */
    value: {},
    at: { type: 'integer' },
  },
} as const;

const nullableInt = { type: ['integer', 'null'] } as const;
const nullableStr = { type: ['string', 'null'] } as const;

/** A session as the API shows it: the row, whether its adapter is open, every reading, the guided state. */
const safetyGateSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'for',
    'target',
    'step',
    'symbol',
    'done',
    'checked_at_repair',
    'held',
    'held_as',
    'valid_until',
    'reason',
    'holders',
  ],
  properties: {
    /** unlock: the lock-out lifted (hv_unlock, a BCL's) before the car is powered again. */
    for: { type: 'string', enum: ['test', 'repair', 'unlock'] },
    /** The test's id, or the cause's whose repair it is (the unlock's: the last repair's cause, or ''). */
    target: { type: 'string' },
    step: { type: 'string' },
    /** The NF C18-550 symbol the step is checked against (the lock-out's: BCL). */
    symbol: { type: 'string' },
    done: { type: 'boolean' },
    /** The repair's habilitation is checked again on whoever records the repair. */
    checked_at_repair: { type: 'boolean' },
    held: { type: 'boolean' },
    /** The reader's covering symbol (B2XL for B1XL), when held. */
    held_as: nullableStr,
    /** Its refresher date (YYYY-MM-DD), when held. */
    valid_until: nullableStr,
    /** Why not held (none, renewal overdue), in the reader's language. */
    reason: nullableStr,
    holders: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'symbol', 'valid_until'],
        properties: { name: { type: 'string' }, symbol: { type: 'string' }, valid_until: { type: 'string' } },
      },
    },
  },
} as const;

export const diagSessionSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    site_id: { type: 'integer' },
    ro_id: nullableInt,
    assignment_id: nullableInt,
    user_id: { type: 'integer' },
    user_name: nullableStr,
    adapter_kind: { type: 'string', enum: ['serial', 'tcp', 'socketcan', 'scenario'] },
    adapter_spec: { type: 'string' },
    state: { type: 'string', enum: ['new', 'connected', 'disconnected', 'closed'] },
    status_message: { type: 'string' },
    /** The problem's own words (which ECU, which frame was due) in the reader's language, or ''. */
    status_detail: { type: 'string' },
    vin: nullableStr,
    vin_check: nullableStr,
    guided_version: { type: 'integer' },
    reference_id: nullableInt,
    started_at: { type: 'integer' },
    ended_at: nullableInt,
    connected: { type: 'boolean' },
    live: {
      type: 'object',
      additionalProperties: false,
      properties: { running: { type: 'boolean' }, pids: { type: 'array', items: { type: 'string' } } },
    },
    readings: { type: 'array', items: readingSchema },
    /** The guided diagnosis (`SessionData` of @atelier/diagnosis), or null before it starts. */
    guided: { description: 'SessionData of @atelier/diagnosis, or null' },
    /**
     * What the guided page says before the click, for the reader: each safety step of the proposed
     * test (or of the found cause's repair, or the lock-out to lift once the HV work is over)
     * checked against the people register.
     */
    safety_gates: { type: 'array', items: safetyGateSchema },
  },
} as const;

/** A safety gate as the session's JSON carries it (where the reader stands; who on the site holds it). */
function safetyGateJson(g: SafetyGate, lang: Lang) {
  const { check, holders, renewalOn, symbol } = g.standing;
  return {
    for: g.for,
    target: g.target,
    step: g.step,
    symbol,
    done: g.done,
    checked_at_repair: g.checkedAtRepair,
    held: check.ok,
    held_as: check.ok ? check.symbol : null,
    valid_until: renewalOn ?? null,
    reason: check.ok ? null : tr(lang, check.reason),
    holders: holders.map((h) => ({ name: h.name, symbol: h.symbol, valid_until: h.renewal_on })),
  };
}

const adapterResult = {
  type: 'object',
  required: ['ok', 'state'],
  additionalProperties: false,
  properties: { ok: { type: 'boolean' }, state: { type: 'string' } },
} as const;

const sseResponses = {
  200: {
    description:
      'flux SSE : sample, reading, mark, status / SSE stream: sample, reading, mark, status events',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  },
  204: {
    description: 'session terminée : plus rien à dire / session finished: nothing more to say',
    type: 'null',
  },
  ...pageErrors,
} as const;

async function sessions(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  const runtime = app.diagnostics;
  const back = (reply: FastifyReply, id: number, anchor = '') =>
    reply.redirect(`/diagnostics/${id}${anchor}`, 303);
  // Said before the click: the gated steps the guided session asks for now (the proposed test's,
  // the found cause's repair's), where the reader stands for each (the gate at the click is the same
  // check), and who on the site holds it.
  const gatesFor = async (s: DiagSession, user: { id: number; name: string }): Promise<SafetyGate[]> => {
    if (!guidedOf(s)) return [];
    return safetyGatesOf(store, s.site_id, guidedSessionOf(s), user, isoDate(clock.now()));
  };
  const standingsForPage = async (s: DiagSession, user: { id: number; name: string }) =>
    new Map<string, HabStanding>((await gatesFor(s, user)).map((g) => [g.standing.symbol, g.standing]));

  app.get('/diagnostics', {
    config: { access: STAFF },
    schema: {
      tags: ['diagnostics'],
      querystring: {
        type: 'object',
        properties: { roId: { type: 'integer', minimum: 1 }, lang: { type: 'string' } },
      },
      response: pageResponses,
    },
    handler: async (req, reply) => {
      const { roId } = req.query;
      const viewer = req.user!;
      const list = roId
        ? await sessionsOfOrder(store, viewer.site_id, roId, viewer)
        : await recentSessions(store, viewer.site_id, 50, viewer);
      const orders = (await listOrders(store, viewer.site_id)).filter((o) =>
        ['reception', 'diagnosis', 'comeback', 'repair', 'quality_control'].includes(o.state),
      );
      const adapters = await adapterOptions(store, viewer.site_id, runtime.discovery);
      const body = sessionListPage(req, { roId, sessions: list, orders, adapters });
      return sendPage(
        reply,
        renderPage(req, { fr: 'Sessions de diagnostic', en: 'Diagnostic sessions' }, body),
      );
    },
  });

  app.post('/diagnostics', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      body: {
        type: 'object',
        required: ['roId', 'adapter'],
        properties: {
          roId: { type: 'integer', minimum: 1 },
          /**
           * One of the options the form offers (`serial:/dev/ttyUSB0`, `tcp:ID` of a declared
           * adapter, `socketcan:can0`); anything else is refused (400).
           */
          adapter: { type: 'string', maxLength: 300 },
          ...csrfProp,
        },
      },
      response: formResponses('/diagnostics/:id'),
    },
    handler: async (req, reply) => {
      const { roId, adapter } = req.body;
      const s = await createDiagSession(
        store,
        { roId, adapter: await chooseAdapter(store, req.user!.site_id, adapter, runtime.discovery) },
        req.user!,
        clock.now(),
      );
      return back(reply, s.id);
    },
  });

  // The session: its page, and the same session as JSON.
  twin(app, 'GET', {
    access: STAFF,
    tags: ['diagnostics'],
    schema: { params: idParams },
    handler: async (req) => {
      const s = await sessionForRead(store, req.params.id, req.user!);
      return { s, connected: runtime.isConnected(s.id), live: runtime.liveState(s.id) };
    },
    page: {
      url: '/diagnostics/:id',
      render: async ({ s, connected, live }, req, reply) => {
        const roadTest = connected && runtime.isSimulated(s.id);
        const body = sessionPage(req, s, await sessionOverview(store, s, req.user!), {
          connected,
          live,
          roadTest,
          engineStopped: roadTest && runtime.engineRuns(s.id) === false,
          habilitations: await standingsForPage(s, req.user!),
        });
        return sendPage(
          reply,
          renderPage(req, { fr: `Session de diagnostic #${s.id}`, en: `Diagnostic session #${s.id}` }, body, {
            scripts: ASSETS,
          }),
        );
      },
    },
    api: {
      url: '/api/diagnostics/:id',
      response: diagSessionSchema,
      json: async ({ s, connected, live }, req) => {
        const { guided, ...rest } = s;
        const detail = problemDetail(s);
        return {
          ...rest,
          status_detail: detail ? tr(req.lang, detail) : '',
          connected,
          live,
          readings: await readingsOf(store, s.id),
          guided: guided ? JSON.parse(guided) : null,
          safety_gates: (await gatesFor(s, req.user!)).map((g) => safetyGateJson(g, req.lang)),
        };
      },
    },
  });

  /**
   * Runs an adapter action on the session the user may act on. An adapter problem never crashes
   * anything: it is stored with the session (when the link survives it) and shown on its page;
   * the API answers 502 with the problem's code and words.
   */
  const adapterAction = async (
    req: Req<{ params: typeof idParams }>,
    fn: (s: DiagSession) => Promise<unknown>,
  ): Promise<{ id: number; problem?: ProblemCode; said?: Text }> => {
    const s = await sessionForAction(store, req.params.id, req.user!);
    try {
      await fn(s);
    } catch (err) {
      if (err instanceof DomainError || !(err instanceof AdapterProblem)) throw err;
      // Problems that do not end the link (no answer, timeout) are shown without dropping the session.
      if (runtime.isConnected(s.id)) await setStatusMessage(store, s.id, err.code, err.said);
      return { id: s.id, problem: err.code, ...(err.said ? { said: err.said } : {}) };
    }
    return { id: s.id };
  };
  const adapterTwin = (name: 'connect' | 'read', fn: (s: DiagSession) => Promise<unknown>) =>
    twin(app, 'POST', {
      access: DIAG_WORKERS,
      tags: ['diagnostics'],
      schema: { params: idParams, body: csrfOnly },
      handler: (req) => adapterAction(req, fn),
      page: { url: `/diagnostics/:id/${name}`, redirect: ({ id }) => `/diagnostics/${id}` },
      api: {
        url: `/api/diagnostics/:id/${name}`,
        noBody: true,
        response: adapterResult,
        json: async ({ id, problem, said }, req, reply) => {
          if (problem) {
            reply.code(502);
            const p = PROBLEM_TEXT[problem];
            return {
              error: `${tr(req.lang, p.what)} ${tr(req.lang, p.check)}`,
              problem,
              ...(said ? { detail: tr(req.lang, said) } : {}),
            };
          }
          return {
            ok: true,
            state: runtime.isConnected(id)
              ? 'connected'
              : (await getDiagSession(store, req.user!.site_id, id)).state,
          };
        },
      },
    });
  adapterTwin('connect', async (s) => {
    // An ELM327 finds a car by asking 01 00 (its protocol search). A recording that never answered
    // it — a battery ECU read, a logger that polled PIDs without asking which are supported — is
    // reached over ISO-TP directly; behind the emulator it would look like a car with the ignition off.
    const recording = s.adapter_kind === 'scenario' ? (await sessionOverview(store, s)).recording : null;
    const noSearch =
      recording?.analysis.ecus !== undefined && !(recording.analysis.obd?.pids ?? []).includes('00');
    return runtime.connect(
      s.id,
      { kind: s.adapter_kind, spec: s.adapter_spec, ...(noSearch ? { via: 'isotp' as const } : {}) },
      s.adapter_kind === 'scenario' ? () => sessionCar(store, s) : undefined,
    );
  });
  adapterTwin('read', (s) => runtime.read(s.id));

  const adapterForm = (name: string, fn: (s: DiagSession) => Promise<unknown>) =>
    app.post(`/diagnostics/:id/${name}`, {
      config: { access: DIAG_WORKERS },
      schema: {
        tags: ['diagnostics'],
        params: idParams,
        body: csrfOnly,
        response: formResponses('/diagnostics/:id'),
      },
      handler: async (req, reply) => back(reply, (await adapterAction(req, fn)).id),
    });
  adapterForm('disconnect', (s) => runtime.disconnect(s.id));
  adapterForm('live/stop', (s) => runtime.stopLive(s.id));

  app.post('/diagnostics/:id/live', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: {
        type: 'object',
        required: ['pids'],
        properties: {
          pids: {
            type: 'array',
            items: { type: 'string', pattern: '^[0-9A-Fa-f]{2}$' },
            minItems: 1,
            maxItems: 12,
          },
          periodMs: { type: 'integer', minimum: 50, maximum: 10_000, default: 200 },
          ...csrfProp,
        },
      },
      response: formResponses('/diagnostics/:id'),
    },
    handler: async (req, reply) => {
      const { id } = await adapterAction(req, async (s) => {
        const pids = req.body.pids.map((p) => Number.parseInt(p, 16));
        if (pids.some((p) => !PIDS.has(p) || p % 0x20 === 0))
          throw new ValidationError({ fr: 'PID inconnu', en: 'unknown PID' }, 'pids');
        await runtime.startLive(s.id, pids, req.body.periodMs);
      });
      return back(reply, id);
    },
  });

  app.post('/diagnostics/:id/marks', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: {
        type: 'object',
        required: ['label'],
        properties: { label: { type: 'string', maxLength: 200 }, ...csrfProp },
      },
      response: formResponses('/diagnostics/:id#live'),
    },
    handler: async (req, reply) => {
      const s = await sessionForAction(store, req.params.id, req.user!);
      const { label } = req.body;
      const m = await addMark(store, s.id, clock.now(), label);
      runtime.hub.publish(topic(s.id), 'mark', { t: clock.now(), label, id: m.id });
      return back(reply, s.id, '#live');
    },
  });

  app.post('/diagnostics/:id/reference', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: {
        type: 'object',
        required: ['referenceId'],
        properties: { referenceId: { type: 'integer', minimum: 0 }, ...csrfProp },
      },
      response: formResponses('/diagnostics/:id#live'),
    },
    handler: async (req, reply) => {
      const s = await sessionForAction(store, req.params.id, req.user!);
      await setReference(store, req.user!.site_id, s.id, req.body.referenceId || null, req.user!);
      return back(reply, s.id, '#live');
    },
  });

  app.post('/diagnostics/:id/finish', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: csrfOnly,
      response: formResponses('/diagnostics/:id'),
    },
    handler: async (req, reply) => {
      const s = await sessionForAction(store, req.params.id, req.user!);
      await runtime.disconnect(s.id, 'closed');
      if (s.assignment_id) await markFinished(store, s.assignment_id, clock.now());
      return back(reply, s.id);
    },
  });

  // Server-sent events: samples, readings, marks and adapter status of one session.
  app.get('/diagnostics/:id/events', {
    config: { access: STAFF },
    schema: { tags: ['diagnostics'], params: idParams, response: sseResponses },
    handler: async (req, reply) => {
      const s = await sessionForRead(store, req.params.id, req.user!);
      reply.hijack();
      const res = reply.raw;
      // A finished session has nothing more to say: 204 tells EventSource not to reconnect.
      if (s.state === 'closed' && !runtime.isConnected(s.id)) {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 2000\n\n`);
      res.write(
        `event: status\ndata: ${JSON.stringify({ state: runtime.isConnected(s.id) ? 'connected' : s.state, problem: s.status_message || undefined })}\n\n`,
      );
      // A browser that went away mid-write must not take the server with it.
      res.on('error', () => {});
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      const stop = () => {
        clearInterval(keepAlive);
        unsubscribe();
      };
      // The runtime ends the stream when the app closes; the browser ends it by going away.
      const unsubscribe = runtime.hub.subscribe(
        topic(s.id),
        (chunk) => res.write(chunk),
        () => {
          stop();
          res.end();
        },
      );
      req.raw.on('close', stop);
    },
  });

  // The traction battery read through the session's link: the page an apprentice reads on a
  // recording of battery reads (the recorded responder answers the recorded requests).
  twin(app, 'GET', {
    // Reading the battery sends requests on the session's link: an action on the session.
    access: DIAG_WORKERS,
    tags: ['diagnostics'],
    schema: { params: idParams },
    handler: async (req) => {
      const s = await sessionForAction(store, req.params.id, req.user!);
      if (!runtime.isConnected(s.id))
        throw new ConflictError({
          fr: "connectez d'abord la session : la batterie se lit par la liaison",
          en: 'connect the session first: the battery is read through the link',
        });
      return readSessionBattery(store, runtime, s);
    },
    page: {
      url: '/diagnostics/:id/battery',
      render: (report, req, reply) => sendPage(reply, batteryReportPage(req, report)),
    },
    api: {
      url: '/api/diagnostics/:id/battery',
      response: { description: 'BatteryReport of @atelier/ev', type: 'object', additionalProperties: true },
      json: (report) => report,
    },
  });

  app.get('/diagnostics/:id/traffic', {
    config: { access: STAFF },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      response: {
        200: {
          description: 'transcript ELM327 ou journal candump / ELM327 transcript or candump log',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        ...pageErrors,
      },
    },
    handler: async (req, reply) => {
      const s = await sessionForRead(store, req.params.id, req.user!);
      const t = await trafficSummary(store, s.id);
      const origin = await sessionOrigin(store, s);
      async function* text() {
        if (origin) yield `# ${originText(origin)}\n`;
        yield* trafficChunks(store, s.id);
      }
      // Streamed chunk by chunk from the store: a long session is never held whole in memory.
      if (t.truncatedAt) reply.header('x-atelier-traffic-truncated-at', String(t.truncatedAt));
      return (
        reply
          .type('text/plain; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="session-${s.id}.${t.format === 'candump' ? 'candump.log' : 'elm327.txt'}"`,
          )
          // (the response schema describes the text the stream carries; a stream is sent as it is)
          .send(Readable.from(text()) as unknown as string)
      );
    },
  });
}

/** Opens diagnostic sessions and drives their adapters; needs the core and the diagnostics runtime. */
export const diagnosticSessionsPlugin = fp(sessions, {
  name: 'atelier-diagnostic-sessions',
  encapsulate: true,
  dependencies: ['atelier-core', 'atelier-diagnostics-runtime'],
  decorators: { fastify: ['deps', 'diagnostics'] },
});
