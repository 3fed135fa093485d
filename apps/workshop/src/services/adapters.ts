/**
 * The dashboard's side of adapters: the choice a user makes in the session form (kind and port,
 * address, interface or training scenario), the adapter name it stands for in the shared registry
 * (@atelier/adapters opens it), and what went wrong in plain words. A training scenario goes behind
 * the ELM327 emulator (`sim:…?via=elm327`), so that the apprentice's session goes through exactly
 * the code a real adapter would.
 */
import { LinkError } from '@atelier/obd';
import type { Text } from '../i18n.js';
import { ValidationError } from './errors.js';

export type AdapterKind = 'serial' | 'tcp' | 'socketcan' | 'scenario';
export const ADAPTER_KINDS: readonly AdapterKind[] = ['serial', 'tcp', 'socketcan', 'scenario'];

/** A checked adapter choice, as stored with the session. */
export interface AdapterChoice {
  kind: AdapterKind;
  /** `/dev/ttyUSB0`, `HOST:PORT`, `can0` or a scenario id. */
  spec: string;
}

export function parseAdapterChoice(kind: string, spec: string): AdapterChoice {
  const s = spec.trim();
  const bad = (fr: string, en: string) => new ValidationError({ fr, en }, 'spec');
  switch (kind) {
    case 'serial':
      if (!/^\/dev\/[A-Za-z0-9_./-]+$/.test(s) || s.includes('..'))
        throw bad(
          'port série attendu, par exemple /dev/ttyUSB0',
          'expected a serial port such as /dev/ttyUSB0',
        );
      return { kind, spec: s };
    case 'tcp': {
      const m = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(s);
      if (!m || Number(m[2]) < 1 || Number(m[2]) > 65_535)
        throw bad(
          'adresse attendue sous la forme HÔTE:PORT (par exemple 192.168.0.10:35000)',
          'expected HOST:PORT (e.g. 192.168.0.10:35000)',
        );
      return { kind, spec: s };
    }
    case 'socketcan':
      if (!/^[A-Za-z0-9_.-]{1,15}$/.test(s))
        throw bad('interface CAN attendue, par exemple can0', 'expected a CAN interface such as can0');
      return { kind, spec: s };
    case 'scenario':
      if (!/^\d+$/.test(s)) throw bad('scénario inconnu', 'unknown scenario');
      return { kind, spec: s };
    default:
      throw new ValidationError(
        { fr: `type d'adaptateur inconnu « ${kind} »`, en: `unknown adapter kind '${kind}'` },
        'kind',
      );
  }
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
      return `sim:${choice.spec}?via=elm327`;
  }
}

export type ProblemCode =
  | 'unreachable'
  | 'no-vehicle'
  | 'adapter'
  | 'timeout'
  | 'disconnected'
  | 'unsupported'
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
    const detail = `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
    if (err instanceof LinkError) return new AdapterProblem(LINK_PROBLEM[err.code], where, detail);
    return new AdapterProblem('unknown', where, detail);
  }

  /** A failure while opening: a transport that goes away then could not be reached at all. */
  static opening(err: unknown, where: string): AdapterProblem {
    const p = AdapterProblem.from(err, where);
    return p.code === 'disconnected' ? new AdapterProblem('unreachable', p.where, p.detail) : p;
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
