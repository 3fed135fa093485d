/**
 * Where a recording comes from, written in the file itself so that it travels with the file: a
 * recording made by Atelier's vehicle simulator says so, and a reader (the dashboard's upload, `can
 * convert`) never takes it for a real car. Each format carries the mark where it keeps free text:
 *
 * - candump `-l`: a `# …` comment line first (can-utils' canplayer skips lines that do not start
 *   with `(`; Atelier's reader skips `#` lines);
 * - Vector ASC: a `// …` comment line in the header;
 * - PEAK TRC: a `; …` comment line in the header;
 * - ASAM MDF4: the header block's comment (HD `md_comment`, an `<HDcomment>` MD block whose
 *   `common_properties` hold `origin`);
 * - Vector BLF: an APP_TEXT object (source 0, measurement comment) in the first log container;
 * - CANHacker trace: the comment column of the first frame's line (the format has no comment
 *   lines; that column is free text CANHacker keeps per frame);
 * - pcapng: an `opt_comment` of the first section header block (what Wireshark shows as the capture
 *   file's comment);
 * - SavvyCAN CSV and classic pcap have no place for it: such a file's origin is unknown.
 *
 * No mark means "origin unknown", never "real vehicle": nothing in a log proves a car was there.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { detectFormat } from './formats/detect.js';
import { gunzipAll, gunzipHead, innerName, isGzip } from './formats/gzip.js';
import type { LogFormat } from './log.js';

/** A recording's origin, when the file says it. */
export interface RecordingOrigin {
  /** Only Atelier's simulator is recognised: other tools do not write a mark. */
  source: 'atelier-simulator';
  /** The simulated scenario, when the file names it. */
  scenario?: string;
}

/** The token every mark holds, whatever the format: `origin=atelier-simulator`. */
const TOKEN = 'origin=atelier-simulator';
const TOKEN_RE = /origin=atelier-simulator(?:[ ;,]+scenario=([A-Za-z0-9_.-]{1,80}))?/;
/** What a person reading the file sees. */
const SENTENCE = "simulated vehicle: recorded from Atelier's vehicle simulator, not from a real car";

/** The free text of a mark (one line). */
export function originText(origin: RecordingOrigin): string {
  const scenario =
    origin.scenario && /^[A-Za-z0-9_.-]{1,80}$/.test(origin.scenario) ? ` scenario=${origin.scenario}` : '';
  return `${TOKEN}${scenario} — ${SENTENCE}`;
}

/** Reads a mark out of free text (a comment, an MD block, an APP_TEXT). */
export function originFromText(text: string): RecordingOrigin | undefined {
  const m = TOKEN_RE.exec(text);
  if (!m) return undefined;
  return m[1] ? { source: 'atelier-simulator', scenario: m[1] } : { source: 'atelier-simulator' };
}

const COMMENT: Partial<Record<LogFormat, string>> = { candump: '#', asc: '//', trc: ';' };
/** Lines of Atelier's own header before which the comment goes (ASC: before `Begin Triggerblock`). */
const HEADER_LINES: Partial<Record<LogFormat, number>> = { candump: 0, asc: 4, trc: 3 };

/** The comment line a text format holds the mark in, or undefined when the format has none. */
export function originCommentLine(format: LogFormat, origin: RecordingOrigin): string | undefined {
  const c = COMMENT[format];
  return c === undefined ? undefined : `${c} ${originText(origin)}\n`;
}

/** How far into a text log a mark is looked for: it sits in the header. */
const TEXT_HEAD = 16 * 1024;

/** The origin a log says, from its bytes (the whole file; for a text format its head is enough). */
export function readOrigin(bytes: Uint8Array, format: LogFormat): RecordingOrigin | undefined {
  const at: ReadAt = (pos, n) => slice(bytes, pos, n);
  if (format === 'mf4') return unlessDamaged(() => mf4Origin(at, bytes.length));
  if (format === 'blf') return unlessDamaged(() => blfOrigin(at, bytes.length));
  if (format === 'pcapng') return unlessDamaged(() => pcapngOrigin(at));
  const c = COMMENT[format === 'candump-screen' ? 'candump' : format];
  if (c === undefined && format !== 'canhacker') return undefined;
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, TEXT_HEAD)).toString(
    'latin1',
  );
  if (c === undefined) return canHackerOrigin(head);
  for (const line of head.split('\n')) {
    const t = line.trimStart();
    if (t.startsWith(c)) {
      const o = originFromText(t);
      if (o) return o;
    }
  }
  return undefined;
}

/** The origin a log file says (reads only what it needs: the head, MF4's header block, BLF's first container). */
export function readOriginFile(path: string, format: LogFormat): RecordingOrigin | undefined {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const at: ReadAt = (pos, n) => {
      const b = Buffer.alloc(Math.max(0, Math.min(n, size - pos)));
      if (b.length) readSync(fd, b, 0, b.length, pos);
      return b;
    };
    if (format === 'mf4') return unlessDamaged(() => mf4Origin(at, size));
    if (format === 'blf') return unlessDamaged(() => blfOrigin(at, size));
    if (format === 'pcapng') return unlessDamaged(() => pcapngOrigin(at));
    return readOrigin(at(0, TEXT_HEAD), format);
  } finally {
    closeSync(fd);
  }
}

/**
 * The origin a log file says, whatever its format (found as the readers find it) and gzip-compressed
 * or not (`.asc.gz`: the log inside, decompressed whole, as a binary log is read).
 */
export function readLogOrigin(path: string): RecordingOrigin | undefined {
  const fd = openSync(path, 'r');
  let head: Buffer;
  try {
    head = Buffer.alloc(Math.min(TEXT_HEAD, fstatSync(fd).size));
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (isGzip(head)) {
    const inner = gunzipHead(head);
    const format = detectFormat(innerName(path), inner.subarray(0, 4096));
    // A text log says it in its head; MF4 and BLF where their header points: the whole log.
    return readOrigin(
      format === 'mf4' || format === 'blf' ? gunzipAll(readFileSync(path), path) : inner,
      format,
    );
  }
  return readOriginFile(path, detectFormat(path, head.subarray(0, 4096)));
}

/**
 * Puts `bytes` in place of the file at `path` through a file beside it and a rename, so that a
 * failure half-way leaves the original whole.
 */
async function replaceFile(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.origin-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Marks a log file Atelier wrote (`openLogWriter`, finalised) with its origin, in place: a comment
 * line in a text header, an HD comment appended to an MF4, an APP_TEXT container after a BLF's
 * header. Returns false when the format has no place for it (CSV) or the file is empty of frames.
 */
export async function markOriginFile(
  path: string,
  format: LogFormat,
  origin: RecordingOrigin,
): Promise<boolean> {
  if (format === 'mf4') return markMf4(path, origin);
  if (format === 'blf') return markBlf(path, origin);
  if (format === 'pcapng') return markPcapng(path, origin);
  if (format === 'canhacker') return markCanHacker(path, origin);
  const line = originCommentLine(format, origin);
  if (!line) return false;
  const text = await readFile(path);
  let at = 0;
  for (let k = 0; k < (HEADER_LINES[format] ?? 0); k++) {
    const nl = text.indexOf(0x0a, at);
    if (nl < 0) return false;
    at = nl + 1;
  }
  await replaceFile(
    path,
    Buffer.concat([text.subarray(0, at), Buffer.from(line, 'utf8'), text.subarray(at)]),
  );
  return true;
}

/**
 * CANHacker: where the comment column starts (after `SS.mmm`, the id in 8 columns, the DLC and 8
 * data cells of 3), as CANHacker and Atelier's writer lay lines out.
 */
const CANHACKER_COMMENT_COLUMN = 42;

/** The mark in a CANHacker trace: in the comment column of a frame line (after the data). */
function canHackerOrigin(head: string): RecordingOrigin | undefined {
  for (const line of head.split('\n')) {
    // A frame line starts with its time; the mark is free text after the data cells.
    if (!/^\d/.test(line)) continue;
    const o = originFromText(line.slice(CANHACKER_COMMENT_COLUMN - 1));
    if (o) return o;
  }
  return undefined;
}

/** Writes the mark into the comment column of the first frame's line of a CANHacker trace. */
async function markCanHacker(path: string, origin: RecordingOrigin): Promise<boolean> {
  const text = await readFile(path, 'latin1');
  const start = text.indexOf('\n') + 1;
  if (start === 0 || start >= text.length) return false;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const cr = text[end - 1] === '\r' ? 1 : 0;
  const line = text.slice(start, end - cr).trimEnd();
  if (!/^\d/.test(line)) return false;
  const marked = `${line.padEnd(CANHACKER_COMMENT_COLUMN - 1)} ${originText(origin)}`;
  await replaceFile(
    path,
    Buffer.concat([
      Buffer.from(text.slice(0, start), 'latin1'),
      Buffer.from(marked, 'utf8'),
      Buffer.from(text.slice(end - cr), 'latin1'),
    ]),
  );
  return true;
}

/**
 * A damaged header (a field that points past the end) says no origin: the origin is unknown, and
 * the log's reader reports the damage where it meets it, with its offset.
 */
function unlessDamaged(read: () => RecordingOrigin | undefined): RecordingOrigin | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** Bytes of a log at a position (fewer at its end). */
type ReadAt = (at: number, n: number) => Buffer;

const slice = (b: Uint8Array, at: number, n: number) =>
  Buffer.from(b.buffer, b.byteOffset + Math.min(at, b.length), Math.max(0, Math.min(n, b.length - at)));

/** MDF4: the HD block sits at 64; its sixth link is `md_comment`. */
const HD_AT = 64;
const HD_COMMENT_LINK = HD_AT + 24 + 5 * 8;

function mdText(block: Buffer): string | undefined {
  const id = block.subarray(0, 4).toString('latin1');
  if (id !== '##MD' && id !== '##TX') return undefined;
  const links = Number(block.readBigUInt64LE(16));
  const text = block.subarray(24 + 8 * links).toString('utf8');
  const nul = text.indexOf('\0');
  return nul >= 0 ? text.slice(0, nul) : text;
}

/** Where the HD block's comment is, if it has one. */
function mf4CommentFrom(head: Buffer): { at: number } | undefined {
  if (head.length < HD_COMMENT_LINK + 8 || head.subarray(HD_AT, HD_AT + 4).toString('latin1') !== '##HD')
    return undefined;
  const at = Number(head.readBigUInt64LE(HD_COMMENT_LINK));
  return at > 0 ? { at } : undefined;
}

const MAX_COMMENT = 1 << 20;

function mf4Origin(read: ReadAt, size: number): RecordingOrigin | undefined {
  const c = mf4CommentFrom(read(0, HD_COMMENT_LINK + 8));
  if (!c || c.at + 24 > size) return undefined;
  const length = Number(read(c.at, 24).readBigUInt64LE(8));
  if (length < 24 || length > MAX_COMMENT) return undefined;
  const text = mdText(read(c.at, length));
  return text === undefined ? undefined : originFromText(text);
}

/** Appends an `<HDcomment>` MD block (8-byte aligned) and points the HD block at it. */
async function markMf4(path: string, origin: RecordingOrigin): Promise<boolean> {
  const fh = await open(path, 'r+');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(HD_COMMENT_LINK + 8);
    await fh.read(head, 0, head.length, 0);
    if (
      head.subarray(0, 8).toString('latin1') !== 'MDF     ' ||
      head.subarray(HD_AT, HD_AT + 4).toString('latin1') !== '##HD'
    )
      return false;
    const xml = `<HDcomment><TX>${escapeXml(originText(origin))}</TX><common_properties><e name="origin">atelier-simulator</e>${
      origin.scenario ? `<e name="scenario">${escapeXml(origin.scenario)}</e>` : ''
    }</common_properties></HDcomment>\0`;
    const body = Buffer.from(xml, 'utf8');
    const length = 24 + body.length;
    const block = Buffer.alloc(length + ((8 - (length % 8)) % 8));
    block.write('##MD', 0, 'latin1');
    block.writeBigUInt64LE(BigInt(length), 8);
    block.writeBigUInt64LE(0n, 16);
    body.copy(block, 24);
    const at = size + ((8 - (size % 8)) % 8);
    await fh.write(Buffer.concat([Buffer.alloc(at - size), block]), 0, at - size + block.length, size);
    const link = Buffer.alloc(8);
    link.writeBigUInt64LE(BigInt(at));
    await fh.write(link, 0, 8, HD_COMMENT_LINK);
    return true;
  } finally {
    await fh.close();
  }
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** BLF: `LOBJ` objects after the file header; LOG_CONTAINER 10 holds others, APP_TEXT is 65. */
const LOBJ = 0x4a424f4c;
const LOG_CONTAINER = 10;
const APP_TEXT = 65;

function appTexts(data: Buffer): string[] {
  const out: string[] = [];
  let p = 0;
  while (p + 16 <= data.length && data.readUInt32LE(p) === LOBJ) {
    const headerSize = data.readUInt16LE(p + 4);
    const size = data.readUInt32LE(p + 8);
    const type = data.readUInt32LE(p + 12);
    if (size < 16 || p + size > data.length) break;
    if (type === APP_TEXT && headerSize + 16 <= size) {
      const q = p + headerSize;
      const n = data.readUInt32LE(q + 8);
      out.push(data.subarray(q + 16, Math.min(q + 16 + n, p + size)).toString('utf8'));
    }
    p += size + (size % 4);
  }
  return out;
}

function firstContainerTexts(container: Buffer): string[] {
  if (
    container.length < 32 ||
    container.readUInt32LE(0) !== LOBJ ||
    container.readUInt32LE(12) !== LOG_CONTAINER
  )
    return [];
  const headerSize = container.readUInt16LE(4);
  const method = container.readUInt16LE(headerSize);
  const data = container.subarray(headerSize + 16);
  try {
    return appTexts(method === 0 ? data : method === 2 ? inflateSync(data) : Buffer.alloc(0));
  } catch {
    return [];
  }
}

function blfOrigin(read: ReadAt, size: number): RecordingOrigin | undefined {
  const head = read(0, 16);
  if (head.length < 8 || head.subarray(0, 4).toString('latin1') !== 'LOGG') return undefined;
  const at = head.readUInt32LE(4);
  if (at + 16 > size) return undefined;
  const objectSize = read(at, 16).readUInt32LE(8);
  if (objectSize > MAX_COMMENT * 4) return undefined;
  for (const t of firstContainerTexts(read(at, objectSize))) {
    const o = originFromText(t);
    if (o) return o;
  }
  return undefined;
}

/**
 * A BLF object: the 16-byte base header (`LOBJ`, header size, header version 1, object size, type),
 * then `rest` (the remainder of its header and its body), padded as BLF pads (size mod 4 bytes).
 */
function blfObject(type: number, headerSize: number, rest: Buffer): Buffer {
  const size = 16 + rest.length;
  const out = Buffer.alloc(size + (size % 4));
  out.writeUInt32LE(LOBJ, 0);
  out.writeUInt16LE(headerSize, 4);
  out.writeUInt16LE(1, 6);
  out.writeUInt32LE(size, 8);
  out.writeUInt32LE(type, 12);
  rest.copy(out, 16);
  return out;
}

/**
 * Puts an uncompressed LOG_CONTAINER holding one APP_TEXT (source 0: measurement comment) right
 * after the file header, and counts it in the header's totals (file size, uncompressed size,
 * objects). Readers that skip objects they do not know (python-can, Atelier) read the same frames.
 */
async function markBlf(path: string, origin: RecordingOrigin): Promise<boolean> {
  const file = await readFile(path);
  if (file.length < 48 || file.readUInt32LE(0) !== 0x47474f4c) return false;
  const headerSize = file.readUInt32LE(4);
  const text = Buffer.from(originText(origin), 'utf8');
  // APP_TEXT: a version 1 object header (flags 2: 1 ns time stamps; time 0, the start of
  // measurement), then source 0 (measurement comment), reserved, the text's length, reserved, text.
  const appText = Buffer.alloc(32 + text.length);
  appText.writeUInt32LE(2, 0);
  appText.writeUInt32LE(text.length, 24);
  text.copy(appText, 32);
  const obj = blfObject(APP_TEXT, 32, appText);
  // The container: method 0 (not compressed), reserved, the uncompressed size, reserved.
  const head = Buffer.alloc(16);
  head.writeUInt32LE(obj.length, 8);
  const container = blfObject(LOG_CONTAINER, 16, Buffer.concat([head, obj]));
  const out = Buffer.concat([file.subarray(0, headerSize), container, file.subarray(headerSize)]);
  out.writeBigUInt64LE(BigInt(out.length), 16);
  out.writeBigUInt64LE(file.readBigUInt64LE(24) + BigInt(container.length), 24);
  out.writeUInt32LE(file.readUInt32LE(32) + 1, 32);
  await replaceFile(path, out);
  return true;
}

/**
 * pcapng: the first block is the section header (SHB): type 0x0A0D0D0A, length, the byte-order
 * magic 0x1A2B3C4D (in the section's byte order), version, section length, then options (code,
 * length, value padded to 4; opt_comment is code 1, opt_endofopt 0) and the length again.
 */
const SHB_TYPE = 0x0a0d0d0a;
const SHB_FIXED = 24;
const OPT_COMMENT = 1;

/** The first section header block's byte order, length and options, or undefined. */
function sectionHeader(head: Buffer): { le: boolean; length: number } | undefined {
  if (head.length < SHB_FIXED + 4 || head.readUInt32BE(0) !== SHB_TYPE) return undefined;
  const le = head.readUInt32LE(8) === 0x1a2b3c4d;
  if (!le && head.readUInt32BE(8) !== 0x1a2b3c4d) return undefined;
  const length = le ? head.readUInt32LE(4) : head.readUInt32BE(4);
  if (length < SHB_FIXED + 4 || length % 4 !== 0) return undefined;
  return { le, length };
}

/** The comments of the first section header block. */
function sectionComments(shb: Buffer, le: boolean): string[] {
  const u16 = (at: number) => (le ? shb.readUInt16LE(at) : shb.readUInt16BE(at));
  const out: string[] = [];
  for (let q = SHB_FIXED; q + 4 <= shb.length - 4; ) {
    const code = u16(q);
    const n = u16(q + 2);
    if (code === 0 || q + 4 + n > shb.length - 4) break;
    if (code === OPT_COMMENT) out.push(shb.toString('utf8', q + 4, q + 4 + n));
    q += 4 + ((n + 3) & ~3);
  }
  return out;
}

function pcapngOrigin(read: ReadAt): RecordingOrigin | undefined {
  const shb = sectionHeader(read(0, SHB_FIXED + 4));
  if (!shb || shb.length > MAX_COMMENT * 4) return undefined;
  for (const t of sectionComments(read(0, shb.length), shb.le)) {
    const o = originFromText(t);
    if (o) return o;
  }
  return undefined;
}

/**
 * Adds an `opt_comment` to the first section header block (before its end-of-options), the file
 * rewritten: the block grows, the section length (bytes after the block) does not change.
 */
async function markPcapng(path: string, origin: RecordingOrigin): Promise<boolean> {
  const file = await readFile(path);
  const shb = sectionHeader(file);
  if (!shb || shb.length > file.length) return false;
  const { le, length } = shb;
  // The options that are there, up to (not including) opt_endofopt.
  let q = SHB_FIXED;
  while (q + 4 <= length - 4) {
    const code = le ? file.readUInt16LE(q) : file.readUInt16BE(q);
    const n = le ? file.readUInt16LE(q + 2) : file.readUInt16BE(q + 2);
    if (code === 0 || q + 4 + n > length - 4) break;
    q += 4 + ((n + 3) & ~3);
  }
  const text = Buffer.from(originText(origin), 'utf8');
  const comment = Buffer.alloc(4 + ((text.length + 3) & ~3) + 4);
  const put16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  put16(comment, OPT_COMMENT, 0);
  put16(comment, text.length, 2);
  text.copy(comment, 4);
  // opt_endofopt: the last four bytes, zeros.
  const newLength = q + comment.length + 4;
  const head = Buffer.from(file.subarray(0, q));
  const tail = Buffer.alloc(4);
  for (const [b, at] of [
    [head, 4],
    [tail, 0],
  ] as const) {
    if (le) b.writeUInt32LE(newLength, at);
    else b.writeUInt32BE(newLength, at);
  }
  const out = Buffer.concat([head, comment, tail, file.subarray(length)]);
  await replaceFile(path, out);
  return true;
}
