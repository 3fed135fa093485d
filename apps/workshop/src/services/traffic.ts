/**
 * A session's raw traffic (the ELM327 dialogue as a transcript, or CAN frames as a candump log),
 * bounded and stored outside the session row: `diag_traffic` holds it in chunks of at most 64 KiB,
 * each with its byte count, appended as the runtime flushes; the chunk written when the session's
 * limit was reached carries that limit (`truncated_at`), and nothing more is recorded for the
 * session. Downloads stream the chunks one page at a time, never the whole text in memory.
 */
import type { Db } from '../store/store.js';

/** Largest chunk row: a flush bigger than this is split on line boundaries. */
export const TRAFFIC_CHUNK_BYTES = 64 * 1024;

export interface TrafficSummary {
  format: string;
  /** Bytes stored for the session. */
  bytes: number;
  /** The limit, in bytes, that cut the recording; 0 when it was not cut. */
  truncatedAt: number;
}

export async function trafficSummary(db: Db, sessionId: number): Promise<TrafficSummary> {
  const row = await db.get<{ format: string | null; bytes: number | null; truncated_at: number | null }>(
    `SELECT MIN(format) AS format, SUM(bytes) AS bytes, MAX(truncated_at) AS truncated_at
     FROM diag_traffic WHERE session_id = ?`,
    [sessionId],
  );
  return {
    format: row?.format ?? 'elm327-transcript',
    bytes: Number(row?.bytes ?? 0),
    truncatedAt: Number(row?.truncated_at ?? 0),
  };
}

/** Splits `text` into pieces of at most `max` bytes, on line ends when it can. */
function* pieces(text: string, max: number): Generator<string> {
  let start = 0;
  while (start < text.length) {
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, two units, is 4): max/3 units fit.
    let end = Math.min(text.length, start + Math.floor(max / 3));
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end - 1);
      if (nl >= start) end = nl + 1;
      // never between the two halves of a surrogate pair
      else if (/[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    }
    yield text.slice(start, end);
    start = end;
  }
}

/**
 * Appends what was recorded since the last flush; `truncatedAt` (the limit in bytes) marks the flush
 * at which the recording reached its limit, even when nothing more was kept.
 */
export async function appendTraffic(
  db: Db,
  sessionId: number,
  format: string,
  text: string,
  truncatedAt = 0,
): Promise<void> {
  const parts = [...pieces(text, TRAFFIC_CHUNK_BYTES)];
  if (!parts.length && truncatedAt) parts.push('');
  for (const [i, chunk] of parts.entries())
    await db.run(
      'INSERT INTO diag_traffic (session_id, format, chunk, bytes, truncated_at) VALUES (?, ?, ?, ?, ?)',
      [sessionId, format, chunk, Buffer.byteLength(chunk), i === parts.length - 1 ? truncatedAt : 0],
    );
}

/** The stored chunks in order, a page of rows at a time (for a streamed download). */
export async function* trafficChunks(db: Db, sessionId: number, pageRows = 16): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const rows = await db.all<{ id: number; chunk: string }>(
      'SELECT id, chunk FROM diag_traffic WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?',
      [sessionId, after, pageRows],
    );
    for (const r of rows) if (r.chunk) yield r.chunk;
    if (rows.length < pageRows) return;
    after = rows.at(-1)!.id;
  }
}

/** The whole traffic as one text (bounded by the session's limit): for exports and tests. */
export async function trafficOf(db: Db, sessionId: number): Promise<{ format: string; text: string }> {
  let text = '';
  for await (const chunk of trafficChunks(db, sessionId)) text += chunk;
  return { format: (await trafficSummary(db, sessionId)).format, text };
}

/**
 * What a connected session records, in memory until the next flush, up to what is left of the
 * session's limit. The write that reaches the limit keeps its whole lines that fit (a line is never
 * cut, so what is kept stays a readable transcript or log) and ends the recording. Memory is bounded
 * by the limit, whatever the adapter sends.
 */
export class TrafficRecorder {
  private buffer: string[] = [];
  private stored: number;
  private cutAt = 0;
  private cutFlushed = false;

  constructor(
    readonly limitBytes: number,
    alreadyStored = 0,
    alreadyTruncated = 0,
  ) {
    this.stored = alreadyStored;
    if (alreadyTruncated) {
      this.cutAt = alreadyTruncated;
      this.cutFlushed = true;
    }
  }

  /** Records a line (or lines), or drops it once the limit is reached. */
  write(text: string): void {
    if (this.cutAt) return;
    const bytes = Buffer.byteLength(text);
    if (this.stored + bytes > this.limitBytes) {
      this.cutAt = this.limitBytes;
      const kept = wholeLinesWithin(text, this.limitBytes - this.stored);
      if (kept) {
        this.stored += Buffer.byteLength(kept);
        this.buffer.push(kept);
      }
      return;
    }
    this.stored += bytes;
    this.buffer.push(text);
  }

  get truncated(): boolean {
    return this.cutAt > 0;
  }

  /** Bytes recorded so far for the session (stored and buffered). */
  get bytes(): number {
    return this.stored;
  }

  /** What to append now: the buffered text, and the limit if the recording was cut since the last take. */
  take(): { text: string; truncatedAt: number } {
    const text = this.buffer.join('');
    this.buffer = [];
    const truncatedAt = this.cutAt && !this.cutFlushed ? this.cutAt : 0;
    if (truncatedAt) this.cutFlushed = true;
    return { text, truncatedAt };
  }
}

/** The longest run of whole lines at the start of `text` that takes at most `maxBytes` in UTF-8. */
function wholeLinesWithin(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  // A UTF-16 unit takes at most 3 bytes: this prefix may fit, and anything longer is checked below.
  let prefix = text.slice(0, maxBytes);
  while (Buffer.byteLength(prefix) > maxBytes) prefix = prefix.slice(0, Math.floor(prefix.length * 0.9));
  const end = Math.max(prefix.lastIndexOf('\n'), prefix.lastIndexOf('\r'));
  return end < 0 ? '' : prefix.slice(0, end + 1);
}
