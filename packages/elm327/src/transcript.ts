import { Duplex } from 'node:stream';
import { type Clock, systemClock } from '@atelier/clock';
import {
  sayTranscriptReason,
  type TranscriptLang,
  type TranscriptReason,
  transcriptReason,
} from './transcript-reasons.js';

/**
 * The whole adapter dialogue, byte for byte, with the time each chunk crossed the line. Written as
 * text, one entry a line: `<ms since start>\t<tx|rx|note>\t<JSON string>`, so that it diffs well,
 * survives any bytes, and can be replayed against the client.
 */
export interface TranscriptEntry {
  /** Milliseconds since the transcript started. */
  t: number;
  dir: 'tx' | 'rx' | 'note';
  data: string;
}

/**
 * A transcript that cannot be read or replayed: names the source and the line when known. `detail`
 * is the reason as a code with its values; `message` is in English as it always was, `messageIn`
 * says it in the reader's language.
 */
export class TranscriptError extends Error {
  override name = 'TranscriptError';
  constructor(
    readonly source: string,
    readonly detail: TranscriptReason,
    readonly line?: number,
  ) {
    super(`${source}${line ? `:${line}` : ''}: ${sayTranscriptReason(detail, 'en')}`);
  }

  /** The message in `lang`: the place spelled out, then the reason. */
  messageIn(lang: TranscriptLang): string {
    if (lang === 'en') return this.message;
    return `${this.source}${this.line ? `, ligne ${this.line}` : ''} : ${sayTranscriptReason(this.detail, lang)}`;
  }
}

export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private readonly start: number;

  constructor(
    private readonly clock: Clock = systemClock,
    /** Called with each entry as it is recorded (to stream it to a file). */
    private readonly sink?: (entry: TranscriptEntry, line: string) => void,
  ) {
    this.start = clock.now();
  }

  record(dir: TranscriptEntry['dir'], data: string): void {
    const entry = { t: Math.round((this.clock.now() - this.start) * 1000) / 1000, dir, data };
    const last = this.entries[this.entries.length - 1];
    // Consecutive chunks in one direction at the same instant are one event on the line.
    if (last && last.dir === dir && last.t === entry.t && dir !== 'note') last.data += data;
    else this.entries.push(entry);
    this.sink?.(entry, formatEntry(entry));
  }

  toString(): string {
    return this.entries.map(formatEntry).join('\n') + (this.entries.length ? '\n' : '');
  }

  static parse(text: string, source = 'transcript'): TranscriptEntry[] {
    const out: TranscriptEntry[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const m = /^(\d+(?:\.\d+)?)\t(tx|rx|note)\t(".*")$/.exec(line);
      if (!m) throw new TranscriptError(source, transcriptReason('bad-line'), i + 1);
      let data: string;
      try {
        data = JSON.parse(m[3]!);
      } catch {
        throw new TranscriptError(source, transcriptReason('data-not-json'), i + 1);
      }
      out.push({ t: Number(m[1]), dir: m[2] as TranscriptEntry['dir'], data });
    });
    return out;
  }
}

export function formatEntry(e: TranscriptEntry): string {
  return `${e.t.toFixed(3)}\t${e.dir}\t${JSON.stringify(e.data)}`;
}

/**
 * Plays the adapter side of a transcript: each time the client has written what the transcript's
 * next `tx` entries hold, the following `rx` entries come back, keeping their recorded delays. A
 * client that writes something else gets an error event naming the entry, so a replay test fails
 * at the first divergence. Ends the stream (like an unplugged adapter) when the transcript ends,
 * unless `hold` is set.
 */
export function replayTranscript(
  entries: TranscriptEntry[],
  opts: { clock?: Clock; hold?: boolean; source?: string } = {},
): Duplex {
  const clock = opts.clock ?? systemClock;
  let i = 0;
  let written = '';
  const norm = (s: string) => s.replace(/[\s]/g, '').toUpperCase();
  const stream: Duplex = new Duplex({
    read() {},
    write(chunk, _enc, cb) {
      written += chunk.toString('latin1');
      advance();
      cb();
    },
  });
  const skipNotes = () => {
    while (entries[i]?.dir === 'note') i++;
  };
  function advance(): void {
    skipNotes();
    // Gather the tx entries due now and compare them with what was written.
    let want = '';
    let j = i;
    while (entries[j]?.dir === 'tx' || entries[j]?.dir === 'note') {
      if (entries[j]!.dir === 'tx') want += entries[j]!.data;
      j++;
    }
    if (want === '') return;
    if (!written.includes('\r') && want.includes('\r')) return;
    if (norm(written) !== norm(want)) {
      if (norm(want).startsWith(norm(written))) return;
      stream.emit(
        'error',
        new TranscriptError(
          opts.source ?? 'transcript',
          transcriptReason('replay-diverged', {
            entry: i + 1,
            want: JSON.stringify(want),
            wrote: JSON.stringify(written),
          }),
        ),
      );
      return;
    }
    written = '';
    const sentAt = entries[j - 1]!.t;
    i = j;
    playRx(sentAt);
  }
  function playRx(sentAt: number): void {
    skipNotes();
    const e = entries[i];
    if (!e) {
      if (!opts.hold) clock.setTimeout(() => stream.destroy(), 0);
      return;
    }
    if (e.dir !== 'rx') return;
    i++;
    clock.setTimeout(
      () => {
        if (!stream.destroyed) stream.push(Buffer.from(e.data, 'latin1'));
        playRx(e.t);
      },
      Math.max(0, e.t - sentAt),
    );
  }
  // Anything the adapter said before the first command (a banner) is played at once.
  playRx(0);
  return stream;
}
