import { parseArgs } from 'node:util';
import { type AdapterInfo, readingVerdict, type VerdictText } from '@atelier/adapters';
import { type CliContext, commandGroup, type Subcommand, UsageError } from '@atelier/command';
import {
  type AdapterDetails,
  type ChipIdentity,
  Elm327Link,
  IDENTIFY_COMMANDS,
  identifyChip,
  type ProtocolTried,
  UnableToConnectError,
} from '@atelier/elm327';
import { ecuLabel } from '@atelier/obd';
import { openCliAdapter, openingFailure } from '../open-adapter.js';

const USAGE = {
  fr: `Usage : atelier adapter check ADAPTATEUR | --adapter ADAPTATEUR [--json]

Examine un adaptateur ELM327 : la puce (ELM327 d'origine, clone et la version qu'il annonce, STN/OBDLink,
vLinker, Wi-Fi à ESP32), les commandes qu'il refuse, les protocoles essayés et celui trouvé, la tension,
la vitesse de la ligne série et le profil d'adaptateur que les autres commandes utiliseront.

  ADAPTATEUR       elm327:/dev/ttyUSB0, elm327:/dev/rfcomm0, elm327:tcp://HÔTE:PORT …
                   (ou --adapter ADAPTATEUR, ou la variable ATELIER_ADAPTER)
  --json           un seul objet JSON sur stdout

Code de sortie : 0 adaptateur joint (véhicule joint ou non : voir « verdict »), 2 usage,
3 adaptateur injoignable ou pas un ELM327, 130 interrompu.`,
  en: `Usage: atelier adapter check ADAPTER | --adapter ADAPTER [--json]

Examines an ELM327 adapter: its chip (genuine ELM327, a clone and the version it claims, STN/OBDLink,
vLinker, ESP32-based Wi-Fi), the commands it refuses, the protocols tried and the one found, the
voltage, the serial line's speed and the adapter profile later commands will use.

  ADAPTER          elm327:/dev/ttyUSB0, elm327:/dev/rfcomm0, elm327:tcp://HOST:PORT …
                   (or --adapter ADAPTER, or the ATELIER_ADAPTER variable)
  --json           one JSON object on stdout

Exit status: 0 adapter reached (car reached or not: see "verdict"), 2 usage, 3 adapter not reached
or not an ELM327, 130 interrupted.`,
};

/** What `adapter check` reports (the JSON form). */
export interface AdapterCheck {
  adapter: string;
  transport?: string;
  address?: string;
  /** Serial lines: the rate, and whether it was probed. */
  baud?: number;
  baudProbed?: boolean;
  chip?: ChipIdentity & { stn?: string; device?: string; description?: string };
  voltage?: number;
  /** Commands answered `?`. */
  refused: string[];
  /**
   * Each protocol tried (`0`: the automatic search) and what became of it: `outcome` in English as
   * it always was, `code` (found, found-no-data, atsp-refused, no-answer, no-protocol-named, failed)
   * and `outcomeFr`, what the French screen shows.
   */
  protocols: ProtocolTried[];
  protocol?: string;
  ecus: string[];
  /** The adapter profile later commands use (recognised, or forced with `profile=`). */
  profile?: string;
  verdict: VerdictText;
}

type Learnt = Omit<AdapterDetails, 'protocol' | 'auto' | 'ecus'>;

function describe(
  spec: string,
  a: Learnt,
  info?: Partial<AdapterInfo>,
): Omit<AdapterCheck, 'verdict' | 'ecus'> {
  const chip = identifyChip({ version: a.version, stn: a.stn, device: a.device, identified: a.identified });
  return {
    adapter: spec,
    transport: info?.transport,
    address: info?.address,
    baud: info?.baud,
    baudProbed: info?.baudProbed,
    chip: {
      ...chip,
      ...(a.stn ? { stn: a.stn } : {}),
      ...(a.device ? { device: a.device } : {}),
      ...(a.identified['AT@1'] && !/^\?$/.test(a.identified['AT@1'])
        ? { description: a.identified['AT@1'] }
        : {}),
    },
    voltage: a.voltage,
    refused: a.refused,
    protocols: a.tried,
    profile: a.profile,
  };
}

const FAMILY: Record<string, [string, string]> = {
  genuine: ["ELM327 d'origine (Elm Electronics)", 'genuine ELM327 (Elm Electronics)'],
  clone: ['clone', 'clone'],
  stn: ['puce STN (OBDLink)', 'STN chip (OBDLink)'],
  vlinker: ['vLinker (Vgate)', 'vLinker (Vgate)'],
  'esp32-wifi': ['adaptateur Wi-Fi à ESP32', 'ESP32-based Wi-Fi adapter'],
  unknown: ['puce non vérifiée', 'chip not checked'],
};

export function renderCheck(c: AdapterCheck, ctx: CliContext): string {
  const fr = ctx.lang === 'fr';
  const out: string[] = [];
  const row = (fr_: string, en: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out.push(`${fr ? fr_ : en} : ${value}`);
  };
  row('Adaptateur', 'Adapter', `${c.adapter}${c.transport ? ` (${c.transport})` : ''}`);
  if (c.chip) {
    const family = FAMILY[c.chip.family]?.[fr ? 0 : 1] ?? c.chip.family;
    row(
      'Puce',
      'Chip',
      `${family} — ${fr ? 'se présente comme' : 'claims'} « ${c.chip.claims} » ; ${c.chip.why[fr ? 'fr' : 'en']}`,
    );
    row('Description (AT@1)', 'Description (AT@1)', c.chip.description);
  }
  row('Commandes refusées', 'Commands refused', c.refused.join(', ') || (fr ? 'aucune' : 'none'));
  row('Tension', 'Voltage', c.voltage !== undefined ? `${c.voltage} V` : undefined);
  if (c.baud !== undefined)
    row(
      'Vitesse',
      'Baud rate',
      `${c.baud} ${fr ? 'bauds' : 'baud'}${c.baudProbed ? (fr ? ' (trouvée par sondage)' : ' (probed)') : ''}`,
    );
  row(
    'Protocoles essayés',
    'Protocols tried',
    c.protocols
      .map((p) =>
        fr
          ? `${p.protocol === '0' ? 'auto' : p.protocol} : ${p.outcomeFr ?? p.outcome}`
          : `${p.protocol === '0' ? 'auto' : p.protocol}: ${p.outcome}`,
      )
      .join(' ; '),
  );
  row('Protocole', 'Protocol', c.protocol);
  row('Calculateurs', 'ECUs', c.ecus.join(', ') || '—');
  row('Profil', 'Profile', c.profile);
  out.push(`Verdict${fr ? ' : ' : ': '}${fr ? c.verdict.fr : c.verdict.en}`);
  return `${out.join('\n')}\n`;
}

/** `atelier adapter check ADAPTER [--json]`. */
export const checkSubcommand: Subcommand = {
  name: 'check',
  summary: {
    fr: 'puce (clone ?), commandes refusées, protocoles, tension, vitesse, profil',
    en: 'chip (a clone?), refused commands, protocols, voltage, baud rate, profile',
  },
  async run(rest, ctx) {
    const usage = USAGE[ctx.lang];
    let values: { json?: boolean; help?: boolean; adapter?: string };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: rest,
        // `--adapter A` as every other command takes it, or A alone.
        options: {
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
          adapter: { type: 'string' },
        },
        allowPositionals: true,
        strict: true,
      }));
    } catch (err) {
      throw new UsageError((err as Error).message, usage);
    }
    if (values.help) {
      ctx.stdout.write(`${usage}\n`);
      return 0;
    }
    const given = values.adapter === undefined ? positionals : [values.adapter, ...positionals];
    const spec = given[0] ?? process.env.ATELIER_ADAPTER;
    if (!spec || given.length > 1)
      throw new UsageError(
        ctx.lang === 'fr' ? 'un adaptateur, et un seul' : 'one adapter, and only one',
        usage,
      );
    const emit = (c: AdapterCheck) =>
      ctx.stdout.write(values.json ? `${JSON.stringify(c)}\n` : renderCheck(c, ctx));
    let opened: Awaited<ReturnType<typeof openCliAdapter>>;
    try {
      opened = await openCliAdapter(spec, ctx, {
        usage,
        announce: !values.json,
        identify: IDENTIFY_COMMANDS.map((c) => c.command),
      });
    } catch (err) {
      const verdict = openingFailure(err);
      // The adapter answered but no car did: everything learnt of the adapter is still reported.
      const learnt = err instanceof UnableToConnectError ? (err.adapter as Learnt | undefined) : undefined;
      if (learnt) {
        emit({ ...describe(spec, learnt), ecus: [], verdict });
        return 0;
      }
      if (values.json) emit({ adapter: spec, refused: [], protocols: [], ecus: [], verdict });
      else
        ctx.stderr.write(
          `atelier adapter check: Verdict${ctx.lang === 'fr' ? ' : ' : ': '}${verdict[ctx.lang]}\n`,
        );
      return verdict.verdict === 'aborted' ? 130 : 3;
    }
    try {
      const { link, info } = opened;
      const ecus =
        link instanceof Elm327Link && link.adapter
          ? link.adapter.ecus.map((e) => ecuLabel(e, link.adapter!.protocol.extended))
          : [];
      const verdict = readingVerdict({ ecus, adapter: info.version, protocol: info.protocol });
      if (!(link instanceof Elm327Link) || !link.adapter) {
        emit({
          adapter: spec,
          transport: info.transport,
          address: info.address,
          refused: [],
          protocols: [],
          protocol: info.protocol,
          ecus,
          verdict,
        });
        return 0;
      }
      emit({ ...describe(spec, link.adapter, info), protocol: info.protocol, ecus, verdict });
      return 0;
    } finally {
      await opened.close();
    }
  },
};

/** `atelier adapter <sub>`: `check` today. */
export const adapterCommand = commandGroup('adapter', [checkSubcommand]);
