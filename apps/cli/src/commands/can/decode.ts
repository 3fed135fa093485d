import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DbcDecoder,
  type DecodedFrame,
  type DbcDecoder as Decoder,
  decodeLog,
  type IsoTpChannel,
  parseErrorMessage,
  REASSEMBLY_ERROR_TEXTS,
  readDbc,
  readLog,
  sayReason,
  sayReassemblyFacts,
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
  --isotp RX:TX        décode les messages ISO-TP réassemblés sur RX (hexadécimal, réponses de
                       l'ECU) au lieu des trames, TX étant l'identifiant des requêtes (ex. 7BB:79B)
  --isotp-rx ID        la forme longue : RX seul (--isotp-tx ID pour TX)
  --isotp-layout L     payload (le message ISO-TP, service en octet 0) ou css : la convention des
                       DBC CSS Electronics tp_uds (octet 0 = longueur, octet 1 = service). Par
                       défaut, celle que la DBC décrit : css quand elle multiplexe (étendu) sur
                       l'octet de service en octet 1, payload sinon
  Un message de la DBC qui décrit une charge utile de diagnostic (plus de 8 octets hors CAN FD, ou
  la convention CSS) est toujours décodé sur les messages ISO-TP réassemblés de son identifiant,
  jamais sur les trames brutes, même sans --isotp.
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
  --isotp RX:TX        decode the ISO-TP messages reassembled on RX (hexadecimal, the ECU's answers)
                       instead of frames, TX being the requests' id (e.g. 7BB:79B)
  --isotp-rx ID        the long form: RX alone (--isotp-tx ID for TX)
  --isotp-layout L     payload (the ISO-TP message, service at byte 0) or css: the convention of
                       CSS Electronics tp_uds DBCs (byte 0 = length, byte 1 = service). By default
                       the one the DBC describes: css when it multiplexes (extended) over the
                       service byte at byte 1, else payload
  A DBC message that describes a diagnostic payload (longer than 8 bytes outside CAN FD, or the CSS
  convention) is always decoded over the ISO-TP messages reassembled on its id, never over raw
  frames, even without --isotp.
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
  let rxId = parseHexId(values['isotp-rx']);
  if (values['isotp-rx'] !== undefined && rxId === undefined)
    throw new UsageError(fr ? '--isotp-rx : identifiant hexadécimal' : '--isotp-rx: a hex id', usage);
  let txId = parseHexId(values['isotp-tx']);
  if (values['isotp-tx'] !== undefined && (txId === undefined || rxId === undefined)) {
    throw new UsageError(
      fr ? '--isotp-tx : identifiant hexadécimal, avec --isotp-rx' : '--isotp-tx: a hex id, with --isotp-rx',
      usage,
    );
  }
  if (values.isotp !== undefined) {
    const [rx, tx, ...rest] = values.isotp.split(':');
    rxId = parseHexId(rx);
    txId = tx === undefined ? undefined : parseHexId(tx);
    if (rxId === undefined || (tx !== undefined && txId === undefined) || rest.length || values['isotp-rx'])
      throw new UsageError(
        fr
          ? '--isotp RX:TX : deux identifiants hexadécimaux (ex. 7BB:79B), sans --isotp-rx'
          : '--isotp RX:TX: two hex ids (e.g. 7BB:79B), without --isotp-rx',
        usage,
      );
  }
  const layout = values['isotp-layout'];
  if (layout !== undefined && layout !== 'payload' && layout !== 'css')
    throw new UsageError(fr ? '--isotp-layout : payload ou css' : '--isotp-layout: payload or css', usage);

  const dbc = await readDbc(resolve(ctx.cwd, values.dbc));
  for (const w of dbc.warnings.slice(0, 10))
    ctx.stderr.write(
      fr
        ? `${values.dbc}, ligne ${w.line} : avertissement : ${sayReason(w.detail, 'fr')}\n`
        : `${values.dbc}:${w.line}: warning: ${w.message}\n`,
    );
  const decoder = new DbcDecoder(dbc);
  const file = resolve(ctx.cwd, positionals[0]);
  const reader = readLog(file, { lenient: values.lenient });
  const isotp: IsoTpChannel[] =
    rxId === undefined ? [] : [{ rxId, txId, layout: layout as IsoTpChannel['layout'] }];
  const events = decodeLog(reader, decoder, {
    isotp,
    channel: values.channel,
    onError: (e) =>
      ctx.stderr.write(
        fr
          ? `${e.timestamp} : ISO-TP 0x${e.id.toString(16)} : ${REASSEMBLY_ERROR_TEXTS.fr[e.error]} (${sayReassemblyFacts(e.facts, 'fr')})\n`
          : `${e.timestamp}: ISO-TP 0x${e.id.toString(16)}: ${e.error} (${e.detail})\n`,
      ),
  });

  let decoded = 0;
  let buffer = '';
  for await (const d of events) {
    if (ctx.signal.aborted) break;
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
        ? `${reader.skipped.length} ligne(s) illisible(s) sautée(s), première : ${parseErrorMessage(reader.skipped[0], 'fr')}\n`
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
      isotp: { type: 'string' },
      'isotp-layout': { type: 'string' },
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
