import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  formatFromExtension,
  type LogFormat,
  markOriginFile,
  openLogWriter,
  readLog,
  readOriginFile,
} from '@atelier/can';
import { type CliContext, UsageError } from '@atelier/command';
import { parseFormat, reportSkipped, startProgress } from './cat.js';
import type { Subcommand } from './index.js';

const USAGE = {
  fr: `Usage : atelier can convert ENTRÉE SORTIE [--lenient] [--from F] [--to F]

Convertit un journal CAN d’un format à l’autre. Le format de chaque fichier vient de son
extension : .log candump -l, .asc Vector ASC, .trc PEAK TRC 2.1, .csv SavvyCAN, .mf4 ASAM MDF4,
.blf Vector BLF, .pcapng Wireshark (.pcap et .cap lus seulement) (majuscules ou minuscules) ; une entrée d’une autre extension est reconnue à son
contenu, comme une entrée .trc (PEAK ou CANHacker) ou .csv (SavvyCAN ou python-can). Pour écrire
une trace CANHacker : --to canhacker ; le CSV de python-can : --to python-can-csv.

  --lenient   saute les lignes illisibles de l’entrée (signalées sur stderr)
  --from F    impose le format d’entrée (candump, candump-screen, asc, trc, canhacker, csv,
              python-can-csv, mf4, blf, pcap, pcapng)
  --to F      impose le format de sortie (candump, asc, trc, canhacker, csv, python-can-csv, mf4, blf,
              pcapng)

Les canaux deviennent des numéros en ASC/TRC/MF4/BLF (can0 → 1) et en CSV (can0 → 0). Le CSV de
SavvyCAN n’a ni trames distantes, ni trames d’erreur, ni CAN FD, une trace CANHacker ni trames
d’erreur, ni CAN FD, ni second bus, le CSV de python-can ni canal, ni sens, ni CAN FD : la conversion
s’arrête sur la première trame qu’il ne peut pas dire (les canaux et sens sont perdus sans arrêt).`,
  en: `Usage: atelier can convert IN OUT [--lenient] [--from F] [--to F]

Converts a CAN log from one format to another. Each file's format comes from its extension: .log
candump -l, .asc Vector ASC, .trc PEAK TRC 2.1, .csv SavvyCAN, .mf4 ASAM MDF4, .blf Vector BLF,
.pcapng Wireshark (.pcap and .cap read only) (any case); an input with another extension is recognised by its content, as is a .trc input (PEAK or
CANHacker) and a .csv input (SavvyCAN or python-can). To write a CANHacker trace: --to canhacker;
python-can's CSV: --to python-can-csv.

  --lenient   skip unreadable input lines (reported on stderr)
  --from F    force the input format (candump, candump-screen, asc, trc, canhacker, csv,
              python-can-csv, mf4, blf, pcap, pcapng)
  --to F      force the output format (candump, asc, trc, canhacker, csv, python-can-csv, mf4, blf,
              pcapng)

Channels become numbers in ASC/TRC/MF4/BLF (can0 → 1) and CSV (can0 → 0). SavvyCAN CSV has no
remote, error or CAN FD frames, a CANHacker trace no error or CAN FD frames and one bus only,
python-can's CSV no channel, direction or CAN FD: conversion stops at the first frame it cannot
express (channels and directions are dropped without stopping).`,
};

async function run(args: string[], ctx: CliContext): Promise<number> {
  const usage = USAGE[ctx.lang];
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    ctx.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      ctx.lang === 'fr' ? 'une entrée et une sortie attendues' : 'expected an input and an output',
      usage,
    );
  }
  const input = resolve(ctx.cwd, positionals[0]);
  const output = resolve(ctx.cwd, positionals[1]);
  if (input === output) {
    throw new UsageError(
      ctx.lang === 'fr' ? 'la sortie écraserait l’entrée' : 'the output would overwrite the input',
      usage,
    );
  }
  const to: LogFormat | undefined = parseFormat(values.to, ctx, usage) ?? formatFromExtension(output);
  if (!to || to === 'candump-screen') {
    throw new UsageError(
      ctx.lang === 'fr'
        ? `format de sortie inconnu pour « ${positionals[1]} » : extension .log, .asc, .trc, .csv, .mf4, .blf ou .pcapng, ou --to`
        : `no output format for '${positionals[1]}': use a .log, .asc, .trc, .csv, .mf4, .blf or .pcapng extension, or --to`,
      usage,
    );
  }
  if (to === 'pcap') {
    // Classic pcap has no interface names and no direction; pcapng keeps both (formats README).
    throw new UsageError(
      ctx.lang === 'fr'
        ? `Atelier écrit le pcapng, pas le pcap classique (sans noms d’interface ni sens) : donnez une sortie .pcapng`
        : `Atelier writes pcapng, not classic pcap (no interface names, no direction): give a .pcapng output`,
      usage,
    );
  }
  const reader = readLog(input, { lenient: values.lenient, format: parseFormat(values.from, ctx, usage) });
  // Detect the input format (and fail on a bad input) before creating the output file.
  const from = reader.format;
  const writer = openLogWriter(output, to);
  const progress = startProgress(ctx, reader, input);
  let count = 0;
  try {
    for await (const frame of reader) {
      const wait = writer.write(frame);
      if (wait) await wait;
      count++;
      if ((count & 0xfff) === 0 && ctx.signal.aborted) break;
    }
  } catch (err) {
    // A half-written log would pass for a complete one later: remove it.
    await writer.close().catch(() => undefined);
    await rm(output, { force: true });
    throw err;
  } finally {
    progress.stop();
    await writer.close();
  }
  // A simulated recording stays one: the mark moves to the output's own place for it.
  const origin = readOriginFile(input, from);
  if (origin && !(await markOriginFile(output, to, origin)))
    ctx.stderr.write(
      ctx.lang === 'fr'
        ? `attention : ${to} n’a pas de place pour dire que l’enregistrement est simulé (Atelier) ; la sortie ne le dit plus\n`
        : `warning: ${to} has no place to say the recording is simulated (Atelier); the output no longer says it\n`,
    );
  reportSkipped(ctx, reader);
  ctx.stderr.write(
    ctx.lang === 'fr'
      ? `${count} trame(s) converties de ${from} en ${to} : ${positionals[1]}\n`
      : `${count} frame(s) converted from ${from} to ${to}: ${positionals[1]}\n`,
  );
  return ctx.signal.aborted ? 130 : 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      lenient: { type: 'boolean', default: false },
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export const convertSubcommand: Subcommand = {
  name: 'convert',
  summary: {
    fr: 'convertit un journal (.log, .asc, .trc, .csv, .mf4, .blf, .pcapng)',
    en: 'convert a log (.log, .asc, .trc, .csv, .mf4, .blf, .pcapng)',
  },
  run,
};
