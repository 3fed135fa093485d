import { elmReason } from './elm-reasons.js';
import type { ElmErrorDetail } from './errors.js';
import {
  clip,
  ElmAdapterError,
  ElmBusError,
  ElmDataError,
  ElmNoDataError,
  UnableToConnectError,
} from './errors.js';
import type { ElmProtocol } from './protocols.js';

/**
 * Pure functions that turn the text an ELM327 prints for an OBD request into ECU answers, or into
 * the typed error its status line means. Nothing here does I/O or keeps time.
 */

/** One ECU's complete answer as the adapter showed it; `ecu` is absent when headers were off. */
export interface ParsedResponse {
  ecu?: number;
  extended: boolean;
  data: Uint8Array;
}

export interface ParsedAnswer {
  responses: ParsedResponse[];
  /** The adapter printed `SEARCHING...` (it was looking for a protocol before answering). */
  searched: boolean;
  /** The adapter printed `BUS INIT: ...OK` (a legacy bus was initialised for this request). */
  busInit: boolean;
}

export interface ParseContext {
  protocol: ElmProtocol;
  /** Whether ATH1 is in effect. Lines are still recognised when the adapter ignored it. */
  headers: boolean;
  /** The command that was sent, to drop its echo and to name it in errors. */
  command?: string;
  /**
   * AT CEA in force (ISO 15765-2 extended addressing): the tester address each frame printed with
   * its header starts with, before the PCI byte; removed here (headers off, the adapter removed it).
   */
  addressExtension?: number;
}

/** What a status line (one that holds no data) means. */
export type ElmStatus =
  | { kind: 'searching' }
  | { kind: 'bus-init-ok' }
  | { kind: 'ok' }
  | { kind: 'error'; error: (detail: ElmErrorDetail) => Error };

const STATUS: [RegExp, ElmStatus][] = [
  [/^SEARCHING\.*$/, { kind: 'searching' }],
  [/^BUS INIT:?\s*\.*\s*OK$/, { kind: 'bus-init-ok' }],
  [/^OK$/, { kind: 'ok' }],
  [/^NO DATA$/, { kind: 'error', error: (d) => new ElmNoDataError(elmReason('no-data', said(d)), d) }],
  [
    /^UNABLE TO CONNECT$/,
    {
      kind: 'error',
      error: (d) => new UnableToConnectError(elmReason('unable-to-connect', said(d)), d),
    },
  ],
  [
    /^BUS INIT:?\s*\.*\s*ERROR$|^ERROR$/,
    {
      kind: 'error',
      error: (d) => new ElmBusError(elmReason('bus-init', line(d)), d),
    },
  ],
  [/^CAN ERROR$/, { kind: 'error', error: (d) => new ElmBusError(elmReason('can-error', said(d)), d) }],
  [/^BUS BUSY$/, { kind: 'error', error: (d) => new ElmBusError(elmReason('bus-busy', said(d)), d) }],
  [/^BUS ERROR$/, { kind: 'error', error: (d) => new ElmBusError(elmReason('bus-error', said(d)), d) }],
  [
    /^FB ERROR$/,
    {
      kind: 'error',
      error: (d) => new ElmBusError(elmReason('fb-error', said(d)), d),
    },
  ],
  [
    /^BUFFER FULL$/,
    {
      kind: 'error',
      error: (d) => new ElmAdapterError(elmReason('buffer-full', said(d)), 'buffer-full', d),
    },
  ],
  [
    /^STOPPED$/,
    {
      kind: 'error',
      error: (d) => new ElmAdapterError(elmReason('stopped', said(d)), 'stopped', d),
    },
  ],
  [
    /^\?$/,
    {
      kind: 'error',
      error: (d) => new ElmAdapterError(elmReason('unknown-command', said(d)), 'unknown-command', d),
    },
  ],
  [
    /^LV RESET$/,
    {
      kind: 'error',
      error: (d) => new ElmAdapterError(elmReason('lv-reset', said(d)), 'reset', d),
    },
  ],
  [
    /^(ELM327|STN\d|OBDLINK).*$/i,
    {
      kind: 'error',
      error: (d) => new ElmAdapterError(elmReason('restarted', line(d)), 'reset', d),
    },
  ],
  [
    /^(ACT|LP) ALERT$/,
    {
      kind: 'error',
      error: (d) => new ElmAdapterError(elmReason('activity-alert', line(d)), 'activity-alert', d),
    },
  ],
  [
    /^ERR\d\d$/,
    {
      kind: 'error',
      error: (d) => new ElmAdapterError(elmReason('internal', line(d)), 'internal', d),
    },
  ],
  [
    /^(<?DATA ERROR|<?RX ERROR)$/,
    { kind: 'error', error: (d) => new ElmDataError(elmReason('corrupt', line(d)), d) },
  ],
];

/** The values of a status line's reason: the command it answered, and the line itself. */
const said = (d: ElmErrorDetail) => ({ command: d.command ?? '' });
const line = (d: ElmErrorDetail) => ({ command: d.command ?? '', elm: d.elm });

/** Recognises a status line; undefined for a data line. */
export function classifyLine(line: string): ElmStatus | undefined {
  const l = line.trim().toUpperCase();
  for (const [re, status] of STATUS) if (re.test(l)) return status;
  return undefined;
}

/** Compares a line with a command the way the ELM327 reads commands: no spaces, any case. */
export function sameCommand(line: string, command: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, '').toUpperCase();
  return norm(line) === norm(command);
}

/** Removes control characters (below 0x20, and DEL), which carry no meaning inside a line. */
export function stripControls(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c >= 0x20 && c !== 0x7f) out += ch;
  }
  return out;
}

/** Splits raw adapter output (prompt removed) into non-empty trimmed lines, dropping the echo. */
export function answerLines(raw: string, command?: string): string[] {
  const lines = raw
    .split(/[\r\n]+/)
    .map((l) => stripControls(l).trim())
    .filter((l) => l.length > 0);
  // An echo is the first line equal to the command; clones that cannot stop echoing still send it.
  if (command && lines.length > 0 && sameCommand(lines[0]!, command)) lines.shift();
  return lines;
}

/** Reads a run of hex digits (spaces allowed between bytes) into bytes. */
export function hexBytes(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 2 !== 0 || !/^[0-9A-Fa-f]*$/.test(compact)) return undefined;
  const out = new Uint8Array(compact.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(compact.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Parses the answer to an OBD/UDS request. Throws the typed error of the first status line that
 * means failure, with whatever data lines came before it kept in `detail.partial`, so that an
 * adapter error is never mistaken for an empty answer.
 */
export function parseAnswer(raw: string, ctx: ParseContext): ParsedAnswer {
  const lines = answerLines(raw, ctx.command);
  const result: ParsedAnswer = { responses: [], searched: false, busInit: false };
  const dataLines: { text: string; index: number }[] = [];
  let failure: ((d: ElmErrorDetail) => Error) | undefined;
  let failureLine = '';
  lines.forEach((line, index) => {
    if (failure) return;
    // `<DATA ERROR` and `<RX ERROR` are appended to the data line they spoil.
    const spoiled = /^(.*?)\s*(<(DATA|RX) ERROR)$/i.exec(line);
    if (spoiled?.[1]) {
      failure = (d) =>
        new ElmDataError(elmReason('corrupt', { command: d.command ?? '', elm: spoiled[2]!.toUpperCase() }), {
          ...d,
          line: index + 1,
        });
      failureLine = clip(line);
      return;
    }
    const status = classifyLine(line);
    if (!status) dataLines.push({ text: line, index });
    else if (status.kind === 'searching') result.searched = true;
    else if (status.kind === 'bus-init-ok') result.busInit = true;
    else if (status.kind === 'error') {
      failure = status.error;
      failureLine = clip(line.trim().toUpperCase());
    }
  });
  let responses: ParsedResponse[] = [];
  let parseError: Error | undefined;
  try {
    responses = parseDataLines(dataLines, ctx);
  } catch (err) {
    if (!failure) throw err;
    parseError = err as Error;
  }
  if (failure) {
    const error = failure({ elm: failureLine, command: ctx.command, partial: responses.map(toLinkShape) });
    if (parseError) (error as Error & { cause?: unknown }).cause = parseError;
    throw error;
  }
  if (responses.length === 0) {
    throw new ElmNoDataError(elmReason('no-data-line', { command: ctx.command ?? '' }), {
      elm: clip(lines.join(' | ')),
      command: ctx.command,
    });
  }
  result.responses = responses;
  return result;
}

function toLinkShape(r: ParsedResponse) {
  return { ecu: r.ecu ?? -1, extended: r.extended, data: r.data, timestamp: 0 };
}

/**
 * A data line that cannot be what an ELM327 prints for an answer: `message` in English (the error's
 * words as they always were), `fr` the same in French; the line is quoted as the adapter printed it.
 */
function dataError(
  message: string,
  fr: string,
  ctx: ParseContext,
  line: { text: string; index: number },
): ElmDataError {
  const reason = elmReason('bad-data-line', {
    what: message,
    whatFr: fr,
    line: line.index + 1,
    text: clip(line.text),
    command: ctx.command ?? '',
  });
  return new ElmDataError(reason, {
    elm: clip(line.text),
    command: ctx.command,
    line: line.index + 1,
  });
}

function parseDataLines(lines: { text: string; index: number }[], ctx: ParseContext): ParsedResponse[] {
  if (lines.length === 0) return [];
  if (ctx.protocol.family === 'can') return parseCan(lines, ctx);
  return parseLegacy(lines, ctx);
}

/** A CAN line with its header: `7E8 06 41 0C 0F A0 00 00 00`, `18DAF110064​10C…`. */
function splitCanHeader(text: string, extended: boolean): { id: number; bytes: Uint8Array } | undefined {
  const compact = text.replace(/\s+/g, '');
  const width = extended ? 8 : 3;
  if (compact.length <= width || !/^[0-9A-Fa-f]+$/.test(compact)) return undefined;
  const bytes = hexBytes(compact.slice(width));
  if (!bytes) return undefined;
  return { id: Number.parseInt(compact.slice(0, width), 16), bytes };
}

/**
 * Whether a line can be a CAN frame printed with its header: an identifier that fits the protocol's
 * width (a 29-bit one has its top three bits clear) followed by 1 to 8 data bytes. A headers-off line
 * cannot: on 11-bit CAN its even number of hex digits leaves an odd number after the 3-digit id, and
 * on 29-bit CAN its first byte, a response service id (0x40 and above), is no priority byte.
 */
function isCanHeaderLine(text: string, extended: boolean): boolean {
  const frame = splitCanHeader(text, extended);
  if (!frame || frame.bytes.length < 1 || frame.bytes.length > 8) return false;
  return extended ? frame.id <= 0x1fffffff : frame.id <= 0x7ff;
}

interface Assembly {
  id: number;
  expected: number;
  next: number;
  data: number[];
}

function parseCan(lines: { text: string; index: number }[], ctx: ParseContext): ParsedResponse[] {
  const extended = ctx.protocol.extended;
  const headersOff = looksHeadersOff(lines, ctx);
  if (headersOff) return parseCanHeadersOff(lines, ctx);
  const out: ParsedResponse[] = [];
  const open = new Map<number, Assembly>();
  let previous = '';
  for (const line of lines) {
    // The same frame printed twice in a row (a clone repeating a line, seen on 0100): once is enough;
    // two identical frames from one ECU cannot both be meant (a consecutive frame carries its number).
    const compact = line.text.replace(/\s+/g, '').toUpperCase();
    if (compact === previous) continue;
    previous = compact;
    const frame = splitCanHeader(line.text, extended);
    if (!frame) throw dataError('unreadable CAN line', 'ligne CAN illisible', ctx, line);
    const { id } = frame;
    let { bytes } = frame;
    if (ctx.addressExtension !== undefined) {
      if (bytes[0] !== ctx.addressExtension)
        throw dataError(
          `frame addressed to ${hex(bytes[0] ?? 0)}, not to the tester (${hex(ctx.addressExtension)})`,
          `trame adressée à ${hex(bytes[0] ?? 0)}, pas à l'outil (${hex(ctx.addressExtension)})`,
          ctx,
          line,
        );
      bytes = bytes.slice(1);
      if (bytes.length === 0)
        throw dataError(
          'extended-address frame without a PCI byte',
          'trame à adresse étendue sans octet PCI',
          ctx,
          line,
        );
    }
    const pci = bytes[0]! >> 4;
    if (pci === 0) {
      const len = bytes[0]! & 0x0f;
      if (len === 0 || len > bytes.length - 1)
        throw dataError(
          `single frame announces ${len} bytes`,
          `trame unique annonçant ${len} octets`,
          ctx,
          line,
        );
      out.push({ ecu: id, extended, data: bytes.slice(1, 1 + len) });
    } else if (pci === 1) {
      if (bytes.length < 2)
        throw dataError('first frame without length', 'première trame sans longueur', ctx, line);
      const expected = ((bytes[0]! & 0x0f) << 8) | bytes[1]!;
      if (open.has(id))
        throw dataError(
          `ECU ${hex(id)} started a new message before finishing the last`,
          `le calculateur ${hex(id)} a commencé un nouveau message avant de finir le précédent`,
          ctx,
          line,
        );
      open.set(id, { id, expected, next: 1, data: [...bytes.slice(2)] });
    } else if (pci === 2) {
      const a = open.get(id);
      if (!a)
        throw dataError(
          `consecutive frame from ${hex(id)} without a first frame`,
          `trame consécutive de ${hex(id)} sans première trame`,
          ctx,
          line,
        );
      const sn = bytes[0]! & 0x0f;
      if (sn !== a.next)
        throw dataError(
          `consecutive frame ${sn} from ${hex(id)} where ${a.next} was due`,
          `trame consécutive ${sn} de ${hex(id)} au lieu de ${a.next}`,
          ctx,
          line,
        );
      a.next = (a.next + 1) & 0x0f;
      a.data.push(...bytes.slice(1));
      if (a.data.length >= a.expected) {
        out.push({ ecu: id, extended, data: Uint8Array.from(a.data.slice(0, a.expected)) });
        open.delete(id);
      }
    } else if (pci === 3) {
      // A flow control frame seen with monitoring on: not an answer.
    } else {
      throw dataError(`unknown ISO-TP frame type ${pci}`, `type de trame ISO-TP inconnu ${pci}`, ctx, line);
    }
  }
  for (const a of open.values()) {
    const last = lines[lines.length - 1]!;
    throw dataError(
      `message from ${hex(a.id)} ended after ${a.data.length} of ${a.expected} bytes`,
      `le message de ${hex(a.id)} s'est arrêté après ${a.data.length} octets sur ${a.expected}`,
      ctx,
      last,
    );
  }
  return dropPending(out);
}

/**
 * Headers-off CAN output: either plain data lines (one per single-frame answer) or the ELM327's
 * multi-frame layout: a 3-digit length line, then `0:`, `1:` … lines. Headers may be off although
 * the client asked for them (a clone that ignores ATH1, an adapter reset behind our back): each answer
 * is read the way it was printed.
 */
function looksHeadersOff(lines: { text: string }[], ctx: ParseContext): boolean {
  if (!ctx.headers) return true;
  const first = lines[0]!.text.trim();
  if (/^[0-9A-F]{3}$/i.test(first) || /^[0-9A-F]\s*:/i.test(first)) return true;
  return !lines.every((l) => isCanHeaderLine(l.text, ctx.protocol.extended));
}

function parseCanHeadersOff(lines: { text: string; index: number }[], ctx: ParseContext): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  const extended = ctx.protocol.extended;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const text = line.text.trim();
    if (/^[0-9A-F]{3}$/i.test(text)) {
      const expected = Number.parseInt(text, 16);
      const data: number[] = [];
      let next = 0;
      i++;
      while (i < lines.length && data.length < expected) {
        const m = /^([0-9A-F])\s*:\s*(.*)$/i.exec(lines[i]!.text.trim());
        if (!m)
          throw dataError(
            'expected a numbered multi-frame line',
            'une ligne numérotée de message multi-trame était attendue',
            ctx,
            lines[i]!,
          );
        const sn = Number.parseInt(m[1]!, 16);
        if (sn !== next)
          throw dataError(
            `multi-frame line ${sn} where ${next} was due`,
            `ligne ${sn} du message multi-trame au lieu de ${next}`,
            ctx,
            lines[i]!,
          );
        next = (next + 1) & 0x0f;
        const bytes = hexBytes(m[2]!);
        if (!bytes) throw dataError('unreadable hex', 'hexadécimal illisible', ctx, lines[i]!);
        data.push(...bytes);
        i++;
      }
      if (data.length < expected)
        throw dataError(
          `message ended after ${data.length} of ${expected} bytes`,
          `le message s'est arrêté après ${data.length} octets sur ${expected}`,
          ctx,
          line,
        );
      out.push({ extended, data: Uint8Array.from(data.slice(0, expected)) });
    } else {
      const bytes = hexBytes(text);
      if (!bytes || bytes.length === 0) throw dataError('unreadable hex', 'hexadécimal illisible', ctx, line);
      out.push({ extended, data: bytes });
      i++;
    }
  }
  return out;
}

/**
 * ISO 14229 "response pending" (7F xx 78) is a promise of a later answer; when that answer arrived
 * in the same window the promise is dropped, otherwise it is kept so the caller sees it.
 */
function dropPending(responses: ParsedResponse[]): ParsedResponse[] {
  // Where each ECU's last answer is, in one pass, so that the filter stays linear.
  const last = new Map<number | undefined, number>();
  for (let i = 0; i < responses.length; i++) last.set(responses[i]!.ecu, i);
  return responses.filter((r, i) => {
    const pending = r.data.length === 3 && r.data[0] === 0x7f && r.data[2] === 0x78;
    return !pending || last.get(r.ecu)! === i;
  });
}

/** SAE J1850 CRC-8: polynomial x^8+x^4+x^3+x^2+1, initial value FF, result inverted. */
export function j1850Crc(bytes: ArrayLike<number>): number {
  let crc = 0xff;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i]!;
    for (let b = 0; b < 8; b++) crc = crc & 0x80 ? ((crc << 1) ^ 0x1d) & 0xff : (crc << 1) & 0xff;
  }
  return crc ^ 0xff;
}

/** ISO 9141-2 / ISO 14230-4 checksum: the byte sum modulo 256. */
export function sumChecksum(bytes: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i++) s = (s + bytes[i]!) & 0xff;
  return s;
}

/**
 * Whether a legacy line carries the header and checksum bytes: the J1979 response header of its bus
 * (`41 6B` J1850 PWM, `48 6B` J1850 VPW and ISO 9141-2, `8x F1` ISO 14230-4 with the length in the
 * format byte) and a checksum that matches (CRC-8 on J1850, the byte sum on the K-line).
 */
function legacyHeaderKind(bytes: Uint8Array, protocol: ElmProtocol): 'header' | 'bad-checksum' | 'no-header' {
  if (bytes.length < 5) return 'no-header';
  const [b0, b1] = [bytes[0]!, bytes[1]!];
  const plausible =
    protocol.family === 'kwp'
      ? (b0 & 0xc0) === 0x80 && b1 === 0xf1
      : b1 === 0x6b && (protocol.family === 'j1850' || b0 === 0x48);
  if (!plausible) return 'no-header';
  const body = bytes.subarray(0, -1);
  const want = protocol.family === 'j1850' ? j1850Crc(body) : sumChecksum(body);
  return bytes[bytes.length - 1] === want ? 'header' : 'bad-checksum';
}

function parseLegacy(lines: { text: string; index: number }[], ctx: ParseContext): ParsedResponse[] {
  const messages: { ecu?: number; data: Uint8Array }[] = [];
  const parsed = lines.map((line) => {
    const bytes = hexBytes(line.text);
    if (!bytes || bytes.length === 0) throw dataError('unreadable hex', 'hexadécimal illisible', ctx, line);
    return { line, bytes, kind: ctx.headers ? legacyHeaderKind(bytes, ctx.protocol) : 'no-header' };
  });
  // Headers on when any line carries one; a clone that ignores ATH1 prints bare data lines.
  const headers = parsed.some((p) => p.kind !== 'no-header');
  for (const { line, bytes, kind } of parsed) {
    if (!headers) {
      messages.push({ data: bytes });
      continue;
    }
    if (bytes.length < 5)
      throw dataError(
        'legacy message shorter than header, data and checksum',
        "message plus court qu'un en-tête, des données et une somme de contrôle",
        ctx,
        line,
      );
    const body = bytes.slice(0, -1);
    const check = bytes[bytes.length - 1]!;
    if (kind !== 'header') {
      const want = ctx.protocol.family === 'j1850' ? j1850Crc(body) : sumChecksum(body);
      if (kind === 'bad-checksum' || check !== want)
        throw dataError(
          `checksum ${hex2(check)} where ${hex2(want)} was due`,
          `somme de contrôle ${hex2(check)} au lieu de ${hex2(want)}`,
          ctx,
          line,
        );
      throw dataError(
        'no header where the other lines have one',
        "pas d'en-tête alors que les autres lignes en ont un",
        ctx,
        line,
      );
    }
    if (ctx.protocol.family === 'kwp' && (bytes[0]! & 0x3f) !== 0 && (bytes[0]! & 0x3f) !== body.length - 3) {
      throw dataError(
        `KWP format byte announces ${bytes[0]! & 0x3f} data bytes, ${body.length - 3} came`,
        `l'octet de format KWP annonce ${bytes[0]! & 0x3f} octets de données, ${body.length - 3} sont venus`,
        ctx,
        line,
      );
    }
    messages.push({ ecu: bytes[2]!, data: body.slice(3) });
  }
  return normaliseLegacy(messages);
}

/**
 * Legacy buses carry at most 7 data bytes per message, so J1979 splits mode 03/07/0A and mode 09
 * answers over several messages. They are joined here into the ISO 15765-4 layout (DTC count byte,
 * data-item count byte), so that the layers above see one shape whatever the bus.
 */
export function normaliseLegacy(messages: { ecu?: number; data: Uint8Array }[]): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  const groups = new Map<string, { ecu?: number; parts: Uint8Array[] }>();
  for (const m of messages) {
    const sid = m.data[0];
    if (sid === 0x43 || sid === 0x47 || sid === 0x4a || (sid === 0x49 && m.data.length >= 3)) {
      const key = `${m.ecu ?? '-'}:${sid}:${sid === 0x49 ? m.data[1] : ''}`;
      let g = groups.get(key);
      if (!g) {
        g = { ecu: m.ecu, parts: [] };
        groups.set(key, g);
        out.push({ ecu: m.ecu, extended: false, data: new Uint8Array(0), group: key } as ParsedResponse);
      }
      g.parts.push(m.data);
    } else out.push({ ecu: m.ecu, extended: false, data: m.data });
  }
  for (const r of out as (ParsedResponse & { group?: string })[]) {
    if (!r.group) continue;
    const g = groups.get(r.group)!;
    r.data = joinLegacy(g.parts);
    delete r.group;
  }
  return out;
}

function joinLegacy(parts: Uint8Array[]): Uint8Array {
  const sid = parts[0]![0]!;
  if (sid !== 0x49) {
    const codes: number[] = [];
    for (const p of parts) {
      for (let i = 1; i + 1 < p.length; i += 2)
        if (p[i] !== 0 || p[i + 1] !== 0) codes.push(p[i]!, p[i + 1]!);
    }
    return Uint8Array.from([sid, codes.length / 2, ...codes]);
  }
  const pid = parts[0]![1]!;
  const sorted = [...parts].sort((a, b) => a[2]! - b[2]!);
  const payload = sorted.flatMap((p) => [...p.slice(3)]);
  if (pid % 0x20 === 0) return Uint8Array.from([0x49, pid, ...payload]);
  if (pid === 0x02) {
    let start = 0;
    while (start < payload.length && payload[start] === 0) start++;
    return Uint8Array.from([0x49, pid, 0x01, ...payload.slice(start)]);
  }
  const itemSize = pid === 0x04 ? 16 : pid === 0x06 ? 4 : payload.length;
  return Uint8Array.from([0x49, pid, Math.max(1, Math.round(payload.length / itemSize)), ...payload]);
}

const hex = (n: number) => n.toString(16).toUpperCase();
const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
