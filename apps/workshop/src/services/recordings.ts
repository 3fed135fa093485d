/**
 * Training recordings: what an instructor uploads (a CAN log or an ELM327 transcript), checked
 * fully before anything is stored, their replay data and the DBC signals plotted over a replay.
 */

import { gunzipSync } from 'node:zlib';
import {
  candumpLine,
  collectStats,
  DbcDecoder,
  decodeLog,
  decodeText,
  detectFormat,
  type Frame,
  innerName,
  isGzip,
  type LogFormat,
  LogParseError,
  logMagic,
  originCommentLine,
  parseDbc,
  parseErrorMessage,
  type RecordingOrigin,
  readLogText,
  readOrigin,
  reason,
  sayZlibError,
  TextEncodingError,
} from '@atelier/can';
import { speaksLang } from '@atelier/command';
import { responderFromTranscript, Transcript } from '@atelier/elm327';
import { type BatteryReport, batteryReadsIn, batteryReportFromFrames } from '@atelier/ev';
import { exchangesFromFrames, functionalAddressOf, hexBytes } from '@atelier/obd';
import type { Text } from '../i18n.js';
import type { Db } from '../store/store.js';
import { DomainError, NotFoundError, ValidationError } from './errors.js';
import type { User } from './users.js';

/** Largest recording accepted, bytes: a few minutes of a busy bus as candump text. */
export const MAX_RECORDING_BYTES = 4 * 1024 * 1024;

/** An upload refused before anything was stored; `status` 413 for oversize, else 400. */
export class UploadRefused extends DomainError {
  override name = 'UploadRefused';
  override readonly status: number;
  constructor(text: Text, status = 400) {
    super(text, 'file');
    this.status = status;
  }
}

export interface CheckedRecording {
  name: string;
  kind: 'can' | 'elm327';
  format: string;
  size: number;
  text: string;
  summary: object;
}

/**
 * Characters a file name must not hold: control characters (C0, DEL, C1), format characters — the
 * bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make `gpj.exe` look like
 * `exe.jpg`, marks (U+200E, U+200F, U+061C), zero-width characters, the BOM — and line or paragraph
 * separators (and lone surrogates).
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const hasForbidden = (s: string) => FORBIDDEN.test(s);
const showForbidden = (s: string) =>
  [...s]
    .map((c) =>
      FORBIDDEN.test(c) ? `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>` : c,
    )
    .join('');

/**
 * Refuses names that try to be paths (`../x`, `/etc/x`, `a\b`), hidden or device-like names, and
 * control, bidirectional or other invisible format characters. The name is only ever a label —
 * never a path on disk — but a name that tries is a sign of a forged request and is refused, not
 * quietly cleaned; the refusal shows each such character as `<U+202E>`.
 */
export function checkRecordingName(name: string): string {
  const n = name.normalize('NFC');
  if (!n || n.length > 120)
    throw new UploadRefused({
      fr: 'nom de fichier vide ou trop long (120 caractères au plus)',
      en: 'file name empty or too long (120 characters at most)',
    });
  if (/[/\\]/.test(n) || n.includes('..') || n.startsWith('.') || hasForbidden(n) || /^[A-Za-z]:/.test(n))
    throw new UploadRefused({
      fr: `nom de fichier refusé « ${showForbidden(n)} » : pas de chemin (/, \\, ..), pas de nom caché ni de caractère de contrôle ou de sens d’écriture`,
      en: `file name refused '${showForbidden(n)}': no path (/, \\, ..), no hidden name, no control or text-direction character`,
    });
  return n;
}

/** Checks an uploaded recording fully (every line parsed) and summarises it. */
export async function checkRecording(name: string, gzipped: Uint8Array): Promise<CheckedRecording> {
  let label = checkRecordingName(name);
  let bytes = gzipped;
  if (isGzip(bytes)) {
    // A gzip-compressed log (`trace.asc.gz`): the log inside is what is checked and kept, under the
    // same size limit once decompressed.
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_RECORDING_BYTES + 1 });
    } catch (err) {
      const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new UploadRefused(
        tooBig
          ? {
              fr: `fichier trop volumineux une fois décompressé (limite ${MAX_RECORDING_BYTES / 1024} Kio)`,
              en: `file too large once decompressed (limit ${MAX_RECORDING_BYTES / 1024} KiB)`,
            }
          : {
              fr: `fichier gzip illisible : ${sayZlibError(err as NodeJS.ErrnoException, 'fr')}`,
              en: `unreadable gzip file: ${(err as Error).message}`,
            },
        tooBig ? 413 : 400,
      );
    }
    label = innerName(label);
  }
  const checked = await checkLog(label, bytes);
  // Kept under the name of the log inside, with the file as it was uploaded named beside it.
  return label === name
    ? checked
    : { ...checked, summary: { ...checked.summary, compressed: { name, size: gzipped.length } } };
}

/** Checks a (decompressed) log fully, every line parsed, and summarises it. */
async function checkLog(label: string, raw: Uint8Array): Promise<CheckedRecording> {
  let bytes = raw;
  if (bytes.length > MAX_RECORDING_BYTES)
    throw new UploadRefused(
      {
        fr: `fichier trop volumineux : ${Math.ceil(bytes.length / 1024)} Kio (limite ${MAX_RECORDING_BYTES / 1024} Kio)`,
        en: `file too large: ${Math.ceil(bytes.length / 1024)} KiB (limit ${MAX_RECORDING_BYTES / 1024} KiB)`,
      },
      413,
    );
  if (bytes.length === 0) throw new UploadRefused({ fr: 'fichier vide', en: 'empty file' });
  const binary = logMagic(bytes.subarray(0, 8));
  if (binary) return checkBinaryRecording(label, binary, bytes);
  let text: string;
  try {
    // UTF-8, UTF-16 with its BOM, or Windows-1252: a Vector or PEAK log saved on a French or German
    // Windows carries its comments ("Prüfstand", "Démarré") as single bytes that are not UTF-8.
    const decoded = decodeText(bytes);
    text = decoded.text;
    // The log readers read bytes as UTF-8 or single-byte text; UTF-16 is read from its text.
    if (decoded.encoding.startsWith('utf-16')) bytes = Buffer.from(text, 'utf8');
  } catch (err) {
    if (!(err instanceof TextEncodingError)) throw err;
    const nul = bytes[err.offset] === 0;
    throw new UploadRefused({
      fr: `contenu binaire (${nul ? 'octet nul' : `octet 0x${bytes[err.offset]?.toString(16).padStart(2, '0')}`} à la position ${err.offset}) : un journal CAN ou un transcript ELM327 est un fichier texte`,
      en: `binary content (${nul ? 'NUL byte' : `byte 0x${bytes[err.offset]?.toString(16).padStart(2, '0')}`} at offset ${err.offset}): a CAN log or an ELM327 transcript is a text file`,
    });
  }
  // An ELM327 transcript (the elm327 package's format): `<ms>\t<tx|rx|note>\t"<json>"` lines.
  const firstLine = text.split('\n').find((l) => l.trim() && !l.startsWith('#')) ?? '';
  if (/^\d+(\.\d+)?\t(tx|rx|note)\t"/.test(firstLine)) {
    try {
      const entries = Transcript.parse(text, label);
      const requests = entries.filter((e) => e.dir === 'tx').length;
      // Building the responder proves the transcript holds answered diagnostic requests.
      responderFromTranscript(entries, label);
      // A transcript's `#` lines are comments: a simulated session's download carries its mark there.
      const origin = readOrigin(bytes, 'candump');
      return {
        name: label,
        kind: 'elm327',
        format: 'elm327-transcript',
        size: raw.length,
        text,
        summary: { entries: entries.length, requests, ...(origin ? { origin } : {}) },
      };
    } catch (err) {
      // A bad line, or a transcript with no answered request, says where and why in the page's
      // language.
      const say = (lang: 'fr' | 'en') => (speaksLang(err) ? err.messageIn(lang) : (err as Error).message);
      throw new UploadRefused({
        fr: `transcript ELM327 illisible : ${say('fr')}`,
        en: `unreadable ELM327 transcript: ${say('en')}`,
      });
    }
  }
  let format: string;
  try {
    format = detectFormat(label, bytes.subarray(0, 4096));
  } catch (err) {
    throw new UploadRefused({
      fr: `format non reconnu (${parseErrorMessage(err, 'fr')}) : attendu candump, ASC, TRC PEAK, trace CANHacker, CSV SavvyCAN ou transcript ELM327`,
      en: `unknown format (${parseErrorMessage(err, 'en')}): expected candump, ASC, PEAK TRC, CANHacker trace, SavvyCAN CSV or an ELM327 transcript`,
    });
  }
  try {
    const frames: Frame[] = [];
    for await (const f of readLogText(bytes, label)) frames.push(f);
    if (!frames.length) throw new LogParseError(label, 1, reason('no-frame'));
    return await canRecording(
      label,
      format,
      raw.length,
      text,
      frames,
      readOrigin(bytes, format as LogFormat),
    );
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new UploadRefused({
      fr: `journal ${format} invalide : ${parseErrorMessage(err, 'fr')}`,
      en: `invalid ${format} log: ${parseErrorMessage(err, 'en')}`,
    });
  }
}

/**
 * An MF4 or BLF upload: read whole (a bad file is refused naming the offset) and kept as candump
 * `-l` text, which holds everything a replay and the recorded responder use (time, channel,
 * direction, id, data, FD/remote/error flags). The store keeps one text column for every recording,
 * portable to any SQL store; the original format is kept in `format`.
 */
async function checkBinaryRecording(
  label: string,
  format: string,
  bytes: Uint8Array,
): Promise<CheckedRecording> {
  try {
    const frames: Frame[] = [];
    for await (const f of readLogText(bytes, label, { format: format as LogFormat })) frames.push(f);
    if (!frames.length) throw new LogParseError(label, 1, reason('no-frame'));
    // The mark the file carried stays in the stored text (a candump comment).
    const origin = readOrigin(bytes, format as LogFormat);
    let text = origin ? originCommentLine('candump', origin)! : '';
    for (const f of frames) text += `${candumpLine(f)}\n`;
    return await canRecording(label, format, bytes.length, text, frames, origin);
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new UploadRefused({
      fr: `fichier ${format.toUpperCase()} invalide : ${parseErrorMessage(err, 'fr')}`,
      en: `invalid ${format.toUpperCase()} file: ${parseErrorMessage(err, 'en')}`,
    });
  }
}

/** A CAN recording read whole: analysed, and refused when it can answer nothing (`answerable`). */
async function canRecording(
  name: string,
  format: string,
  size: number,
  text: string,
  frames: Frame[],
  origin: RecordingOrigin | undefined,
): Promise<CheckedRecording> {
  const analysis = answerable(await analyse(frames));
  return { name, kind: 'can', format, size, text, summary: origin ? { ...analysis, origin } : analysis };
}

/** The binary formats an upload takes (MF4, BLF, pcap, pcapng): stored as candump text. */
const BINARY_FORMATS = ['mf4', 'blf', 'pcap', 'pcapng'];

/** The name a stored CAN recording's text is read under: binary uploads are stored as candump. */
export const storedLogName = (r: { name: string; format: string }): string =>
  BINARY_FORMATS.includes(r.format) ? `${r.name}.log` : r.name;

/** What a recording can answer: shown at upload, and deciding the kind of scenario it makes. */
export interface RecordingAnalysis {
  frames: number;
  ids: number;
  duration: number;
  /** Diagnostic requests answered, per ECU (request id → response id), with the requests (hex). */
  ecus: { request: string; response: string; requests: string[]; answered: number }[];
  /** OBD-II: the services and mode 01 PIDs answered. */
  obd: { services: string[]; pids: string[] };
  /** A traction-battery read Atelier has a definition for. */
  battery?: { vehicle: string; reads: number; requests: string[] };
  /** Identifiers that carried no diagnostic traffic (broadcast signals to replay and plot). */
  broadcastIds: number;
  /** Of those, the ones whose data changes: a signal to plot (a constant frame plots a flat line). */
  broadcastSignals?: number;
  /**
   * Where the recording comes from, when the file says it (Atelier's simulator marks its logs);
   * absent: unknown — never taken for a real vehicle.
   */
  origin?: RecordingOrigin;
  /** Uploaded gzip-compressed (`trace.asc.gz`): the file's name and size as uploaded. */
  compressed?: { name: string; size: number };
}

/** Fewest frames a recording without diagnostic traffic needs to be replayed or plotted. */
export const MIN_RECORDING_FRAMES = 20;

/**
 * The analysis, when the recording can answer something an apprentice could ask: a diagnostic
 * request the car answered, or a broadcast signal that moves over enough frames to replay and plot.
 * Otherwise the upload is refused, saying what it lacks.
 */
export function answerable(a: RecordingAnalysis): RecordingAnalysis {
  if (a.ecus.length) return a;
  if (a.frames < MIN_RECORDING_FRAMES)
    throw new UploadRefused({
      fr: `enregistrement inutilisable : trop peu de trames (${a.frames}, il en faut au moins ${MIN_RECORDING_FRAMES} pour rejouer ou tracer) et aucun échange de diagnostic`,
      en: `unusable recording: too few frames (${a.frames}, at least ${MIN_RECORDING_FRAMES} to replay or plot) and no diagnostic exchange`,
    });
  if (!a.broadcastSignals)
    throw new UploadRefused({
      fr: `enregistrement inutilisable : aucun échange de diagnostic (aucune requête suivie d'une réponse positive) et aucun signal diffusé qui varie (${a.broadcastIds} identifiant(s), données constantes) : rien à lire, à rejouer ni à tracer`,
      en: `unusable recording: no diagnostic exchange (no request followed by a positive answer) and no broadcast signal that changes (${a.broadcastIds} identifier(s), constant data): nothing to read, replay or plot`,
    });
  return a;
}

const idHex = (id: number, extended: boolean) =>
  id
    .toString(16)
    .toUpperCase()
    .padStart(extended ? 8 : 3, '0');

/** Analyses a CAN recording: its diagnostic exchanges (@atelier/obd's pairing), battery reads, broadcast ids. */
export async function analyse(frames: Frame[]): Promise<RecordingAnalysis> {
  const stats = await collectStats(frames);
  const { exchanges, broadcast } = exchangesFromFrames(frames);
  const ecus = new Map<string, RecordingAnalysis['ecus'][number]>();
  const services = new Set<string>();
  const pids = new Set<string>();
  for (const ex of exchanges) {
    for (const r of ex.responses) {
      if (r.data[0] === 0x7f) continue;
      const request = idHex(
        ex.target.kind === 'functional' ? functionalAddressOf(ex.extended) : ex.target.address,
        ex.extended,
      );
      const k = `${request}>${r.ecu}`;
      const e = ecus.get(k) ?? { request, response: idHex(r.ecu, ex.extended), requests: [], answered: 0 };
      const req = hexBytes(ex.request);
      if (!e.requests.includes(req) && e.requests.length < 40) e.requests.push(req);
      e.answered++;
      ecus.set(k, e);
      if (ex.request[0] >= 0x01 && ex.request[0] <= 0x0a) {
        services.add(hexBytes([ex.request[0]]));
        if (ex.request[0] === 0x01) for (const p of ex.request.subarray(1)) pids.add(hexBytes([p]));
      }
    }
  }
  const battery = batteryReadsIn(exchanges);
  const payloads = new Map<string, Set<string>>();
  for (const f of broadcast) {
    const k = idHex(f.id, f.extended);
    const seen = payloads.get(k) ?? new Set<string>();
    if (seen.size < 2) seen.add(hexBytes(f.data));
    payloads.set(k, seen);
  }
  const broadcastIds = payloads.size;
  const broadcastSignals = [...payloads.values()].filter((p) => p.size > 1).length;
  return {
    frames: stats.frames,
    ids: stats.ids.length,
    duration: stats.duration,
    ecus: [...ecus.values()],
    obd: { services: [...services].sort(), pids: [...pids].sort() },
    ...(battery
      ? { battery: { vehicle: battery.definition.id, reads: battery.reads, requests: battery.requests } }
      : {}),
    broadcastIds,
    broadcastSignals,
  };
}

export interface RecordingRow {
  id: number;
  name: string;
  kind: 'can' | 'elm327';
  format: string;
  size: number;
  summary: string;
  uploaded_at: number;
}

export async function saveRecording(
  db: Db,
  r: CheckedRecording,
  user: User,
  now: number,
): Promise<RecordingRow> {
  return (await db.get<RecordingRow>(
    'INSERT INTO recordings (site_id, name, kind, format, size, content, summary, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, name, kind, format, size, summary, uploaded_at',
    [user.site_id, r.name, r.kind, r.format, r.size, r.text, JSON.stringify(r.summary), user.id, now],
  ))!;
}

export async function listRecordings(db: Db, site: number): Promise<RecordingRow[]> {
  return db.all<RecordingRow>(
    'SELECT id, name, kind, format, size, summary, uploaded_at FROM recordings WHERE site_id = ? ORDER BY id DESC',
    [site],
  );
}

/** A recording of `site`: another site's is not found. */
export async function recordingContent(
  db: Db,
  site: number,
  id: number,
): Promise<RecordingRow & { content: string }> {
  const r = await db.get<RecordingRow & { content: string }>(
    'SELECT * FROM recordings WHERE id = ? AND site_id = ?',
    [id, site],
  );
  if (!r) throw new NotFoundError({ fr: 'Enregistrement', en: 'Recording' }, id);
  return r;
}

/** Frames and per-id statistics of a CAN recording, for the replay page (first `limit` frames). */
export async function replayData(db: Db, site: number, id: number, limit = 5000) {
  const r = await recordingContent(db, site, id);
  if (r.kind !== 'can')
    throw new ValidationError({
      fr: 'seul un journal CAN se rejoue trame par trame',
      en: 'only a CAN log replays frame by frame',
    });
  const frames: Frame[] = [];
  for await (const f of readLogText(r.content, storedLogName(r))) frames.push(f);
  const stats = await collectStats(frames);
  const t0 = frames[0]?.timestamp ?? 0;
  return {
    name: r.name,
    stats,
    frames: frames.slice(0, limit).map((f) => ({
      t: Math.round((f.timestamp - t0) * 1e6) / 1e6,
      id: f.id
        .toString(16)
        .toUpperCase()
        .padStart(f.extended ? 8 : 3, '0'),
      data: Buffer.from(f.data).toString('hex').toUpperCase(),
    })),
    truncated: frames.length > limit,
  };
}

// ——— DBC signals of a replay ———

export interface DbcSeries {
  file: string;
  decoded: number;
  /** `Message.Signal` → [seconds from the first frame, value] points. */
  series: Record<string, [number, number][]>;
}

/** Signals plotted at most, and points per signal: enough to read a replay, small enough for a page. */
const MAX_SIGNALS = 8;
const MAX_POINTS = 5000;

/** Decodes a CAN recording with a DBC given as an upload; a bad DBC is refused naming its line. */
export async function dbcSeries(
  db: Db,
  site: number,
  recordingId: number,
  name: string,
  bytes: Uint8Array,
): Promise<DbcSeries> {
  const file = checkRecordingName(name);
  if (bytes.indexOf(0) >= 0)
    throw new UploadRefused({
      fr: 'contenu binaire : un DBC est un fichier texte',
      en: 'binary content: a DBC is a text file',
    });
  let dbc: ReturnType<typeof parseDbc>;
  try {
    dbc = parseDbc(Buffer.from(bytes).toString('utf8'), file);
  } catch (err) {
    throw new UploadRefused({
      fr: `DBC illisible : ${parseErrorMessage(err, 'fr')}`,
      en: `unreadable DBC: ${parseErrorMessage(err, 'en')}`,
    });
  }
  if (!dbc.messages.length)
    throw new UploadRefused({ fr: 'ce DBC ne décrit aucun message', en: 'this DBC describes no message' });
  const r = await recordingContent(db, site, recordingId);
  if (r.kind !== 'can')
    throw new ValidationError({
      fr: 'seul un journal CAN se décode avec un DBC',
      en: 'only a CAN log decodes with a DBC',
    });
  const decoder = new DbcDecoder(dbc);
  const series: Record<string, [number, number][]> = {};
  let decoded = 0;
  let t0: number | undefined;
  async function* frames() {
    for await (const f of readLogText(r.content, storedLogName(r))) {
      t0 ??= f.timestamp;
      yield f;
    }
  }
  // @atelier/can's one decoding: a DBC message describing a diagnostic payload (CSS's tp_uds Leaf
  // file) is applied to the ISO-TP messages reassembled on its id, never to the raw frames.
  for await (const d of decodeLog(frames(), decoder)) {
    decoded++;
    const f = d;
    for (const [sig, value] of Object.entries(d.signals)) {
      if (typeof value !== 'number') continue;
      const key = `${d.name}.${sig}`;
      let points = series[key];
      if (!points) {
        if (Object.keys(series).length >= MAX_SIGNALS) continue;
        points = series[key] = [];
      }
      if (points.length < MAX_POINTS) points.push([Math.round((f.timestamp - (t0 ?? 0)) * 1e6) / 1e6, value]);
    }
  }
  return { file, decoded, series };
}

/** The traction-battery report of a CAN recording (@atelier/ev); refused when it holds no battery read. */
export async function recordingBatteryReport(db: Db, site: number, id: number): Promise<BatteryReport> {
  const r = await recordingContent(db, site, id);
  if (r.kind !== 'can')
    throw new ValidationError({
      fr: 'seul un journal CAN donne un rapport batterie',
      en: 'only a CAN log gives a battery report',
    });
  const frames: Frame[] = [];
  for await (const f of readLogText(r.content, storedLogName(r))) frames.push(f);
  // The origin the file said at upload (its mark), kept in the analysis.
  const origin = (JSON.parse(r.summary || '{}') as Partial<RecordingAnalysis>).origin;
  try {
    return batteryReportFromFrames(frames, { name: r.name, origin });
  } catch (err) {
    if (err instanceof Error && err.name === 'NoBatteryDataError')
      throw new ValidationError((err as Error & { text: Text }).text);
    throw err;
  }
}
