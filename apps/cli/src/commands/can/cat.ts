import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BinaryLogError,
  candumpLine,
  type Frame,
  type LogFormat,
  type LogReader,
  parseErrorMessage,
  readLog,
  toHex,
} from '@atelier/can';
import { type CliContext, UsageError, writeOut } from '@atelier/command';
import type { Subcommand } from './index.js';
import { logCommandArgs } from './log-args.js';

const FORMATS: LogFormat[] = [
  'candump',
  'candump-screen',
  'asc',
  'trc',
  'canhacker',
  'csv',
  'python-can-csv',
  'mf4',
  'blf',
  'pcap',
  'pcapng',
];

const USAGE = {
  fr: `Usage : atelier can cat JOURNAL [--json] [--lenient] [--format F]

Affiche les trames d’un journal CAN (candump -l, sortie écran de candump, Vector ASC, PEAK TRC,
trace CANHacker .trc, SavvyCAN CSV, ASAM MDF4 .mf4 des enregistreurs CANedge/Vector, Vector BLF,
captures Wireshark/tcpdump .pcap/.pcapng d’une interface SocketCAN ;
format d’après l’extension, sinon d’après le contenu ; un .trc est PEAK ou CANHacker selon son
contenu).

  --json      une ligne JSON par trame au lieu des lignes candump -l :
              {"t":1641469561.9497,"id":1947,"ext":false,"data":"022101ffffffffff"}
              plus "rtr":true, "err":true, "fd":true, "dir":"rx"|"tx", "ch":"can0" s’il y a lieu
  --lenient   saute les lignes (ou blocs MF4/BLF) illisibles ; leur nombre et les premiers sont
              signalés sur stderr
  --format F  impose le format : ${FORMATS.join(', ')}`,
  en: `Usage: atelier can cat LOG [--json] [--lenient] [--format F]

Prints the frames of a CAN log (candump -l, candump screen output, Vector ASC, PEAK TRC, CANHacker
.trc trace, SavvyCAN CSV, ASAM MDF4 .mf4 from CANedge/Vector loggers, Vector BLF, Wireshark/tcpdump
.pcap/.pcapng captures of a SocketCAN interface; format from the
extension, else from the content; a .trc is PEAK or CANHacker by its content).

  --json      one JSON line per frame instead of candump -l lines:
              {"t":1641469561.9497,"id":1947,"ext":false,"data":"022101ffffffffff"}
              plus "rtr":true, "err":true, "fd":true, "dir":"rx"|"tx", "ch":"can0" when they apply
  --lenient   skip unreadable lines (or MF4/BLF blocks); their count and the first ones are
              reported on stderr
  --format F  force the format: ${FORMATS.join(', ')}`,
};

/**
 * One frame as a JSON line, keys in a fixed order (t, id, ext, data, then the optional ones).
 * Built by hand: JSON.stringify of an object would not fix the order of optional keys any better
 * and costs more per frame. `t` prints in its shortest form (1641469561.9497, not …949700).
 */
export function frameToJson(f: Frame): string {
  let s = `{"t":${f.timestamp},"id":${f.id},"ext":${f.extended},"data":"${toHex(f.data)}"`;
  if (f.remote) s += ',"rtr":true';
  if (f.error) s += ',"err":true';
  if (f.fd) s += ',"fd":true';
  if (f.direction !== undefined) s += `,"dir":"${f.direction}"`;
  if (f.channel !== undefined) s += `,"ch":${JSON.stringify(f.channel)}`;
  return `${s}}`;
}

/** Files above this size get a progress bar (when stderr is a terminal). */
const LARGE = 16 * 2 ** 20;

/** A progress bar redrawn on stderr a few times a second from the bytes the reader consumed. */
export function startProgress(ctx: CliContext, reader: LogReader, file: string): { stop(): void } {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // The reader reports a missing file itself.
  }
  if (!ctx.stderrIsTTY || size < LARGE) return { stop() {} };
  const draw = () => {
    const done = Math.min(1, (reader.bytesRead ?? 0) / size);
    const width = 30;
    const filled = Math.round(done * width);
    ctx.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)} %`,
    );
  };
  const timer = setInterval(draw, 200);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      ctx.stderr.write('\r\x1b[K');
    },
  };
}

/** Reports the lines a lenient read skipped: how many, and the first few with file and line. */
export function reportSkipped(ctx: CliContext, reader: LogReader): void {
  // A capture (pcap, pcapng) may hold packets that are not CAN frames: said, never read as frames.
  const other = reader.otherPackets ?? 0;
  if (other > 0)
    ctx.stderr.write(
      ctx.lang === 'fr'
        ? `${other} paquet(s) sans trame CAN ni CAN FD passé(s) (CAN XL, autre protocole ou autre interface)\n`
        : `${other} packet(s) holding no CAN or CAN FD frame passed over (CAN XL, another protocol or interface)\n`,
    );
  const n = reader.skipped.length;
  if (n === 0) return;
  // Binary logs (MF4, BLF) are read by blocks and records, not lines.
  const binary = reader.skipped.every((e) => e instanceof BinaryLogError);
  const head = binary
    ? ctx.lang === 'fr'
      ? `${n} problème(s) dans le fichier, parties illisibles sautées :`
      : `${n} problem(s) in the file, unreadable parts skipped:`
    : ctx.lang === 'fr'
      ? `${n} ligne(s) illisible(s) sautée(s) :`
      : `${n} unreadable line(s) skipped:`;
  const shown = reader.skipped.slice(0, 5).map((e) => `  ${parseErrorMessage(e, ctx.lang)}`);
  if (n > 5) shown.push(ctx.lang === 'fr' ? `  … et ${n - 5} autre(s)` : `  … and ${n - 5} more`);
  ctx.stderr.write(`${head}\n${shown.join('\n')}\n`);
}

export function parseFormat(
  value: string | undefined,
  ctx: CliContext,
  usage: string,
): LogFormat | undefined {
  if (value === undefined) return undefined;
  if (!(FORMATS as string[]).includes(value)) {
    throw new UsageError(
      ctx.lang === 'fr' ? `format inconnu « ${value} »` : `unknown format '${value}'`,
      usage,
    );
  }
  return value as LogFormat;
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const usage = USAGE[ctx.lang];
  const parsed = logCommandArgs(args, ctx, usage, parse);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const file = resolve(ctx.cwd, positionals[0]);
  const reader = readLog(file, { lenient: values.lenient, format: parseFormat(values.format, ctx, usage) });
  const line = values.json ? frameToJson : candumpLine;
  const progress = startProgress(ctx, reader, file);
  let out = '';
  try {
    for await (const frame of reader) {
      out += `${line(frame)}\n`;
      if (out.length >= 1 << 16) {
        if (ctx.signal.aborted) break;
        const chunk = out;
        out = '';
        await writeOut(ctx.stdout, chunk);
      }
    }
    if (out) await writeOut(ctx.stdout, out);
  } catch (err) {
    // The frames read before a bad line or block are printed before the error.
    if (out) await writeOut(ctx.stdout, out);
    throw err;
  } finally {
    progress.stop();
  }
  reportSkipped(ctx, reader);
  return ctx.signal.aborted ? 130 : 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      lenient: { type: 'boolean', default: false },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export const catSubcommand: Subcommand = {
  name: 'cat',
  summary: {
    fr: 'affiche les trames d’un journal (candump -l ou JSON)',
    en: 'print the frames of a log (candump -l or JSON)',
  },
  run,
};
