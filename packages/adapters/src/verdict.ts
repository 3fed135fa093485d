import { NotElm327Error, UnableToConnectError } from '@atelier/elm327';
import { LinkError } from '@atelier/obd';

/**
 * What became of an attempt to reach a car through an adapter, in one word, for the command line's
 * exit status and one-line verdict and for the dashboard:
 * - `car-reached`: at least one ECU answered (some items may still be unsupported or unread);
 * - `adapter-unreachable`: no line to the adapter, nothing answering on it, or what answers is not an
 *   ELM327 (a modem, a flooding device);
 * - `car-unreachable`: the adapter is fine but no vehicle protocol or ECU answered (ignition off,
 *   wrong car, unplugged from the car);
 * - `aborted`: the user gave up (Ctrl-C).
 */
export type ConnectionVerdict = 'car-reached' | 'adapter-unreachable' | 'car-unreachable' | 'aborted';

export interface VerdictText {
  verdict: ConnectionVerdict;
  fr: string;
  en: string;
}

/**
 * The error behind a verdict: in English its name and message as they always were; in French its
 * own French words when it has them (a link error does), never its class name.
 */
const short = (err: Error) => `${err.name}: ${err.message}`;
const shortFr = (err: Error) =>
  typeof (err as { messageIn?: unknown }).messageIn === 'function'
    ? (err as Error & { messageIn: (lang: 'fr') => string }).messageIn('fr')
    : short(err);

/** The verdict of an opening that failed (`openAdapter` rejected with `err`). */
export function openingVerdict(err: unknown): VerdictText {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof LinkError && e.code === 'closed')
    return {
      verdict: 'aborted',
      fr: 'interrompu avant la fin de la connexion',
      en: 'stopped before the connection was made',
    };
  if (e instanceof UnableToConnectError)
    return {
      verdict: 'car-unreachable',
      fr: `adaptateur joint, véhicule injoignable : aucun protocole n'a répondu (contact mis ? prise bien enfoncée ?) — ${shortFr(e)}`,
      en: `adapter reached, car not reached: no vehicle protocol answered (ignition on? plug seated?) — ${short(e)}`,
    };
  // An ECU began to answer and broke off (ISO-TP: its consecutive frames never came): the adapter
  // and the bus work and a car is there, so the adapter is not to blame — the answer is.
  if (e instanceof LinkError && e.why?.code === 'answer-incomplete')
    return {
      verdict: 'car-unreachable',
      fr: `adaptateur joint, la réponse du véhicule s'est interrompue (câblage, terminaison du bus, calculateur occupé ?) — ${shortFr(e)}`,
      en: `adapter reached, the car's answer broke off (wiring, bus termination, busy ECU?) — ${short(e)}`,
    };
  if (e instanceof NotElm327Error)
    return {
      verdict: 'adapter-unreachable',
      fr: `ce qui répond n'est pas un ELM327 — ${shortFr(e)}`,
      en: `what answers is not an ELM327 — ${short(e)}`,
    };
  return {
    verdict: 'adapter-unreachable',
    fr: `adaptateur injoignable — ${shortFr(e)}`,
    en: `adapter not reached — ${short(e)}`,
  };
}

/** The verdict of a reading that ran: the car was reached when any ECU answered, even with a refusal. */
export function readingVerdict(reading: {
  ecus: readonly string[];
  adapter?: string;
  protocol?: string;
  incomplete?: boolean;
}): VerdictText {
  const { ecus } = reading;
  if (ecus.length === 0)
    return {
      verdict: 'car-unreachable',
      fr: `adaptateur${reading.adapter ? ` ${reading.adapter}` : ''} joint, aucun calculateur n'a répondu`,
      en: `adapter${reading.adapter ? ` ${reading.adapter}` : ''} reached, no ECU answered`,
    };
  const via = [reading.protocol, reading.adapter].filter(Boolean).join(', ');
  const n = ecus.length;
  return {
    verdict: 'car-reached',
    fr: `véhicule joint — ${n} calculateur${n > 1 ? 's' : ''} (${ecus.join(', ')})${via ? `, ${via}` : ''}${reading.incomplete ? ' ; lecture incomplète' : ''}`,
    en: `car reached — ${n} ECU${n > 1 ? 's' : ''} (${ecus.join(', ')})${via ? `, ${via}` : ''}${reading.incomplete ? '; reading incomplete' : ''}`,
  };
}
