/**
 * The guided diagnosis of a session, step by step: start it on what was read, record tests and
 * safety steps, the repair (done on a simulated car too), then the verification in the workshop's
 * order — clear the codes, road test, re-read. Each step is saved with a version check: a form
 * sent from a page older than the session's state is refused with words (409), never applied on
 * top of a state it did not see.
 */
import {
  type GuidedSession as GS,
  GuidedSession,
  habilitationOf,
  type MeasuredReading,
  measurementsFor,
  readNumber,
  requiredSymbolOf,
  SessionError,
} from '@atelier/diagnosis';
import { refusalText } from '@atelier/training';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { type DiagSession, sessionForAction } from '../../services/diagnostics.js';
import { ConflictError } from '../../services/errors.js';
import { checkGuidedVersion, guidedFacts, guidedSessionOf, saveGuidedStep } from '../../services/guided.js';
import { isoDate, requireHabilitation } from '../../services/habilitations.js';
import { knowledgeBase } from '../../services/knowledge.js';
import { SIM_ROAD_TEST_MIN } from '../../services/scenarios.js';
import { readBatteryForGuided } from '../../services/session-battery.js';
import { typed } from '../../web/routes.js';
import { csrfProp, formResponses, idParams } from '../../web/schemas.js';
import { DIAG_WORKERS } from '../../web/types.js';

/** The version of the guided state the form was rendered from (absent: the state as read now). */
const versionProp = { version: { type: 'integer', minimum: 0 } } as const;
const stepBody = <const P extends object>(properties: P) =>
  ({ type: 'object', properties: { ...properties, ...versionProp, ...csrfProp } }) as const;
const bare = stepBody({});
/** A step on one test: its id, and the typed values' fields (`patterns`) when it takes them. */
const testBody = <const P extends object>(patterns: P) =>
  ({
    type: 'object',
    required: ['testId'],
    properties: { testId: { type: 'string', maxLength: 100 }, ...versionProp, ...csrfProp },
    patternProperties: patterns,
    additionalProperties: false,
  }) as const;
const back = formResponses('/diagnostics/:id#guided');
/** The vehicle types with a traction battery whose BMS a guided diagnosis reads. */
const TRACTION: readonly string[] = ['ev', 'hybrid'];

async function guided(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  const runtime = app.diagnostics;
  const toPage = (reply: FastifyReply, id: number) => reply.redirect(`/diagnostics/${id}#guided`, 303);

  /**
   * One step: the session the user may act on, at the version the form saw; `step` changes the
   * guided diagnosis (and may use the adapter); the result is saved only if no other step was
   * saved meanwhile; `after` runs once it is saved (what the step does to a simulated car).
   */
  const step = async (
    id: number,
    user: NonNullable<Parameters<typeof sessionForAction>[2]>,
    version: number | undefined,
    fn: (g: GS, s: DiagSession) => Promise<void> | void,
    after?: (g: GS, s: DiagSession) => void,
  ): Promise<number> => {
    const s = await sessionForAction(store, id, user);
    checkGuidedVersion(s, version);
    const g = guidedSessionOf(s);
    try {
      await fn(g, s);
    } catch (err) {
      if (err instanceof SessionError)
        throw new ConflictError({
          fr: `diagnostic guidé : ${err.messageIn('fr')}`,
          en: `guided diagnosis: ${err.message}`,
        });
      throw err;
    }
    await saveGuidedStep(store, s, g.toJSON(), clock.now());
    after?.(g, s);
    return s.id;
  };

  app.post('/diagnostics/:id/guided/start', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      // treeId: the fault tree chosen by hand (the list of the vehicle's trees is on the page) when
      // nothing read or said picks one.
      body: stepBody({ treeId: { type: 'string', pattern: '^[a-z0-9_]{0,60}$' } }),
      response: back,
    },
    handler: async (req, reply) => {
      const s = await sessionForAction(store, req.params.id, req.user!);
      checkGuidedVersion(s, req.body.version);
      let facts = await guidedFacts(store, s);
      // A car with a traction battery: its BMS is read now (the traction-battery signs come from the
      // report), or the reason none was is kept and shown with the signs.
      if (TRACTION.includes(facts.vehicle) && runtime.isConnected(s.id)) {
        await readBatteryForGuided(store, runtime, s, () => clock.now());
        facts = await guidedFacts(store, s);
      }
      let g: GS;
      try {
        g = GuidedSession.start(knowledgeBase(), facts, req.body.treeId ? { treeId: req.body.treeId } : {});
      } catch (err) {
        if (err instanceof SessionError)
          throw new ConflictError(
            req.body.treeId
              ? { fr: `diagnostic guidé : ${err.messageIn('fr')}`, en: `guided diagnosis: ${err.message}` }
              : {
                  fr: 'aucun arbre de panne ne correspond à ce qui a été lu ou dit : lisez le véhicule (codes, données en direct), précisez la plainte, ou choisissez un arbre dans la liste',
                  en: 'no fault tree matches what was read or said: read the car (codes, live data), detail the complaint, or choose a tree from the list',
                },
          );
        throw err;
      }
      // The readings made before the guided session are its facts and the first steps of its path.
      await saveGuidedStep(store, s, g.toJSON(), clock.now());
      return toPage(reply, s.id);
    },
  });

  app.post('/diagnostics/:id/guided/record', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: {
        type: 'object',
        required: ['testId', 'outcome'],
        properties: {
          testId: { type: 'string', maxLength: 100 },
          outcome: { type: 'string', enum: ['good', 'bad'] },
          ...versionProp,
          ...csrfProp,
        },
      },
      response: back,
    },
    handler: async (req, reply) => {
      const { testId, outcome, version } = req.body;
      return toPage(reply, await step(req.params.id, req.user!, version, (g) => g.record(testId, outcome)));
    },
  });

  const testOf = (testId: string) => {
    const test = knowledgeBase().tests.get(testId);
    if (!test) throw new ConflictError({ fr: `test inconnu : ${testId}`, en: `unknown test: ${testId}` });
    return test;
  };

  // A test measured on the connected simulated car: the instrument on the part, the car's physics
  // give the values, the knowledge base reads them (good/bad, soft near a bound). A car that cannot
  // have the measurement (no such part) records the test as impossible, which is no evidence. The
  // HV insulation test stays behind its lock-out and habilitation steps (recordMeasurement checks),
  // and a test made with the car READY behind the lock-out lifted (checked before the car is touched).
  app.post('/diagnostics/:id/guided/measure', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: testBody({}),
      response: back,
    },
    handler: async (req, reply) => {
      const { testId, version } = req.body;
      const id = await step(req.params.id, req.user!, version, (g, s) => {
        const test = testOf(testId);
        // A test made with the car READY: never measured on a car recorded locked out (409).
        g.checkEnergisedTest(test);
        const taken = runtime.isConnected(s.id)
          ? runtime.measureTest(s.id, test, g.facts.vehicle)
          : undefined;
        if (!taken)
          throw new ConflictError({
            fr: 'la mesure par instrument se fait sur un véhicule simulé connecté ; sur un vrai véhicule, saisissez la valeur lue',
            en: 'instrument measurements are taken on a connected simulated car; on a real car, type the value read',
          });
        if (taken.readings.length) g.recordMeasurement(testId, taken.readings);
        else if (taken.refused.length) g.recordUnable(testId, refusalText(test, taken.refused));
        else
          throw new ConflictError({
            fr: 'ce test ne se mesure pas à l’instrument sur ce véhicule : lisez-le dans les données en direct et saisissez la valeur, ou donnez le résultat',
            en: 'this test is not measured with an instrument on this car: read it in the live data and type the value, or give the result',
          });
      });
      return toPage(reply, id);
    },
  });

  // A value the technician measured and typed (a real car, or a reading off the live-data panel),
  // read by the knowledge base exactly as a simulated instrument's value. `value_N` answers the
  // test's measurement N; a measurement made on each part takes the parts' values in order,
  // separated by ";" (cylinders 1, 2, 3…; wheels front left, front right, rear left, rear right).
  app.post('/diagnostics/:id/guided/value', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: testBody({ '^value_[0-9]{1,2}$': { type: 'string', maxLength: 200 } }),
      response: back,
    },
    handler: async (req, reply) => {
      const { testId, version } = req.body;
      const typed = req.body as Record<string, unknown>;
      const id = await step(req.params.id, req.user!, version, (g) => {
        const test = testOf(testId);
        // Said before the values are read: a READY test's values cannot come from a locked-out car.
        g.checkEnergisedTest(test);
        const readings = typedReadings(test, g.facts.vehicle, typed);
        if (!readings.length)
          throw new ConflictError({
            fr: 'aucune valeur saisie pour ce test',
            en: 'no value typed for this test',
          });
        g.recordMeasurement(testId, readings);
      });
      return toPage(reply, id);
    },
  });

  app.post('/diagnostics/:id/guided/safety', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_]{1,60}$' }, ...versionProp, ...csrfProp },
      },
      response: back,
    },
    handler: async (req, reply) => {
      const { id, version } = req.body;
      const user = req.user!;
      return toPage(
        reply,
        await step(req.params.id, user, version, async (g, s) => {
          // A habilitation step, and the lock-out (the BCL's), is checked against the person's own
          // titles in the people register (NF C18-550), not taken on their word.
          const symbol = requiredSymbolOf(id);
          if (symbol) await requireHabilitation(store, s.site_id, user, symbol, isoDate(clock.now()));
          g.recordSafety(id);
        }),
      );
    },
  });

  app.post('/diagnostics/:id/guided/repair', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: stepBody({ causeId: { type: 'string', maxLength: 100 } }),
      response: back,
    },
    handler: async (req, reply) => {
      const { causeId, version } = req.body;
      const user = req.user!;
      const id = await step(
        req.params.id,
        user,
        version,
        async (g, s) => {
          // The work on HV parts is the person's who records the repair: their own habilitation for
          // it (the repair's habilitation step) is checked in the register, whoever clicked the step;
          // the lock-out step, the BCL's, was checked at its click (NF C18-550: a BCL may lock out
          // for the person doing the work). Then the session refuses a repair whose steps are not done.
          const cause = g.tree.causes.find((c) => c.id === (causeId || g.pendingRepair?.id));
          for (const sid of cause?.repair.safety ?? []) {
            const symbol = habilitationOf(sid);
            if (symbol) await requireHabilitation(store, s.site_id, user, symbol, isoDate(clock.now()));
          }
          g.repair(causeId || undefined);
        },
        // Once the repair is recorded, a simulated car is repaired too (a recording cannot be).
        (g, s) => {
          const done = g.steps.at(-1);
          if (done?.kind === 'repair') runtime.repairCar(s.id, done.cause);
        },
      );
      return toPage(reply, id);
    },
  });

  const notConnected = new ConflictError({
    fr: 'connectez l’adaptateur : la vérification se fait sur le véhicule',
    en: 'connect the adapter: the verification is done on the car',
  });
  app.post('/diagnostics/:id/guided/clear', {
    config: { access: DIAG_WORKERS },
    schema: { tags: ['diagnostics'], params: idParams, body: bare, response: back },
    handler: async (req, reply) => {
      const id = await step(req.params.id, req.user!, req.body.version, async (g, s) => {
        if (g.state !== 'verify')
          throw new ConflictError({
            fr: 'les codes s’effacent après la réparation',
            en: 'codes are cleared after the repair',
          });
        // Before the adapter touches the car: never while its HV system is still locked out.
        g.checkEnergise('clear');
        if (!runtime.isConnected(s.id)) throw notConnected;
        g.recordClear(await runtime.clearCodes(s.id));
      });
      return toPage(reply, id);
    },
  });

  // The follow-up a repair calls for before the verification (a forced DPF regeneration after an
  // injector), run on a connected simulated car through the scan tool: the ECU's own answer — done,
  // or refused/aborted and why — is a step of the path. On a real car it is done with the maker's tool.
  app.post('/diagnostics/:id/guided/follow-up', {
    config: { access: DIAG_WORKERS },
    schema: { tags: ['diagnostics'], params: idParams, body: bare, response: back },
    handler: async (req, reply) => {
      const id = await step(req.params.id, req.user!, req.body.version, async (g, s) => {
        const routine = g.followUp()?.routine;
        if (!routine)
          throw new ConflictError({
            fr: 'la réparation en attente de vérification ne demande pas de routine',
            en: 'the repair awaiting verification calls for no routine',
          });
        g.checkEnergise('follow_up');
        if (!runtime.isConnected(s.id) || !runtime.isSimulated(s.id))
          throw new ConflictError({
            fr: 'la routine se lance ici sur un scénario simulé connecté ; sur un véhicule réel, à l’outil constructeur',
            en: 'the routine is run here on a connected simulated scenario; on a real car, with the maker’s tool',
          });
        const run = await runtime.runFollowUp(s.id, routine);
        if (run) g.recordFollowUp(run, { simulated: true });
      });
      return toPage(reply, id);
    },
  });

  // The battery a charging repair calls to charge before the verification (the fault drained it):
  // on a connected simulated car, charged on the workshop charger in fast-forward, the charger's
  // display kept in the path; on a real car, the technician says the charger ended its charge.
  app.post('/diagnostics/:id/guided/charge-battery', {
    config: { access: DIAG_WORKERS },
    schema: { tags: ['diagnostics'], params: idParams, body: bare, response: back },
    handler: async (req, reply) => {
      const id = await step(req.params.id, req.user!, req.body.version, async (g, s) => {
        if (!g.followUp()?.chargeBattery)
          throw new ConflictError({
            fr: 'la réparation en attente de vérification ne demande pas de recharger la batterie',
            en: 'the repair awaiting verification does not call for charging the battery',
          });
        if (s.adapter_kind !== 'scenario') return g.recordBatteryCharge({ done: true });
        if (!runtime.isConnected(s.id) || !runtime.isSimulated(s.id))
          throw new ConflictError({
            fr: 'la recharge simulée se fait sur un scénario simulé connecté (un enregistrement ne se recharge pas)',
            en: 'the simulated charge needs a connected simulated scenario (a recording cannot be charged)',
          });
        const c = await runtime.chargeBattery(s.id);
        if (c)
          g.recordBatteryCharge({
            done: c.done,
            ah: c.ah,
            minutes: c.minutes,
            batteryV: c.batteryV,
            simulated: true,
          });
      });
      return toPage(reply, id);
    },
  });

  // A routine that needs the engine running (the forced DPF regeneration refuses a stopped engine):
  // on a connected simulated car the page can start it. Never on a real car — its key is in the
  // technician's hand, not the dashboard's.
  app.post('/diagnostics/:id/guided/start-engine', {
    config: { access: DIAG_WORKERS },
    schema: { tags: ['diagnostics'], params: idParams, body: bare, response: back },
    handler: async (req, reply) => {
      const id = await step(req.params.id, req.user!, req.body.version, (g, s) => {
        // Starting the engine powers the car: for the follow-up routine, after the lock-out is lifted.
        if (g.state === 'verify') g.checkEnergise('follow_up');
        if (!runtime.isConnected(s.id) || !runtime.isSimulated(s.id))
          throw new ConflictError({
            fr: 'le moteur se démarre ici sur un scénario simulé connecté ; un véhicule réel se démarre à la clé',
            en: 'the engine is started here on a connected simulated scenario; a real car is started with its key',
          });
        const refused = runtime.startEngine(s.id);
        if (refused) throw new ConflictError(refused);
      });
      return toPage(reply, id);
    },
  });

  // The road test after the repair: on a connected simulated car, driven in fast-forward; on a real
  // car, the technician says it was done (a full drive cycle). Either way it is a step of the path,
  // and the verification read knows whether it came.
  app.post('/diagnostics/:id/guided/road-test', {
    config: { access: DIAG_WORKERS },
    schema: { tags: ['diagnostics'], params: idParams, body: bare, response: back },
    handler: async (req, reply) => {
      const id = await step(req.params.id, req.user!, req.body.version, (g, s) => {
        if (g.state !== 'verify')
          throw new ConflictError({
            fr: 'l’essai routier se fait après la réparation',
            en: 'the road test comes after the repair',
          });
        g.checkEnergise('road_test');
        if (s.adapter_kind !== 'scenario') return g.recordRoadTest();
        if (!runtime.isConnected(s.id) || !runtime.isSimulated(s.id))
          throw new ConflictError({
            fr: 'l’essai routier simulé se fait sur un scénario simulé connecté (un enregistrement ne roule pas)',
            en: 'the simulated road test needs a connected simulated scenario (a recording cannot be driven)',
          });
        // The drive the repair calls for (a fast road when a DPF still has to burn its soot).
        const drive = g.verificationDrive(SIM_ROAD_TEST_MIN);
        if (!runtime.roadTest(s.id, drive))
          throw new ConflictError({
            fr: 'ce véhicule ne peut pas faire d’essai routier (il ne démarre pas)',
            en: 'this car cannot be road-tested (it does not start)',
          });
        g.recordRoadTest({
          minutes: drive.minutes,
          ...(drive.road === 'motorway' ? { road: drive.road } : {}),
          simulated: true,
        });
      });
      return toPage(reply, id);
    },
  });

  app.post('/diagnostics/:id/guided/verify', {
    config: { access: DIAG_WORKERS },
    schema: {
      tags: ['diagnostics'],
      params: idParams,
      body: stepBody({ symptomGone: { type: 'boolean', default: false } }),
      response: back,
    },
    handler: async (req, reply) => {
      const { symptomGone, version } = req.body;
      const id = await step(req.params.id, req.user!, version, async (g, s) => {
        // A recording answers what was recorded: it cannot be road-tested nor re-read after a repair.
        // The session ends on the repair, said to be unverified, rather than judged on old answers.
        const recording =
          s.adapter_kind === 'scenario' && runtime.isConnected(s.id) && !runtime.isSimulated(s.id);
        // Nothing is read from the car, nor the session concluded, while its HV system is locked out.
        if (g.state === 'verify') g.checkEnergise(recording ? 'conclude' : 'verify');
        if (recording) {
          g.concludeUnverified({
            fr: 'scénario enregistré : le véhicule ne peut être ni essayé ni relu après la réparation',
            en: 'recorded scenario: the car can be neither road-tested nor read again after the repair',
          });
          return;
        }
        // The verification read after the road test: codes and readiness through the adapter. Not
        // connected, nothing can be read: the codes and monitors are unknown, recorded as such.
        let result: { dtcsAfter: string[]; monitors?: Record<string, 'complete' | 'incomplete'> } = {
          dtcsAfter: [],
        };
        if (runtime.isConnected(s.id)) result = await runtime.rereadAfterRepair(s.id);
        g.verify({ cleared: false, symptomGone, ...result });
      });
      return toPage(reply, id);
    },
  });
}

const WHEEL_ORDER = ['fl', 'fr', 'rl', 'rr'];

/**
 * The values typed for a test's measurements, as readings: a number in the measurement's unit
 * (French or English decimal mark), `OL` or `>N` beyond the instrument's range, or one of the
 * measurement's words. Anything else is refused with words saying which value and what was expected.
 */
export function typedReadings(
  test: Parameters<typeof measurementsFor>[0],
  vehicle: Parameters<typeof measurementsFor>[1],
  body: Record<string, unknown>,
): MeasuredReading[] {
  const readings: MeasuredReading[] = [];
  for (const { spec, index } of measurementsFor(test, vehicle)) {
    const raw = body[`value_${index}`];
    if (typeof raw !== 'string' || !raw.trim()) continue;
    const parts = spec.each ? raw.split(';').map((x) => x.trim()) : [raw.trim()];
    parts.forEach((text, i) => {
      if (!text) return;
      const words = [...(spec.goodWords ?? []), ...(spec.badWords ?? [])];
      let value: number | string;
      if (words.length) {
        const w = words.find((x) => x.toLowerCase() === text.toLowerCase());
        if (!w)
          throw new ConflictError({
            fr: `${spec.label.fr} : « ${text} » n’est pas une lecture prévue (${words.join(', ')})`,
            en: `${spec.label.en}: "${text}" is not one of the readings (${words.join(', ')})`,
          });
        value = w;
      } else {
        const n = readNumber(text);
        if (n === undefined)
          throw new ConflictError({
            fr: `${spec.label.fr} : « ${text} » n’est pas une valeur en ${spec.unit || 'nombre'} (ex. 2,4 ; OL hors calibre)`,
            en: `${spec.label.en}: "${text}" is not a value in ${spec.unit || 'a number'} (e.g. 2.4; OL out of range)`,
          });
        value = Number.isFinite(n) ? n : text.toUpperCase();
      }
      const part =
        spec.each === 'cylinder'
          ? i + 1
          : spec.each === 'wheel'
            ? WHEEL_ORDER[i]
            : spec.each
              ? String(i + 1)
              : undefined;
      readings.push({
        spec: index,
        ...(part !== undefined ? { index: part } : {}),
        value,
        unit: spec.unit,
        source: 'typed',
      });
    });
  }
  return readings;
}

/** The guided diagnosis of a session; needs the core and the diagnostics runtime (adapter, car). */
export const guidedPlugin = fp(guided, {
  name: 'atelier-guided-diagnosis',
  encapsulate: true,
  dependencies: ['atelier-core', 'atelier-diagnostics-runtime'],
  decorators: { fastify: ['deps', 'diagnostics'] },
});
