import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  frameBatches,
  type IdStats,
  type LogStats,
  parseErrorMessage,
  readLog,
  StatsCollector,
} from '@atelier/can';
import { type CliContext, type Lang, writeOut } from '@atelier/command';
import type { Subcommand } from './index.js';
import { logCommandArgs } from './log-args.js';

const USAGE = {
  fr: `Usage : atelier can stats JOURNAL [--json] [--lenient]

Statistiques par identifiant : nombre de trames, période (moyenne/min/max), DLC vus, octets qui
changent et combien de fois (changements entre deux trames successives du même identifiant).

  --json      un objet JSON sur stdout (voir ci-dessous) au lieu du tableau
  --lenient   saute les lignes illisibles (comptées, signalées sur stderr)

JSON : {"frames", "errorFrames", "firstTimestamp", "lastTimestamp", "duration" (s), "skippedLines",
"ids": [{"id" (entier), "idHex", "extended", "count", "remote", "firstTimestamp", "lastTimestamp",
"period": {"mean","min","max"} (s, null sous deux trames), "dlcs", "byteChanges" (par position),
"changingBytes", "lastData" (hex)}]}`,
  en: `Usage: atelier can stats LOG [--json] [--lenient]

Per-id statistics: frame count, period (mean/min/max), DLCs seen, which bytes change and how often
(changes between consecutive frames of the same id).

  --json      one JSON object on stdout (below) instead of the table
  --lenient   skip unreadable lines (counted, reported on stderr)

JSON: {"frames", "errorFrames", "firstTimestamp", "lastTimestamp", "duration" (s), "skippedLines",
"ids": [{"id" (integer), "idHex", "extended", "count", "remote", "firstTimestamp", "lastTimestamp",
"period": {"mean","min","max"} (s, null under two frames), "dlcs", "byteChanges" (per position),
"changingBytes", "lastData" (hex)}]}`,
};

const HEADERS = {
  fr: [
    'id',
    'trames',
    'période moy. ms',
    'min ms',
    'max ms',
    'DLC',
    'octets qui changent (position:changements)',
  ],
  en: ['id', 'frames', 'mean period ms', 'min ms', 'max ms', 'DLC', 'changing bytes (position:changes)'],
};

export function idHex(s: { id: number; extended: boolean }): string {
  return s.id
    .toString(16)
    .toUpperCase()
    .padStart(s.extended ? 8 : 3, '0');
}

/** The documented JSON shape: LogStats plus the hex id and the count of skipped lines. */
export function statsToJson(stats: LogStats, skippedLines: number): object {
  return {
    frames: stats.frames,
    errorFrames: stats.errorFrames,
    firstTimestamp: stats.firstTimestamp ?? null,
    lastTimestamp: stats.lastTimestamp ?? null,
    duration: stats.duration,
    skippedLines,
    ids: stats.ids.map((s) => ({ ...s, idHex: idHex(s), period: s.period ?? null })),
  };
}

const ms = (seconds: number | undefined) => (seconds === undefined ? '-' : (seconds * 1000).toFixed(2));

export function statsTable(stats: LogStats, lang: Lang): string {
  const rows: string[][] = stats.ids.map((s: IdStats) => [
    idHex(s),
    String(s.count),
    ms(s.period?.mean),
    ms(s.period?.min),
    ms(s.period?.max),
    s.dlcs.join(','),
    s.byteChanges.flatMap((c, i) => (c > 0 ? [`${i}:${c}`] : [])).join(' ') || '-',
  ]);
  const head = HEADERS[lang];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // Numbers right-aligned, text left-aligned; the last column is not padded.
  const line = (r: string[]) =>
    r
      .map((cell, c) =>
        c === r.length - 1 ? cell : c >= 1 && c <= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
      )
      .join('  ');
  const summary =
    lang === 'fr'
      ? `${stats.frames} trames, ${stats.ids.length} identifiants, ${stats.duration.toFixed(3)} s, ${stats.errorFrames} trames d'erreur`
      : `${stats.frames} frames, ${stats.ids.length} ids, ${stats.duration.toFixed(3)} s, ${stats.errorFrames} error frames`;
  return [summary, '', line(head), ...rows.map(line)].join('\n');
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const usage = USAGE[ctx.lang];
  const parsed = logCommandArgs(args, ctx, usage, parse);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const file = resolve(ctx.cwd, positionals[0]);
  const reader = readLog(file, { lenient: values.lenient });
  const collector = new StatsCollector();
  const progress = ctx.stderrIsTTY ? startProgress(ctx) : undefined;
  try {
    // In columns: no object per frame (whole-log statistics cost about what reading costs).
    for await (const batch of frameBatches(reader)) {
      if (ctx.signal.aborted) break;
      collector.addBatch(batch);
      if (progress) progress.frames += batch.length;
    }
  } finally {
    progress?.stop();
  }
  const stats = collector.result();
  if (reader.skipped.length > 0) {
    ctx.stderr.write(
      ctx.lang === 'fr'
        ? `${reader.skipped.length} ligne(s) illisible(s) sautée(s), première : ${parseErrorMessage(reader.skipped[0], 'fr')}\n`
        : `${reader.skipped.length} unreadable line(s) skipped, first: ${reader.skipped[0].message}\n`,
    );
  }
  const out = values.json
    ? `${JSON.stringify(statsToJson(stats, reader.skipped.length))}\n`
    : `${statsTable(stats, ctx.lang)}\n`;
  await writeOut(ctx.stdout, out);
  return ctx.signal.aborted ? 130 : 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      lenient: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** A frame counter redrawn on stderr a few times a second, only when stderr is a terminal. */
function startProgress(ctx: CliContext) {
  const state = { frames: 0, stop: () => {} };
  const timer = setInterval(() => {
    ctx.stderr.write(`\r${state.frames} ${ctx.lang === 'fr' ? 'trames lues' : 'frames read'}…`);
  }, 250);
  state.stop = () => {
    clearInterval(timer);
    ctx.stderr.write('\r\x1b[K');
  };
  return state;
}

export const statsSubcommand: Subcommand = {
  name: 'stats',
  summary: { fr: 'statistiques par identifiant d’un journal', en: 'per-id statistics of a log' },
  run,
};
