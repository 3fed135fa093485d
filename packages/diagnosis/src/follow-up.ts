/**
 * A repair's follow-up routine run on the car through UDS (ISO 14229 RoutineControl, 0x31): a forced
 * DPF regeneration after an injector. Start it in the extended session, poll its results until it
 * ends (done, or aborted with the ECU's reason), or say why it could not start. Used by the
 * simulated apprentice (virtual time) and by the dashboard (a simulated car fast-forwarded between
 * polls): how time passes between polls is the caller's `wait`.
 */
import type { Clock } from '@atelier/clock';
import {
  type DiagnosticLink,
  DisconnectedError,
  LinkError,
  NegativeResponseError,
  SESSIONS,
  type Target,
  UdsClient,
} from '@atelier/obd';
import type { FollowUpRoutine } from './kb/types.js';
import type { Localized } from './text.js';

/** How a follow-up routine ended. */
export interface RoutineRun {
  /** Done; aborted by the ECU while running; refused at start; not available on this car or link. */
  status: 'done' | 'aborted' | 'refused' | 'unavailable' | 'timeout';
  /** Why it was aborted or refused, or why it is unavailable. */
  reason?: Localized;
  /** The ECU's reason as a key, when its record gives one (`engine_off`, `coolant_cold` …). */
  reasonId?: DpfRegenReason;
  /** The ECU's soot estimate at the first and the last reading, g (DPF regeneration). */
  sootBeforeG?: number;
  sootAfterG?: number;
  /** Highest exhaust temperature the ECU reported while it ran, °C. */
  peakExhaustC?: number;
  /** Minutes it ran, as the ECU counts them. */
  minutes?: number;
}

/** One results record of a DPF regeneration routine, decoded. */
interface DpfRecord {
  status: 'none' | 'running' | 'done' | 'aborted';
  reason?: Localized;
  reasonId?: DpfRegenReason;
  sootG: number;
  exhaustC: number;
  minutes: number;
}

const DPF_STATUS: Record<number, DpfRecord['status']> = { 0: 'none', 1: 'running', 2: 'done', 3: 'aborted' };
export type DpfRegenReason =
  | 'engine_off'
  | 'coolant_cold'
  | 'soot_too_high'
  | 'vehicle_moving'
  | 'stopped_by_tester'
  | 'time_limit';
/** The reason byte of the record (byte 2), by value. */
const DPF_REASON: Record<number, { id: DpfRegenReason; text: Localized }> = {
  1: { id: 'engine_off', text: { fr: 'moteur arrêté', en: 'engine off' } },
  2: {
    id: 'coolant_cold',
    text: { fr: 'moteur froid (liquide de refroidissement)', en: 'engine cold (coolant)' },
  },
  3: {
    id: 'soot_too_high',
    text: {
      fr: 'trop de suies pour une régénération à l’arrêt : déposer et nettoyer le FAP',
      en: 'too much soot for a stationary regeneration: remove and clean the DPF',
    },
  },
  4: { id: 'vehicle_moving', text: { fr: 'véhicule en mouvement', en: 'vehicle moving' } },
  5: { id: 'stopped_by_tester', text: { fr: 'arrêtée par l’outil', en: 'stopped by the tester' } },
  6: { id: 'time_limit', text: { fr: 'durée maximale atteinte', en: 'time limit reached' } },
};

/**
 * A results record the ECU answered that this routine cannot read (another maker's layout, a
 * truncated answer): the car's input, said in both languages, never a crash.
 */
export class RoutineRecordError extends Error {
  override name = 'RoutineRecordError';
  constructor(readonly bytes: number) {
    super(`the ECU's DPF regeneration record has ${bytes} bytes (6 expected)`);
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en'
      ? this.message
      : `l'enregistrement de régénération du FAP renvoyé par le calculateur a ${this.bytes} octets (6 attendus)`;
  }
}

/** Status, reason, soot (g), exhaust temperature (°C, 2 bytes), minutes since the start. */
export function decodeDpfRegenRecord(d: Uint8Array): DpfRecord {
  if (d.length < 6) throw new RoutineRecordError(d.length);
  return {
    status: DPF_STATUS[d[0]] ?? 'none',
    ...(d[0] === 3
      ? DPF_REASON[d[1]]
        ? { reason: DPF_REASON[d[1]].text, reasonId: DPF_REASON[d[1]].id }
        : { reason: { fr: `code ${d[1]}`, en: `code ${d[1]}` } }
      : {}),
    sootG: d[2],
    exhaustC: (d[3] << 8) | d[4],
    minutes: d[5],
  };
}

/**
 * Where a routine is sent: the ECU of its role among those the car is known to have (a maker tool's
 * list), else the engine ECU's OBD address (ISO 15765-4: 0x7E0, or 0x18DA10F1 on 29-bit).
 */
export function routineTarget(
  routine: FollowUpRoutine,
  ecus: readonly { request: number; name?: string }[],
  extended: boolean,
): Target {
  const ecu = ecus.find((e) => e.name === routine.ecu);
  return { kind: 'physical', address: ecu ? ecu.request : extended ? 0x18da10f1 : 0x7e0 };
}

export interface RunRoutineOptions {
  clock?: Clock;
  /** Lets `ms` of the car's time pass between two polls of the results. */
  wait(ms: number): Promise<void>;
  /** Time between polls, ms (default 60 s). */
  pollMs?: number;
}

/** Runs the routine on the ECU at `target` and waits for its end, polling its results. */
export async function runFollowUpRoutine(
  link: DiagnosticLink,
  target: Target,
  routine: FollowUpRoutine,
  options: RunRoutineOptions,
): Promise<RoutineRun> {
  const uds = new UdsClient(link, target, options.clock ? { clock: options.clock } : {});
  const pollMs = options.pollMs ?? 60_000;
  const results = async () => decodeDpfRegenRecord(await uds.routine('results', routine.id));
  let started = false;
  try {
    await uds.startSession(SESSIONS.extended);
    try {
      await uds.routine('start', routine.id);
      started = true;
    } catch (err) {
      if (!(err instanceof NegativeResponseError)) throw err;
      // Refused: the routine's last run says why when the ECU keeps it; else the NRC does.
      const last = await results().catch(() => undefined);
      return {
        status: 'refused',
        reason: last?.reason ?? {
          fr: `refusée par le calculateur (${err.nrcName})`,
          en: `refused by the ECU (${err.nrcName})`,
        },
        ...(last?.reasonId ? { reasonId: last.reasonId } : {}),
        ...(last ? { sootBeforeG: last.sootG, sootAfterG: last.sootG } : {}),
      };
    }
    const first = await results();
    let last = first;
    let peak = first.exhaustC;
    for (
      let waited = 0;
      last.status === 'running' && waited < routine.maxMinutes * 60_000;
      waited += pollMs
    ) {
      await options.wait(pollMs);
      last = await results();
      peak = Math.max(peak, last.exhaustC);
    }
    const base = {
      sootBeforeG: first.sootG,
      sootAfterG: last.sootG,
      peakExhaustC: peak,
      minutes: last.minutes,
    };
    if (last.status === 'running') {
      await uds.routine('stop', routine.id).catch(() => {});
      return { status: 'timeout', ...base };
    }
    if (last.status === 'aborted')
      return {
        status: 'aborted',
        ...base,
        ...(last.reason ? { reason: last.reason } : {}),
        ...(last.reasonId ? { reasonId: last.reasonId } : {}),
      };
    return { status: 'done', ...base };
  } catch (err) {
    // An unplugged adapter is the caller's to report; an ECU without the routine, or silent, is not.
    if (err instanceof DisconnectedError) throw err;
    if (err instanceof RoutineRecordError) {
      // Started, but its progress cannot be read: a regeneration nobody can watch (exhaust at
      // 600 °C in the workshop) is stopped rather than left to run.
      const stopped =
        started &&
        (await uds.routine('stop', routine.id).then(
          () => true,
          () => false,
        ));
      return {
        status: 'unavailable',
        reason: {
          fr: `résultats illisibles : ${err.messageIn('fr')}${started ? (stopped ? ' ; routine arrêtée' : ' ; arrêt de la routine refusé : arrêtez le moteur') : ''}`,
          en: `unreadable results: ${err.message}${started ? (stopped ? '; routine stopped' : '; stopping the routine was refused: stop the engine') : ''}`,
        },
      };
    }
    if (err instanceof NegativeResponseError || err instanceof LinkError)
      return {
        status: 'unavailable',
        reason: {
          fr: `routine indisponible : ${err.messageIn('fr')}`,
          en: `routine unavailable: ${err.message}`,
        },
      };
    throw err;
  } finally {
    await uds.startSession(SESSIONS.default).catch(() => {});
    uds.close();
  }
}

const RUN_STATUS: Record<RoutineRun['status'], Localized> = {
  done: { fr: 'terminée', en: 'done' },
  aborted: { fr: 'interrompue', en: 'aborted' },
  refused: { fr: 'refusée', en: 'refused' },
  unavailable: { fr: 'indisponible', en: 'unavailable' },
  timeout: { fr: 'pas finie dans le temps donné', en: 'not finished in the time given' },
};

/** A routine run in words: "Régénération forcée du FAP : terminée (suies 83 → 12 g, 19 min)", or refused and why. */
export function describeRoutineRun(name: Localized, run: RoutineRun): Localized {
  const say = (lang: 'fr' | 'en') => {
    const soot =
      run.sootBeforeG !== undefined && run.sootAfterG !== undefined && run.status !== 'refused'
        ? `${lang === 'fr' ? 'suies' : 'soot'} ${run.sootBeforeG} → ${run.sootAfterG} g`
        : run.sootBeforeG !== undefined
          ? `${lang === 'fr' ? 'suies' : 'soot'} ${run.sootBeforeG} g`
          : '';
    const detail = [soot, run.minutes ? `${run.minutes} min` : ''].filter(Boolean).join(', ');
    // French puts a space before the colon, English does not.
    const colon = lang === 'fr' ? ' : ' : ': ';
    const reason = run.reason ? `${colon}${run.reason[lang]}` : '';
    return `${name[lang]}${colon}${RUN_STATUS[run.status][lang]}${reason}${detail ? ` (${detail})` : ''}`;
  };
  return { fr: say('fr'), en: say('en') };
}
