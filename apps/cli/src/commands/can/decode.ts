import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DbcDecoder,
  type DecodedFrame,
  type DbcDecoder as Decoder,
  type Frame,
  readDbc,
  readLog,
  reassemble,
} from '@atelier/can';
import { type CliContext, UsageError, writeOut } from '@atelier/command';
import type { Subcommand } from './index.js';
import { parseHexId } from './isotp.js';
import { logCommandArgs } from './log-args.js';

const USAGE = {
  fr: `Usage : atelier can decode JOURNAL --dbc FICHIER [--json] [options]

Décode les trames d'un journal CAN avec une base DBC : une ligne par trame dont l'identifiant est
dans la DBC (les autres sont ignorées), valeurs physiques (brut × facteur + décalage) et libellés.

  --dbc FICHIER        la base DBC
  --json               une ligne JSON par trame décodée :
                       {"t":…,"id":534,"name":"WheelData","signals":{"WhlRotatFr_No_Cnt":199,…}}
                       (valeurs en nombres ; un signal multiplexé n'apparaît que s'il est sélectionné)
  --labels             en JSON, ajoute "labels":{…} (libellés VAL_) quand il y en a
  --isotp-rx ID        décode les messages ISO-TP réassemblés sur cet identifiant (hexadécimal) au
                       lieu des trames ; la DBC décrit alors ces messages (ex. 7BB)
  --isotp-tx ID        l'identifiant de l'autre sens (voir atelier can isotp)
  --isotp-layout L     payload (défaut, le message ISO-TP) ou css : la convention des DBC CSS
                       Electronics (octet 0 = longueur, octet 1 = service) ; la DBC Nissan Leaf de
                       CSS demande css
  --channel NOM        seulement les trames de ce bus
  --lenient            saute les lignes illisibles du journal`,
  en: `Usage: atelier can decode LOG --dbc FILE [--json] [options]

Decodes the frames of a CAN log with a DBC database: one line per frame whose id the DBC describes
(others are skipped), physical values (raw × factor + offset) and labels.

  --dbc FILE           the DBC database
  --json               one JSON line per decoded frame:
                       {"t":…,"id":534,"name":"WheelData","signals":{"WhlRotatFr_No_Cnt":199,…}}
                       (values as numbers; a multiplexed signal only appears when selected)
  --labels             in JSON, add "labels":{…} (VAL_ labels) when there are some
  --isotp-rx ID        decode the ISO-TP messages reassembled on this id (hexadecimal) instead of
                       frames; the DBC then describes those messages (e.g. 7BB)
  --isotp-tx ID        the id of the other direction (see atelier can isotp)
  --isotp-layout L     payload (default, the ISO-TP message) or css: the convention of CSS
                       Electronics DBCs (byte 0 = length, byte 1 = service); CSS's Nissan Leaf DBC
                       needs css
  --channel NAME       only frames from this bus
  --lenient            skip unreadable log lines`,
};

/** The documented JSON line (keys t, id, name, signals[, labels]); NaN/±Infinity print as null. */
export function decodedToJson(d: DecodedFrame, withLabels = false): string {
  let s = `{"t":${d.timestamp},"id":${d.id},"name":${JSON.stringify(d.name)},"signals":${JSON.stringify(d.signals)}`;
  if (withLabels) {
    for (const _ in d.labels) {
      s += `,"labels":${JSON.stringify(d.labels)}`;
      break;
    }
  }
  return `${s}}`;
}

const unitCache = new WeakMap<object, Map<string, string>>();

function decodedToText(d: DecodedFrame, decoder: Decoder): string {
  const msg = decoder.message(d.id, d.extended)?.message;
  // Units looked up once per message, not per frame.
  let units = msg ? unitCache.get(msg) : undefined;
  if (msg && !units) {
    units = new Map(msg.signals.map((s) => [s.name, s.unit]));
    unitCache.set(msg, units);
  }
  const id = d.id
    .toString(16)
    .toUpperCase()
    .padStart(d.extended ? 8 : 3, '0');
  const parts = Object.entries(d.signals).map(([k, v]) => {
    const unit = units?.get(k);
    const label = d.labels[k];
    return `${k}=${v}${unit ? ` ${unit}` : ''}${label !== undefined ? ` (${label})` : ''}`;
  });
  return `${d.timestamp.toFixed(6)}  ${id}  ${d.name}  ${parts.join('  ')}`;
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const usage = USAGE[ctx.lang];
  const fr = ctx.lang === 'fr';
  const parsed = logCommandArgs(args, ctx, usage, parse);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (!values.dbc) throw new UsageError(fr ? '--dbc FICHIER attendu' : '--dbc FILE expected', usage);
  const rxId = parseHexId(values['isotp-rx']);
  if (values['isotp-rx'] !== undefined && rxId === undefined)
    throw new UsageError(fr ? '--isotp-rx : identifiant hexadécimal' : '--isotp-rx: a hex id', usage);
  const txId = parseHexId(values['isotp-tx']);
  if (values['isotp-tx'] !== undefined && (txId === undefined || rxId === undefined)) {
    throw new UsageError(
      fr ? '--isotp-tx : identifiant hexadécimal, avec --isotp-rx' : '--isotp-tx: a hex id, with --isotp-rx',
      usage,
    );
  }
  const layout = values['isotp-layout'];
  if (layout !== 'payload' && layout !== 'css')
    throw new UsageError(fr ? '--isotp-layout : payload ou css' : '--isotp-layout: payload or css', usage);

  const dbc = await readDbc(resolve(ctx.cwd, values.dbc));
  for (const w of dbc.warnings.slice(0, 10))
    ctx.stderr.write(`${values.dbc}:${w.line}: ${fr ? 'avertissement' : 'warning'}: ${w.message}\n`);
  const decoder = new DbcDecoder(dbc);
  const file = resolve(ctx.cwd, positionals[0]);
  const reader = readLog(file, { lenient: values.lenient });
  const channel = values.channel;

  async function* source(): AsyncGenerator<Frame> {
    if (rxId === undefined) {
      for await (const f of reader) if (channel === undefined || f.channel === channel) yield f;
      return;
    }
    const extended = rxId > 0x7ff || (txId ?? 0) > 0x7ff;
    for await (const e of reassemble(reader, {
      rxId,
      txId,
      extendedIds: extended,
      channel,
      layout: layout as 'payload' | 'css',
    })) {
      if (e.type === 'message') yield { id: e.id, extended, data: e.data, timestamp: e.timestamp };
      else ctx.stderr.write(`${e.timestamp}: ISO-TP 0x${e.id.toString(16)}: ${e.error} (${e.detail})\n`);
    }
  }

  let decoded = 0;
  let buffer = '';
  for await (const frame of source()) {
    if (ctx.signal.aborted) break;
    const d = decoder.decode(frame);
    if (!d) continue;
    decoded++;
    buffer += `${values.json ? decodedToJson(d, values.labels) : decodedToText(d, decoder)}\n`;
    if (buffer.length > 65536) {
      await writeOut(ctx.stdout, buffer);
      buffer = '';
    }
  }
  if (buffer) await writeOut(ctx.stdout, buffer);
  if (reader.skipped.length > 0) {
    ctx.stderr.write(
      fr
        ? `${reader.skipped.length} ligne(s) illisible(s) sautée(s), première : ${reader.skipped[0].message}\n`
        : `${reader.skipped.length} unreadable line(s) skipped, first: ${reader.skipped[0].message}\n`,
    );
  }
  if (!values.json)
    ctx.stderr.write(fr ? `${decoded} trame(s) décodée(s)\n` : `${decoded} frame(s) decoded\n`);
  return ctx.signal.aborted ? 130 : 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      dbc: { type: 'string' },
      json: { type: 'boolean', default: false },
      labels: { type: 'boolean', default: false },
      'isotp-rx': { type: 'string' },
      'isotp-tx': { type: 'string' },
      'isotp-layout': { type: 'string', default: 'payload' },
      channel: { type: 'string' },
      lenient: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export const decodeSubcommand: Subcommand = {
  name: 'decode',
  summary: { fr: 'décode un journal avec une base DBC', en: 'decode a log with a DBC database' },
  run,
};
