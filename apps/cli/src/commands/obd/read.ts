import type { CliContext } from '@atelier/command';
import { Elm327Link } from '@atelier/elm327';
import { dtcTitle } from '@atelier/obd';
import { ADAPTER_HELP, openFromOptions, parseOptions } from './common.js';
import type { Subcommand } from './index.js';
import { readVehicle, type VehicleReport } from './reader.js';

const USAGE = {
  fr: `Usage : atelier obd read --adapter A [--json]

Lit tout ce que le véhicule dit en OBD-II : protocole, calculateurs, VIN, codes défaut (mémorisés,
en attente, permanents, par calculateur), état de préparation des moniteurs et chaque PID du mode 01
pris en charge, une fois. Ce qui n'a pas pu être demandé est signalé, jamais montré comme vide.

${ADAPTER_HELP.fr}
  --json           un seul objet JSON sur stdout`,
  en: `Usage: atelier obd read --adapter A [--json]

Reads everything the vehicle says over OBD-II: protocol, ECUs, VIN, DTCs (stored, pending,
permanent, per ECU), monitor readiness and every supported mode 01 PID, once. What could not be
asked is reported as such, never shown as empty.

${ADAPTER_HELP.en}
  --json           one JSON object on stdout`,
};

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
  lines.push(`${fr ? 'Calculateurs' : 'ECUs'} : ${r.ecus.join(', ') || '—'}`);
  lines.push(`VIN : ${r.vin ?? (fr ? '(non lu)' : '(not read)')}`);
  const cats = [
    ['stored', fr ? 'Codes mémorisés' : 'Stored DTCs'],
    ['pending', fr ? 'Codes en attente' : 'Pending DTCs'],
    ['permanent', fr ? 'Codes permanents' : 'Permanent DTCs'],
  ] as const;
  for (const [key, title] of cats) {
    const list = r.dtcs[key];
    if (list === null)
      lines.push(`${title} : ${fr ? 'NON LUS' : 'NOT READ'} (${r.errors[`dtcs.${key}`] ?? '?'})`);
    else if (list.length === 0) lines.push(`${title} : ${fr ? 'aucun' : 'none'}`);
    else {
      lines.push(`${title} :`);
      for (const d of list) lines.push(`  ${d.code}  [${d.ecu}]  ${dtcTitle(d.code, ctx.lang)}`);
    }
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
  for (const [ecu, pids] of Object.entries(r.pids)) {
    lines.push(`PID ${ecu} :`);
    const sorted = Object.entries(pids).sort(([a], [b]) => Number.parseInt(a, 16) - Number.parseInt(b, 16));
    for (const [pid, p] of sorted)
      lines.push(`  ${pid}  ${p.key.padEnd(28)} ${formatValue(p.value, p.unit)}`);
  }
  const errs = Object.entries(r.errors);
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
    const link = await openFromOptions(values, ctx, USAGE[ctx.lang]);
    try {
      const report = await readVehicle(link, {
        perRequest: link instanceof Elm327Link ? link.maxPidsPerRequest : 6,
      });
      if (values.json) {
        const { errors, ...rest } = report;
        ctx.stdout.write(`${JSON.stringify(Object.keys(errors).length ? report : rest)}\n`);
      } else ctx.stdout.write(renderReport(report, ctx));
      // DTCs that could not be read make the whole reading incomplete.
      const dtcsMissing = Object.values(report.dtcs).some((d) => d === null);
      return dtcsMissing || report.ecus.length === 0 ? 1 : 0;
    } finally {
      await link.close();
    }
  },
};
