import type { Duplex } from 'node:stream';
import { type Clock, systemClock, type TimerHandle } from '@atelier/clock';
import { Transcript, type TranscriptEntry, TranscriptError } from './transcript.js';
import { transcriptReason } from './transcript-reasons.js';

/**
 * A recorded adapter as a fake adapter: a dialogue (the project's transcript format, with a few
 * `# key: value` header lines) served to a client by command rather than by position, so that a
 * dialogue written from another program's log answers this client's commands in the order it sends
 * them. What the adapter printed on its own (before any command) is played on connect; each command
 * the client writes gets the recorded answer of the next exchange holding that command, with the
 * recorded delays, whole or byte by byte.
 */

export interface DialogueReply {
  /** Delay after the command (or after connecting, for the greeting), ms. */
  dt: number;
  data: string;
}

export interface DialogueExchange {
  /** The command as the adapter reads it: no spaces, upper case, without its CR (`''` for a bare CR). */
  command: string;
  reply: DialogueReply[];
}

export interface Dialogue {
  source: string;
  /** The header lines: `source`, `adapter`, `protocol`, `quirks`, `expect`, `request` … (repeatable keys joined by newlines). */
  meta: Record<string, string>;
  /** What the adapter prints on connect, before any command. */
  greeting: DialogueReply[];
  exchanges: DialogueExchange[];
}

const normalise = (command: string) => command.replace(/[\s\r\n]+/g, '').toUpperCase();

/** Reads a dialogue file: header lines `# key: value`, then transcript entries. */
export function parseDialogue(text: string, source = 'dialogue'): Dialogue {
  const meta: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^#\s*([a-z][a-z-]*):\s?(.*)$/.exec(line);
    if (m) meta[m[1]!] = meta[m[1]!] !== undefined ? `${meta[m[1]!]}\n${m[2]!.trim()}` : m[2]!.trim();
  }
  return dialogueFromTranscript(Transcript.parse(text, source), source, meta);
}

/** The exchanges of a transcript: each `tx` with the `rx` entries that follow it. */
export function dialogueFromTranscript(
  entries: TranscriptEntry[],
  source = 'dialogue',
  meta: Record<string, string> = {},
): Dialogue {
  const greeting: DialogueReply[] = [];
  const exchanges: DialogueExchange[] = [];
  let current: { ex: DialogueExchange; t: number } | undefined;
  for (const e of entries) {
    if (e.dir === 'note') continue;
    if (e.dir === 'tx') {
      // One write may hold several commands (rare): each CR ends one.
      const parts = e.data.split('\r');
      if (parts.length < 2)
        throw new TranscriptError(
          source,
          transcriptReason('tx-without-cr', { data: JSON.stringify(e.data) }),
        );
      for (const part of parts.slice(0, -1)) {
        current = { ex: { command: normalise(part), reply: [] }, t: e.t };
        exchanges.push(current.ex);
      }
      continue;
    }
    if (current) current.ex.reply.push({ dt: Math.max(0, e.t - current.t), data: e.data });
    else greeting.push({ dt: e.t, data: e.data });
  }
  return { source, meta, greeting, exchanges };
}

export interface FakeAdapterOptions {
  clock?: Clock;
  /** `recorded`: each rx entry as one write; `byte`: one write per byte. */
  chunking?: 'recorded' | 'byte';
  /** Time between two bytes in `byte` chunking, ms (a 38,400-baud line takes 0.26 ms a byte). */
  byteGapMs?: number;
  /** Multiplies the recorded delays (1: as recorded); and caps each one, ms. */
  timeScale?: number;
  maxDelayMs?: number;
}

/** A command the client sent that the dialogue does not hold. */
export interface UnknownCommand {
  command: string;
  /** The position in the client's sequence of commands. */
  index: number;
}

/**
 * Serves a dialogue to one connection at a time (each `attach` starts afresh: a new connection to a
 * WiFi adapter, a port opened again). Commands the dialogue lacks are answered with its
 * `# otherwise:` text when it has one (a clone answering `?` to everything after some point), else
 * with nothing, and listed in `unknown`, so a test can say which command had no recorded answer.
 */
export class FakeAdapter {
  readonly clock: Clock;
  /** Commands met that the dialogue has no answer for, across connections. */
  readonly unknown: UnknownCommand[] = [];
  /** Every command received, in order, across connections. */
  readonly received: string[] = [];
  private readonly opts: Required<Omit<FakeAdapterOptions, 'clock'>>;
  private streams = new Set<Duplex>();
  private readonly otherwise: string | undefined;

  constructor(
    readonly dialogue: Dialogue,
    options: FakeAdapterOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.opts = {
      chunking: options.chunking ?? 'recorded',
      byteGapMs: options.byteGapMs ?? 0,
      timeScale: options.timeScale ?? 1,
      maxDelayMs: options.maxDelayMs ?? Number.POSITIVE_INFINITY,
    };
    const otherwise = dialogue.meta.otherwise;
    if (otherwise !== undefined) {
      try {
        this.otherwise = JSON.parse(otherwise) as string;
      } catch {
        throw new TranscriptError(dialogue.source, transcriptReason('otherwise-not-json'));
      }
    }
  }

  /** Serves one connection (a socket, a pty bridge, one end of `duplexPair()`). */
  attach(stream: Duplex): void {
    this.streams.add(stream);
    const played = new Set<number>();
    const last = new Map<string, number>();
    let input = '';
    let alive = true;
    // Output leaves in order, from one queue pumped by one timer at a time: each reply starts once
    // the one before it has been written (separate timers due within the same millisecond could fire
    // out of order).
    const queue: { at: number; data: string }[] = [];
    let timer: TimerHandle | undefined;
    let lineFreeAt = this.clock.now();
    const end = () => {
      alive = false;
      this.streams.delete(stream);
      if (timer !== undefined) this.clock.clearTimeout(timer);
      timer = undefined;
    };
    stream.on('close', end);
    stream.on('error', end);
    const pump = () => {
      timer = undefined;
      const now = this.clock.now();
      while (queue.length > 0 && queue[0]!.at <= now + 0.001) {
        const piece = queue.shift()!;
        if (alive && !stream.destroyed) stream.write(Buffer.from(piece.data, 'latin1'));
        // One byte a tick in byte chunking, so that each reaches the client as its own read.
        if (this.opts.chunking === 'byte') break;
      }
      if (queue.length > 0 && alive)
        timer = this.clock.setTimeout(pump, Math.max(0, queue[0]!.at - this.clock.now()));
    };
    const send = (replies: DialogueReply[]) => {
      const start = this.clock.now();
      for (const r of replies) {
        const delay = Math.min(r.dt * this.opts.timeScale, this.opts.maxDelayMs);
        const pieces = this.opts.chunking === 'byte' ? Array.from(r.data) : r.data === '' ? [] : [r.data];
        pieces.forEach((piece, i) => {
          lineFreeAt = Math.max(start + delay + i * this.opts.byteGapMs, lineFreeAt);
          queue.push({ at: lineFreeAt, data: piece });
        });
      }
      if (timer === undefined && queue.length > 0 && alive)
        timer = this.clock.setTimeout(pump, Math.max(0, queue[0]!.at - this.clock.now()));
    };
    const answer = (command: string) => {
      const index = this.received.length;
      this.received.push(command);
      const exchanges = this.dialogue.exchanges;
      let found = exchanges.findIndex((x, i) => !played.has(i) && x.command === command);
      if (found < 0) found = last.get(command) ?? -1;
      if (found < 0) {
        // `# otherwise: "?\r\r>"`: what the adapter answers to anything the dialogue does not hold.
        if (this.otherwise !== undefined) send([{ dt: 5, data: this.otherwise }]);
        else this.unknown.push({ command, index });
        return;
      }
      played.add(found);
      last.set(command, found);
      send(exchanges[found]!.reply);
    };
    stream.on('data', (chunk: Buffer | string) => {
      input += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
      for (let cr = input.indexOf('\r'); cr >= 0; cr = input.indexOf('\r')) {
        const line = input.slice(0, cr);
        input = input.slice(cr + 1);
        answer(normalise(line));
      }
    });
    send(this.dialogue.greeting);
  }

  /** Ends every connection (the adapter unplugged). */
  close(): void {
    for (const s of this.streams) s.destroy();
    this.streams.clear();
  }
}
