import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  parseErrorMessage,
  REASSEMBLY_ERROR_TEXTS,
  type ReassemblyEvent,
  readLog,
  reassemble,
  sayReassemblyFacts,
  toHex,
} from '@atelier/can';
import { type CliContext, type Lang, UsageError, writeOut } from '@atelier/command';
import type { Subcommand } from './index.js';
import { logCommandArgs } from './log-args.js';

const USAGE = {
  fr: `Usage : atelier can isotp JOURNAL --rx ID [--tx ID] [--json] [options]

Réassemble les messages ISO-TP (ISO 15765-2) reçus sur l'identifiant --rx dans un journal CAN,
sans y prendre part. Les identifiants sont en hexadécimal (7BB, 0x18DAF110).

  --rx ID         identifiant des messages à réassembler (réponses d'un calculateur)
  --tx ID         identifiant de l'autre sens : son contrôle de flux OVERFLOW clôt la réception
  --json          une ligne JSON par message : {"t":1641469562.0645,"id":1979,"data":"6101ffff…"}
                  et par anomalie : {"t":…,"id":…,"error":"interrupted"|"unexpected-cf"|"wrong-sn"|
                  "incomplete"|"overflow"} (t = horodatage de la dernière trame, id entier)
  --extended      identifiants 29 bits (implicite au-delà de 7FF)
  --address XX    adressage étendu : premier octet attendu des trames (hexadécimal)
  --channel NOM   seulement les trames de ce bus (can0)
  --max-gap MS    un silence plus long clôt le message comme incomplet
  --layout L      payload (défaut, le message ISO-TP) ou css (convention CSS Electronics : octet 0 =
                  longueur, puis les octets 1.. de chaque trame)
  --lenient       saute les lignes illisibles du journal (signalées sur stderr)`,
  en: `Usage: atelier can isotp LOG --rx ID [--tx ID] [--json] [options]

Reassembles the ISO-TP (ISO 15765-2) messages received on id --rx in a CAN log, without taking
part in the exchange. Ids are hexadecimal (7BB, 0x18DAF110).

  --rx ID         id of the messages to reassemble (an ECU's responses)
  --tx ID         id of the other direction: its OVERFLOW flow control closes the reception
  --json          one JSON line per message: {"t":1641469562.0645,"id":1979,"data":"6101ffff…"}
                  and per anomaly: {"t":…,"id":…,"error":"interrupted"|"unexpected-cf"|"wrong-sn"|
                  "incomplete"|"overflow"} (t = timestamp of the last frame, integer id)
  --extended      29-bit ids (implied above 7FF)
  --address XX    extended addressing: expected first byte of the frames (hexadecimal)
  --channel NAME  only frames from this bus (can0)
  --max-gap MS    a longer silence ends the message as incomplete
  --layout L      payload (default, the ISO-TP message) or css (CSS Electronics convention: byte 0 =
                  length, then bytes 1.. of every frame)
  --lenient       skip unreadable log lines (reported on stderr)`,
};

/** Parses a CAN id written in hex (`7BB`, `0x7bb`); undefined when it is not one. */
export function parseHexId(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(?:0x)?([0-9a-f]{1,8})$/i.exec(text.trim());
  if (!m) return undefined;
  const id = Number.parseInt(m[1], 16);
  return id <= 0x1fffffff ? id : undefined;
}

/** The documented JSON line for one reassembly event (key order fixed: t, id, data|error). */
export function isotpEventToJson(e: ReassemblyEvent): string {
  return e.type === 'message'
    ? `{"t":${e.timestamp},"id":${e.id},"data":"${toHex(e.data)}"}`
    : `{"t":${e.timestamp},"id":${e.id},"error":"${e.error}"}`;
}

function eventToText(e: ReassemblyEvent, lang: Lang, extended: boolean): string {
  const id = e.id
    .toString(16)
    .toUpperCase()
    .padStart(extended ? 8 : 3, '0');
  const t = e.timestamp.toFixed(6);
  if (e.type === 'message')
    return `${t}  ${id}  ${String(e.data.length).padStart(4)} ${lang === 'fr' ? 'o' : 'B'}  ${toHex(e.data)}`;
  return `${t}  ${id}  ${lang === 'fr' ? 'erreur' : 'error'} ${e.error} : ${REASSEMBLY_ERROR_TEXTS[lang][e.error]} (${sayReassemblyFacts(e.facts, lang)})`;
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const usage = USAGE[ctx.lang];
  const fr = ctx.lang === 'fr';
  const parsed = logCommandArgs(args, ctx, usage, parse);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const rxId = parseHexId(values.rx);
  if (rxId === undefined)
    throw new UsageError(fr ? '--rx ID attendu (hexadécimal)' : '--rx ID expected (hexadecimal)', usage);
  const txId = parseHexId(values.tx);
  if (values.tx !== undefined && txId === undefined)
    throw new UsageError(
      fr ? `--tx : identifiant invalide « ${values.tx} »` : `--tx: bad id '${values.tx}'`,
      usage,
    );
  let rxAddress: number | undefined;
  if (values.address !== undefined) {
    rxAddress = parseHexId(values.address);
    if (rxAddress === undefined || rxAddress > 0xff)
      throw new UsageError(fr ? '--address : un octet hexadécimal' : '--address: one hex byte', usage);
  }
  const layout = values.layout;
  if (layout !== 'payload' && layout !== 'css')
    throw new UsageError(fr ? '--layout : payload ou css' : '--layout: payload or css', usage);
  let maxGapMs: number | undefined;
  if (values['max-gap'] !== undefined) {
    maxGapMs = Number(values['max-gap']);
    if (!(maxGapMs > 0))
      throw new UsageError(fr ? '--max-gap : durée en ms' : '--max-gap: a duration in ms', usage);
  }
  const extended = values.extended || rxId > 0x7ff || (txId ?? 0) > 0x7ff;
  const file = resolve(ctx.cwd, positionals[0]);
  const reader = readLog(file, { lenient: values.lenient });
  let messages = 0;
  let errors = 0;
  let buffer = '';
  for await (const e of reassemble(reader, {
    rxId,
    txId,
    extendedIds: extended,
    rxAddress,
    channel: values.channel,
    maxGapMs,
    layout,
  })) {
    if (ctx.signal.aborted) break;
    if (e.type === 'message') messages++;
    else errors++;
    buffer += `${values.json ? isotpEventToJson(e) : eventToText(e, ctx.lang, extended)}\n`;
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
  if (!values.json) {
    ctx.stderr.write(
      fr
        ? `${messages} message(s), ${errors} anomalie(s)\n`
        : `${messages} message(s), ${errors} anomaly(ies)\n`,
    );
  }
  return ctx.signal.aborted ? 130 : 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      rx: { type: 'string' },
      tx: { type: 'string' },
      json: { type: 'boolean', default: false },
      extended: { type: 'boolean', default: false },
      address: { type: 'string' },
      channel: { type: 'string' },
      'max-gap': { type: 'string' },
      layout: { type: 'string', default: 'payload' },
      lenient: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export const isotpSubcommand: Subcommand = {
  name: 'isotp',
  summary: {
    fr: 'réassemble les messages ISO-TP d’un journal',
    en: 'reassemble the ISO-TP messages of a log',
  },
  run,
};
