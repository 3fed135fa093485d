/**
 * The dashboard's side of adapters: the choice a user makes in the session form (kind and port,
 * address, interface or training scenario), the adapter name it stands for in the shared registry
 * (@atelier/adapters opens it), and what went wrong in plain words. A training scenario goes behind
 * the ELM327 emulator (`sim:…?via=elm327`), so that the apprentice's session goes through exactly
 * the code a real adapter would.
 */
import { ElmFloodError, NotElm327Error } from '@atelier/elm327';
import { LinkError } from '@atelier/obd';
import type { Text } from '../i18n.js';

export type AdapterKind = 'serial' | 'tcp' | 'socketcan' | 'scenario';

/**
 * An adapter choice, as stored with the session: one of those offered (`adapter-offer.ts`), or a
 * training scenario.
 */
export interface AdapterChoice {
  kind: AdapterKind;
  /** `/dev/ttyUSB0`, `HOST:PORT`, `can0` or a scenario id. */
  spec: string;
  /**
   * A scenario's path to its car: behind the ELM327 emulator (default, a real adapter's path), or
   * straight over ISO-TP on a virtual bus for a recording with no OBD-II in it, which an ELM327's
   * protocol search (an OBD request) could never find.
   */
  via?: 'elm327' | 'isotp';
}

/** The registry's name for a choice; a scenario's vehicle comes from the caller (`resolveScenario`). */
export function adapterName(choice: AdapterChoice): string {
  switch (choice.kind) {
    case 'serial':
      return `elm327:${choice.spec}`;
    case 'tcp':
      return `elm327:tcp://${choice.spec}`;
    case 'socketcan':
      return `socketcan:${choice.spec}`;
    case 'scenario':
      return `sim:${choice.spec}?via=${choice.via ?? 'elm327'}`;
  }
}

export type ProblemCode =
  | 'unreachable'
  | 'no-vehicle'
  | 'adapter'
  | 'timeout'
  | 'disconnected'
  | 'unsupported'
  | 'not-configured'
  | 'flooding'
  | 'not-elm327'
  | 'unknown';

/** What went wrong with the adapter, in plain words, with what to check. */
export const PROBLEM_TEXT: Record<ProblemCode, { what: Text; check: Text }> = {
  unreachable: {
    what: { fr: "L'adaptateur ne répond pas.", en: 'The adapter does not answer.' },
    check: {
      fr: "Vérifiez qu'il est branché sur la prise OBD et alimenté (voyant allumé), le port série ou l'adresse Wi-Fi, et qu'aucun autre logiciel ne l'utilise.",
      en: 'Check that it is plugged into the OBD socket and powered (light on), the serial port or Wi-Fi address, and that no other program is using it.',
    },
  },
  'no-vehicle': {
    what: {
      fr: "L'adaptateur répond, mais aucun calculateur du véhicule.",
      en: 'The adapter answers, but no vehicle ECU does.',
    },
    check: {
      fr: 'Mettez le contact (position II), vérifiez la prise OBD et réessayez.',
      en: 'Turn the ignition on (position II), check the OBD socket and try again.',
    },
  },
  adapter: {
    what: {
      fr: "L'adaptateur a refusé ou mal compris la demande.",
      en: 'The adapter refused or garbled the request.',
    },
    check: {
      fr: "Débranchez-le et rebranchez-le ; avec un clone, essayez un autre profil ou un adaptateur d'origine.",
      en: 'Unplug and replug it; with a clone, try another profile or a genuine adapter.',
    },
  },
  timeout: {
    what: { fr: 'Le véhicule a mis trop de temps à répondre.', en: 'The vehicle took too long to answer.' },
    check: {
      fr: 'Vérifiez la batterie (tension > 12 V) et réessayez, moteur au ralenti si possible.',
      en: 'Check the battery (voltage > 12 V) and try again, engine idling if possible.',
    },
  },
  disconnected: {
    what: { fr: "La liaison avec l'adaptateur a été coupée.", en: 'The link to the adapter was lost.' },
    check: {
      fr: 'Vérifiez le câble ou le Bluetooth/Wi-Fi, puis reconnectez : tout ce qui a déjà été lu est conservé.',
      en: 'Check the cable or Bluetooth/Wi-Fi, then reconnect: everything already read is kept.',
    },
  },
  unsupported: {
    what: {
      fr: "Ce type d'adaptateur n'est pas disponible sur ce poste.",
      en: 'This adapter kind is not available on this machine.',
    },
    check: {
      fr: "Choisissez un adaptateur ELM327 (série ou Wi-Fi) ou demandez l'installation de SocketCAN.",
      en: 'Choose an ELM327 adapter (serial or Wi-Fi) or ask for SocketCAN to be set up.',
    },
  },
  flooding: {
    what: {
      fr: "L'adaptateur a envoyé un flot de données sans fin : la liaison a été coupée pour protéger le serveur.",
      en: 'The adapter sent an endless flood of data: the link was cut to protect the server.',
    },
    check: {
      fr: "Vérifiez que l'adresse ou le port est bien celui d'un ELM327 (pas un autre appareil), débranchez-le et rebranchez-le ; s'il recommence, il est défectueux.",
      en: 'Check that the address or port is an ELM327 (not another device), unplug and replug it; if it happens again, it is faulty.',
    },
  },
  'not-elm327': {
    what: {
      fr: "Ce qui répond à cette adresse n'est pas un adaptateur ELM327 (pas d'invite « > », ou une réponse d'un autre appareil).",
      en: 'What answers at this address is not an ELM327 adapter (no ">" prompt, or another device\'s answer).',
    },
    check: {
      fr: "Vérifiez l'adresse et le port déclarés (page Adaptateurs) ou le port série choisi ; un modem, un GPS ou une console série ne sont pas des adaptateurs.",
      en: 'Check the declared address and port (Adapters page) or the serial port chosen; a modem, a GPS or a serial console is not an adapter.',
    },
  },
  'not-configured': {
    what: {
      fr: "Cet adaptateur n'est pas (ou plus) dans la liste de l'atelier.",
      en: "This adapter is not (or no longer) in the workshop's list.",
    },
    check: {
      fr: "Ouvrez une nouvelle session avec un adaptateur de la liste, ou demandez à l'administrateur de déclarer cet adaptateur Wi-Fi (page Adaptateurs).",
      en: 'Open a new session with an adapter from the list, or ask the administrator to declare this Wi-Fi adapter (Adapters page).',
    },
  },
  unknown: {
    what: { fr: "Problème inattendu avec l'adaptateur.", en: 'Unexpected adapter problem.' },
    check: {
      fr: "Reconnectez ; si cela se reproduit, signalez-le avec l'heure.",
      en: 'Reconnect; if it happens again, report it with the time.',
    },
  },
};

/** A failure to open or use an adapter, classified for the user; `detail` keeps the technical text. */
export class AdapterProblem extends Error {
  override name = 'AdapterProblem';
  constructor(
    readonly code: ProblemCode,
    readonly where: string,
    readonly detail = '',
    /**
     * What the failing layer itself said, in both languages, when it can say it (an ISO-TP timeout
     * naming the ECU and the frame due, the adapter's own answer): shown under the plain words, so
     * that a technician sees which ECU stopped answering, not only that one did.
     */
    readonly said?: Text,
  ) {
    super(`${where}: ${PROBLEM_TEXT[code].what.en}${detail ? ` (${detail})` : ''}`);
  }

  /**
   * Classifies a failure by its type and code, never by its words: a LinkError by its code; anything
   * else (a bad adapter name included: the choice was checked when the session was made) as unknown.
   */
  static from(err: unknown, where: string): AdapterProblem {
    if (err instanceof AdapterProblem) return err;
    const e = err as Error | undefined;
    // Clipped: what an adapter sent can end up in a message, and it may be anything of any size.
    const detail = `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 300);
    const said = saidBy(err);
    // The ELM327 client's input guards: more than any answer can hold (an ElmFloodError is also a
    // DisconnectedError, so it is tested first), and no prompt or another device's answer.
    if (err instanceof ElmFloodError) return new AdapterProblem('flooding', where, detail, said);
    if (err instanceof NotElm327Error) return new AdapterProblem('not-elm327', where, detail, said);
    if (err instanceof LinkError) return new AdapterProblem(LINK_PROBLEM[err.code], where, detail, said);
    return new AdapterProblem('unknown', where, detail, said);
  }

  /** A failure while opening: a transport that goes away then could not be reached at all. */
  static opening(err: unknown, where: string): AdapterProblem {
    const p = AdapterProblem.from(err, where);
    return p.code === 'disconnected' ? new AdapterProblem('unreachable', p.where, p.detail, p.said) : p;
  }
}

/**
 * The error's own words in both languages, for the errors that have them (`messageIn`: link, ISO-TP,
 * bus and adapter errors), clipped like `detail`: an adapter's answer can be quoted in them.
 */
function saidBy(err: unknown): Text | undefined {
  const say = (err as { messageIn?: unknown } | undefined)?.messageIn;
  if (typeof say !== 'function') return undefined;
  try {
    const text = (lang: 'fr' | 'en') => String(say.call(err, lang)).slice(0, 300);
    return { fr: text('fr'), en: text('en') };
  } catch {
    return undefined;
  }
}

const LINK_PROBLEM: Record<LinkError['code'], ProblemCode> = {
  'no-response': 'no-vehicle',
  timeout: 'timeout',
  disconnected: 'disconnected',
  closed: 'disconnected',
  'adapter-error': 'adapter',
  'bus-error': 'no-vehicle',
  'protocol-error': 'no-vehicle',
  'malformed-response': 'adapter',
  unavailable: 'unsupported',
};
