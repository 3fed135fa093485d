import { readingVerdict, type VerdictText } from '@atelier/adapters';
import type { CliContext } from '@atelier/command';
import { Elm327Link } from '@atelier/elm327';
import { dtcTitle, ecuName, parseEcuLabel, type ScanStatus } from '@atelier/obd';
import { openingFailure } from '../../open-adapter.js';
import { ADAPTER_HELP, openFromOptions, parseOptions } from './common.js';
import type { Subcommand } from './index.js';
import { dtcsComplete, errorsIn, readVehicle, type VehicleReport } from './reader.js';

/**
 * Exit status of `obd read` (apps/cli/README.md): the car reached and every DTC memory given; the car
 * reached but a memory not given by some ECU; a wrong invocation; the adapter not reached (or not an
 * ELM327); the adapter fine but the car not reached; interrupted (Ctrl-C).
 */
export const READ_EXIT = {
  'car-reached': 0,
  incomplete: 1,
  usage: 2,
  'adapter-unreachable': 3,
  'car-unreachable': 4,
  aborted: 130,
} as const;

const USAGE = {
  fr: `Usage : atelier obd read --adapter A [--json]

Lit tout ce que le véhicule dit en OBD-II : protocole, calculateurs, VIN, codes défaut (mémorisés,
en attente, permanents, par calculateur), état de préparation des moniteurs, données figées et chaque
PID du mode 01 pris en charge, une fois ; la mémoire de défauts UDS des calculateurs que l'adaptateur
connaît (véhicule simulé). Chaque élément a son état (lu, non pris en charge, pas de réponse, refusé,
erreur de liaison) : ce qui n'a pas pu être demandé est signalé, jamais montré comme vide. Une
dernière ligne donne le verdict (véhicule joint, adaptateur injoignable, véhicule injoignable).

${ADAPTER_HELP.fr}
  --json           un seul objet JSON sur stdout (avec « verdict »)

Code de sortie : 0 véhicule joint, 1 véhicule joint mais des codes défaut non lus, 2 usage,
3 adaptateur injoignable ou pas un ELM327, 4 adaptateur joint mais véhicule injoignable,
130 interrompu (Ctrl-C).`,
  en: `Usage: atelier obd read --adapter A [--json]

Reads everything the vehicle says over OBD-II: protocol, ECUs, VIN, DTCs (stored, pending,
permanent, per ECU), monitor readiness, freeze frames and every supported mode 01 PID, once; the UDS
fault memory of the ECUs the adapter knows (a simulated car). Every item has its status (read, not
supported, no answer, refused, link error): what could not be asked is reported as such, never shown
as empty. A last line gives the verdict (car reached, adapter not reached, car not reached).

${ADAPTER_HELP.en}
  --json           one JSON object on stdout (with "verdict")

Exit status: 0 car reached, 1 car reached but DTCs not read, 2 usage, 3 adapter not reached or not
an ELM327, 4 adapter reached but car not reached, 130 interrupted (Ctrl-C).`,
};

const STATUS_WORDS: Record<ScanStatus, [string, string]> = {
  read: ['lu', 'read'],
  'not-supported': ['non pris en charge', 'not supported'],
  'no-answer': ['PAS DE RÉPONSE', 'NO ANSWER'],
  refused: ['REFUSÉ', 'REFUSED'],
  'link-error': ['ERREUR DE LIAISON', 'LINK ERROR'],
};
const statusWord = (s: ScanStatus, fr: boolean) => STATUS_WORDS[s][fr ? 0 : 1];

/** Up to three decimals for reading on a screen; JSON keeps the full value. */
const round = (v: number) => String(Math.round(v * 1000) / 1000);

export function formatValue(value: unknown, unit: unknown): string {
  if (typeof value === 'number') return `${round(value)}${unit ? ` ${unit}` : ''}`;
  const units = (unit ?? {}) as Record<string, string>;
  return Object.entries(value as Record<string, number>)
    .map(([k, v]) => `${k}=${round(v)}${units[k] ? ` ${units[k]}` : ''}`)
    .join(', ');
}

export function renderReport(r: VehicleReport, ctx: CliContext): string {
  const fr = ctx.lang === 'fr';
  const lines: string[] = [];
  lines.push(
    `${fr ? 'Adaptateur' : 'Adapter'} : ${r.adapter.kind}${r.adapter.version ? ` ${r.adapter.version}` : ''}`,
  );
  lines.push(`${fr ? 'Protocole' : 'Protocol'} : ${r.adapter.protocol ?? '?'}`);
  // Each ECU with the standard's name for its address when it has one: "7E8 Moteur (ECM)".
  const named = r.ecus.map((label) => {
    const at = parseEcuLabel(label);
    const name = at && ecuName(at.address, at.extended);
    return name ? `${label} ${name[ctx.lang]}` : label;
  });
  lines.push(`${fr ? 'Calculateurs' : 'ECUs'} : ${named.join(', ') || '—'}`);
  lines.push(`VIN : ${r.vin ?? (fr ? '(non lu)' : '(not read)')}`);
  const errors = errorsIn(r, ctx.lang);
  const cats = [
    ['stored', fr ? 'Codes mémorisés' : 'Stored DTCs'],
    ['pending', fr ? 'Codes en attente' : 'Pending DTCs'],
    ['permanent', fr ? 'Codes permanents' : 'Permanent DTCs'],
  ] as const;
  for (const [key, title] of cats) {
    const list = r.dtcs[key];
    const why = Object.entries(errors).find(([k]) => k === `dtcs.${key}` || k.startsWith(`dtcs.${key}.`));
    if (list === null) lines.push(`${title} : ${fr ? 'NON LUS' : 'NOT READ'} (${why?.[1] ?? '?'})`);
    else if (list.length === 0) lines.push(`${title} : ${fr ? 'aucun' : 'none'}`);
    else {
      lines.push(`${title} :`);
      for (const d of list) lines.push(`  ${d.code}  [${d.ecu}]  ${dtcTitle(d.code, ctx.lang)}`);
    }
    // An ECU that did not give this memory while others did: never shown as "none".
    if (list !== null)
      for (const [k, status] of Object.entries(r.status))
        if (k.startsWith(`dtcs.${key}.`) && status !== 'read')
          lines.push(`  ${k.slice(`dtcs.${key}.`.length)} : ${statusWord(status, fr)}`);
  }
  for (const [ecu, rd] of Object.entries(r.readiness)) {
    const incomplete = Object.entries(rd.monitors)
      .filter(([, s]) => s === 'incomplete')
      .map(([m]) => m);
    lines.push(
      `${fr ? 'Préparation' : 'Readiness'} ${ecu} : MIL ${rd.mil ? (fr ? 'allumé' : 'on') : fr ? 'éteint' : 'off'}, ${rd.dtcCount} ${fr ? 'code(s)' : 'DTC(s)'}, ` +
        (incomplete.length
          ? `${fr ? 'incomplets' : 'incomplete'} : ${incomplete.join(', ')}`
          : fr
            ? 'tous les moniteurs prêts'
            : 'all monitors complete'),
    );
  }
  for (const [ecu, ff] of Object.entries(r.freezeFrame)) {
    if (ff.dtc === null) continue;
    lines.push(`${fr ? 'Données figées' : 'Freeze frame'} ${ecu} : ${ff.dtc} ${dtcTitle(ff.dtc, ctx.lang)}`);
    const sorted = Object.entries(ff.values).sort(
      ([a], [b]) => Number.parseInt(a, 16) - Number.parseInt(b, 16),
    );
    for (const [pid, p] of sorted)
      lines.push(`  ${pid}  ${p.key.padEnd(28)} ${formatValue(p.value, p.unit)}`);
  }
  for (const [ecu, codes] of Object.entries(r.uds)) {
    lines.push(
      `UDS ${ecu} :${codes.length ? '' : fr ? ' aucun code' : ' no code'}` +
        codes
          .map(
            (c) =>
              `\n  ${c.full}  ${fr ? 'état' : 'status'} 0x${c.status.toString(16).toUpperCase().padStart(2, '0')}  ${dtcTitle(c.code, ctx.lang)}`,
          )
          .join(''),
    );
  }
  for (const [ecu, pids] of Object.entries(r.pids)) {
    lines.push(`PID ${ecu} :`);
    const sorted = Object.entries(pids).sort(([a], [b]) => Number.parseInt(a, 16) - Number.parseInt(b, 16));
    for (const [pid, p] of sorted)
      lines.push(`  ${pid}  ${p.key.padEnd(28)} ${formatValue(p.value, p.unit)}`);
  }
  const errs = Object.entries(errors);
  if (errs.length) {
    lines.push(fr ? 'Questions sans réponse :' : 'Unanswered questions:');
    for (const [k, v] of errs) lines.push(`  ${k} : ${v}`);
  }
  return `${lines.join('\n')}\n`;
}

export const readSubcommand: Subcommand = {
  name: 'read',
  summary: {
    fr: 'VIN, codes défaut, préparation, tous les PID une fois',
    en: 'VIN, DTCs, readiness, every PID once',
  },
  async run(args, ctx) {
    const { values } = parseOptions(args, { json: { type: 'boolean' } }, USAGE[ctx.lang]);
    if (values.help) {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return 0;
    }
    const fr = ctx.lang === 'fr';
    const say = (v: VerdictText, report?: object) => {
      const line = `${fr ? 'Verdict : ' : 'Verdict: '}${fr ? v.fr : v.en}`;
      if (values.json) ctx.stdout.write(`${JSON.stringify({ ...report, verdict: v })}\n`);
      else if (report) ctx.stdout.write(`${line}\n`);
      else ctx.stderr.write(`atelier obd read: ${line}\n`);
    };
    let adapter: Awaited<ReturnType<typeof openFromOptions>>;
    try {
      adapter = await openFromOptions(values, ctx, USAGE[ctx.lang]);
    } catch (err) {
      const v = openingFailure(err);
      say(v);
      return READ_EXIT[v.verdict];
    }
    const { link } = adapter;
    // Ctrl-C during the reading: the adapter is closed, what was read is reported.
    const stop = () => void adapter.close().catch(() => {});
    ctx.signal.addEventListener('abort', stop, { once: true });
    try {
      const report = await readVehicle(link, {
        perRequest: link instanceof Elm327Link ? link.maxPidsPerRequest : 6,
      });
      const complete = dtcsComplete(report);
      const v: VerdictText = ctx.signal.aborted
        ? { verdict: 'aborted', fr: 'lecture interrompue', en: 'reading interrupted' }
        : readingVerdict({
            ecus: report.ecus,
            adapter: adapter.info.version,
            protocol: adapter.info.protocol,
            incomplete: !complete,
          });
      if (values.json) {
        // The JSON keeps the English errors (scripts read them); the French ones are for the screen.
        const { errors, errorsFr: _, ...rest } = report;
        say(v, Object.keys(errors).length ? { ...rest, errors } : rest);
      } else {
        ctx.stdout.write(renderReport(report, ctx));
        say(v, report);
      }
      if (v.verdict !== 'car-reached') return READ_EXIT[v.verdict];
      // DTCs that could not be read (from any ECU) make the whole reading incomplete.
      return complete ? READ_EXIT['car-reached'] : READ_EXIT.incomplete;
    } finally {
      ctx.signal.removeEventListener('abort', stop);
      await adapter.close();
    }
  },
};
