import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type CliContext, UsageError, writeOut } from '@atelier/command';
import { type DecodedLine, decodeResponseLine, dtcTitle, hex2, ResponseLineError } from '@atelier/obd';
import type { Subcommand } from './index.js';

const USAGE = {
  fr: `Usage : atelier obd decode LIGNE… [--json]
        … | atelier obd decode - [--json]

Décode des lignes de réponse telles qu'un ELM327 les affiche : hexadécimal avec ou sans espaces,
avec ou sans l'en-tête CAN (7E8 04 41 0C 1A F8, 410C1AF8, 18DAF11004410C1AF8). Services 01 et 02
(une ou plusieurs PID par ligne) et 03/07/0A (codes défaut). « - » lit les lignes sur l'entrée standard.

  --json   une ligne JSON par PID : {"ecu":"7E8","mode":1,"pid":"0C","key":"ENGINE_RPM","value":1726,"unit":"rpm"}
           "ecu" seulement si la ligne avait un en-tête ; "value" est un nombre, ou un objet de
           nombres nommés pour les PID à plusieurs valeurs (alors "unit" est un objet aussi) ;
           "frame" pour le service 02. Codes défaut : {"ecu","mode":3,"dtcs":["P0301"]}.

Une ligne illisible est signalée sur stderr (avec sa position) ; le code de sortie est alors 1.`,
  en: `Usage: atelier obd decode LINE… [--json]
       … | atelier obd decode - [--json]

Decodes response lines as an ELM327 prints them: hex with or without spaces, with or without the
CAN header (7E8 04 41 0C 1A F8, 410C1AF8, 18DAF11004410C1AF8). Services 01 and 02 (one or several
PIDs per line) and 03/07/0A (trouble codes). "-" reads lines from standard input.

  --json   one JSON line per PID: {"ecu":"7E8","mode":1,"pid":"0C","key":"ENGINE_RPM","value":1726,"unit":"rpm"}
           "ecu" only when the line had a header; "value" is a number, or an object of named
           numbers for multi-value PIDs (then "unit" is an object too); "frame" for service 02.
           Trouble codes: {"ecu","mode":3,"dtcs":["P0301"]}.

An unreadable line is reported on stderr (with its position); the exit code is then 1.`,
};

/** The documented JSON shape of one decoded entry. */
export function decodedToJson(d: DecodedLine): object {
  if (d.kind === 'dtc') return { ...(d.ecu ? { ecu: d.ecu } : {}), mode: d.mode, dtcs: d.dtcs };
  return {
    ...(d.ecu ? { ecu: d.ecu } : {}),
    mode: d.mode,
    pid: hex2(d.pid),
    key: d.key,
    value: d.value,
    unit: d.unit,
    ...(d.frame === undefined ? {} : { frame: d.frame }),
  };
}

function formatValue(value: number | Record<string, number>, unit: string | Record<string, string>): string {
  const round = (v: number) => String(Number.parseFloat(v.toFixed(4)));
  if (typeof value === 'number') return `${round(value)}${unit ? ` ${unit}` : ''}`;
  const units = unit as Record<string, string>;
  return Object.entries(value)
    .map(([k, v]) => `${k}=${round(v)}${units[k] ? ` ${units[k]}` : ''}`)
    .join(', ');
}

export function decodedToText(d: DecodedLine, lang: 'fr' | 'en'): string[] {
  const ecu = d.ecu ? `${d.ecu.padEnd(8)} ` : '';
  if (d.kind === 'dtc') {
    if (d.dtcs.length === 0)
      return [`${ecu}${hex2(d.mode)}  ${lang === 'fr' ? 'aucun code défaut' : 'no trouble code'}`];
    return d.dtcs.map((c) => `${ecu}${hex2(d.mode)}  ${c}  ${dtcTitle(c, lang)}`);
  }
  const frame = d.frame === undefined ? '' : ` [${lang === 'fr' ? 'trame' : 'frame'} ${d.frame}]`;
  return [
    `${ecu}${hex2(d.mode)} ${hex2(d.pid)}  ${d.key}  ${d.name[lang]}${frame} = ${formatValue(d.value, d.unit)}`,
  ];
}

async function* linesOf(args: string[]): AsyncGenerator<string> {
  for (const a of args) {
    if (a !== '-') {
      yield a;
      continue;
    }
    const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of rl) if (line.trim()) yield line;
  }
}

export const decodeSubcommand: Subcommand = {
  name: 'decode',
  summary: {
    fr: 'décode des lignes de réponse ELM327 (41 0C 1A F8)',
    en: 'decodes ELM327 response lines (41 0C 1A F8)',
  },
  async run(args: string[], ctx: CliContext): Promise<number> {
    const usage = USAGE[ctx.lang];
    let parsed: ReturnType<
      typeof parseArgs<{
        options: { json: { type: 'boolean' }; help: { type: 'boolean'; short: 'h' } };
        allowPositionals: true;
      }>
    >;
    try {
      parsed = parseArgs({
        args,
        options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new UsageError((err as Error).message, usage);
    }
    if (parsed.values.help) {
      ctx.stdout.write(`${usage}\n`);
      return 0;
    }
    if (parsed.positionals.length === 0)
      throw new UsageError(ctx.lang === 'fr' ? 'aucune ligne à décoder' : 'no line to decode', usage);
    let failed = 0;
    let n = 0;
    for await (const line of linesOf(parsed.positionals)) {
      n++;
      let decoded: DecodedLine[];
      try {
        decoded = decodeResponseLine(line);
      } catch (err) {
        if (!(err instanceof ResponseLineError)) throw err;
        failed++;
        const where = err.column
          ? ctx.lang === 'fr'
            ? `, colonne ${err.column}`
            : `, column ${err.column}`
          : '';
        ctx.stderr.write(
          `${ctx.lang === 'fr' ? 'ligne' : 'line'} ${n}${where} « ${line.trim()} » : ${err.messageIn(ctx.lang)}\n`,
        );
        continue;
      }
      for (const d of decoded) {
        const out = parsed.values.json ? [JSON.stringify(decodedToJson(d))] : decodedToText(d, ctx.lang);
        await writeOut(ctx.stdout, `${out.join('\n')}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
