import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '@atelier/clock';
import { DisconnectedError, LinkError, LinkTimeoutError } from '@atelier/obd';
import { elmReason } from './elm-reasons.js';
import { ElmAbortedError, ElmFloodError } from './errors.js';
import type { Transcript } from './transcript.js';

/** Limits on what an adapter may send, so that nothing it sends costs more than linear time and bounded memory. */
export interface AdapterLimits {
  /**
   * Most bytes between two prompts. The longest answer an ELM327 can owe a request is a few ISO-TP
   * messages of 4,095 bytes (every ECU of a car answering a VIN or a UDS read), printed with headers
   * and spaces: about 18 KB per message. 256 KiB leaves room for eight ECUs and a long search.
   */
  maxAnswerBytes: number;
  /**
   * Most bytes in one line (between two CR/LF). The longest line an ELM327 prints is a CAN FD frame
   * with a 29-bit header and spaces (under 250 characters); anything longer is not an adapter talking.
   */
  maxLineBytes: number;
}

export const DEFAULT_LIMITS: AdapterLimits = { maxAnswerBytes: 256 * 1024, maxLineBytes: 1024 };

/**
 * The prompt discipline of an ELM327 line. A command is written only after the adapter's `>`
 * prompt was seen, because a byte sent while the adapter works makes it stop (`STOPPED`). Output is
 * collected up to the next prompt. Bytes an ELM327 never sends (controls other than CR/LF, bytes
 * above 0x7E) are dropped as line noise; what was dropped is counted.
 *
 * Everything here is linear in what arrives, without recursion, whatever the chunking: each byte is
 * looked at once, answers are cut at each prompt in one pass over the chunk, and the text kept
 * between prompts is capped (`ElmFloodError` beyond `limits`, after which the line is dropped and
 * nothing more is kept). Nothing an adapter sends throws out of the stream's event handlers: every
 * failure reaches the caller waiting on the line as a typed error.
 */
export class AdapterIO {
  /** Pieces of the answer being received (since the last prompt). */
  private pieces: string[] = [];
  private pending = 0;
  /** Bytes since the last CR/LF. */
  private lineBytes = 0;
  private promptSeen = false;
  private waiter:
    | { resolve: (text: string) => void; reject: (err: Error) => void; timer?: TimerHandle }
    | undefined;
  private promptWaiters: (() => void)[] = [];
  private failure: LinkError | undefined;
  private readonly limits: AdapterLimits;
  private readonly detach: () => void;
  /** Noise bytes dropped since the start. */
  noise = 0;
  /** Bytes received since the start (noise included). */
  received = 0;
  /** Prompts received that no command was waiting for (late or doubled prompts). */
  strayPrompts = 0;
  /**
   * Answers completed while nothing waited (the rest of a chunk that held a stale answer and ours):
   * `next()` takes them first; a new command drops them. At most a few are kept.
   */
  private unclaimed: string[] = [];

  constructor(
    private readonly stream: Duplex,
    private readonly clock: Clock,
    private readonly transcript?: Transcript,
    limits: Partial<AdapterLimits> = {},
    signal?: AbortSignal,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    const onData = (chunk: Buffer | string) => {
      try {
        this.onData(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
      } catch (err) {
        // A bug here must not take the process down from a socket handler: the caller hears of it.
        this.fail(new LinkError(`reading the adapter failed: ${(err as Error).message}`, 'protocol-error'));
      }
    };
    const gone = (why: string, how: 'error' | 'ended' | 'closed', cause?: unknown) =>
      this.fail(new DisconnectedError(elmReason('connection-lost', { why, how }), { cause }));
    const onError = (err: Error) => gone(err.message, 'error', err);
    const onEnd = () => gone('the adapter closed the line', 'ended');
    const onClose = () => gone('the line was closed', 'closed');
    const onAbort = () => this.fail(new ElmAbortedError(elmReason('aborted', {})));
    stream.on('data', onData);
    stream.on('error', onError);
    stream.on('end', onEnd);
    stream.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    this.detach = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      // The error listener stays: a stream being released may still report, and must not crash us.
    };
    // A stream handed over paused (after baud probing) must flow again.
    stream.resume();
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  get error(): LinkError | undefined {
    return this.failure;
  }

  /** Ends the line with `err`: the command waiting and every later one get it. */
  fail(err: LinkError): void {
    if (this.failure) return;
    this.failure = err;
    this.pieces = [];
    this.pending = 0;
    this.transcript?.record(
      'note',
      `${err instanceof DisconnectedError ? 'disconnected' : 'failed'}: ${err.message}`,
    );
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      if (w.timer) this.clock.clearTimeout(w.timer);
      w.reject(err);
    }
    for (const p of this.promptWaiters.splice(0)) p();
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    this.received += chunk.length;
    this.transcript?.record('rx', chunk.toString('latin1'));
    let start = 0;
    let text = '';
    // One pass: drop noise, count line lengths, cut at every prompt.
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 0x3e) {
        text += chunk.toString('latin1', start, i);
        start = i + 1;
        this.prompt(text);
        if (this.failure) return;
        text = '';
        continue;
      }
      if (c === 13 || c === 10) {
        this.lineBytes = 0;
        continue;
      }
      if (c < 0x20 || c > 0x7e) {
        // Noise: cut it out of the text.
        text += chunk.toString('latin1', start, i);
        start = i + 1;
        this.noise++;
        continue;
      }
      if (++this.lineBytes > this.limits.maxLineBytes) {
        this.flood(`a line longer than ${this.limits.maxLineBytes} bytes without CR`);
        return;
      }
    }
    text += chunk.toString('latin1', start);
    if (text === '') return;
    this.pending += text.length;
    if (this.pending > this.limits.maxAnswerBytes) {
      this.flood(`more than ${this.limits.maxAnswerBytes} bytes without a prompt`);
      return;
    }
    this.pieces.push(text);
  }

  /** The adapter floods the line: fail, keep nothing more, and hang up so that it stops costing us. */
  private flood(what: string): void {
    this.fail(
      new ElmFloodError(elmReason('flood', { what, bytes: this.received }), { bytes: this.received }),
    );
    this.stream.destroy();
  }

  private prompt(tail: string): void {
    const answer = this.pieces.length ? this.pieces.join('') + tail : tail;
    this.pieces = [];
    this.pending = 0;
    this.lineBytes = 0;
    this.promptSeen = true;
    const w = this.waiter;
    // Every command makes an ELM327 print something (OK, ?, data, NO DATA, its echo): a prompt with
    // nothing before it is a doubled or late one, and the answer is still to come.
    if (w && answer.trim() === '') {
      this.strayPrompts++;
      return;
    }
    this.waiter = undefined;
    if (w) {
      if (w.timer) this.clock.clearTimeout(w.timer);
      w.resolve(answer);
    } else {
      this.strayPrompts++;
      if (answer.trim() !== '') {
        this.unclaimed.push(answer);
        if (this.unclaimed.length > 4) this.unclaimed.shift();
      }
    }
    for (const p of this.promptWaiters.splice(0)) p();
  }

  /** Text received since the last prompt (what a prompt-less answer left behind). */
  takeBuffer(): string {
    const b = this.pieces.join('');
    this.pieces = [];
    this.pending = 0;
    return b;
  }

  /** Whether a prompt came since the last write. */
  get ready(): boolean {
    return this.promptSeen;
  }

  /** Waits up to `ms` for a prompt; true when one came. */
  waitPrompt(ms: number): Promise<boolean> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.promptSeen) return Promise.resolve(true);
    return new Promise((resolve, reject) => {
      const done = () => {
        this.clock.clearTimeout(timer);
        if (this.failure && !this.promptSeen) reject(this.failure);
        else resolve(this.promptSeen);
      };
      const timer = this.clock.setTimeout(() => {
        this.promptWaiters = this.promptWaiters.filter((p) => p !== done);
        resolve(false);
      }, ms);
      this.promptWaiters.push(done);
    });
  }

  /**
   * Waits until nothing has arrived for `quietMs` (or `maxMs` passed): what an adapter prints on its
   * own (a banner, the end of a former session's answer) is over. Resolves with what arrived.
   */
  async settle(quietMs: number, maxMs: number): Promise<string> {
    const t0 = this.clock.now();
    let seen = this.received;
    for (;;) {
      if (this.failure) throw this.failure;
      await this.clock.sleep(quietMs);
      if (this.received === seen || this.clock.now() - t0 >= maxMs) break;
      seen = this.received;
    }
    if (this.failure) throw this.failure;
    return this.takeBuffer();
  }

  /** Writes raw bytes (wake-up, resync); clears the prompt flag. */
  writeRaw(text: string): void {
    if (this.failure) throw this.failure;
    this.promptSeen = false;
    this.transcript?.record('tx', text);
    this.stream.write(Buffer.from(text, 'latin1'));
  }

  /**
   * Sends one command and resolves with everything printed before the next prompt. Rejects with
   * LinkTimeoutError when no prompt came within `timeoutMs` (the partial text stays in the buffer
   * for the caller to inspect), or DisconnectedError when the line went away. With `force` the
   * command goes out without a prompt first (start-up, when nothing says the adapter prompts yet).
   */
  async command(cmd: string, timeoutMs: number, opts: { force?: boolean } = {}): Promise<string> {
    if (this.failure) throw this.failure;
    if (this.waiter) throw new LinkError('a command is already waiting for its answer', 'protocol-error');
    if (!opts.force && !this.promptSeen && !(await this.waitPrompt(timeoutMs))) {
      throw new LinkTimeoutError(elmReason('no-prompt-before', { ms: timeoutMs, command: cmd }));
    }
    if (this.failure) throw this.failure;
    // Stale text left after the last prompt is not part of this answer.
    this.takeBuffer();
    this.unclaimed = [];
    return new Promise<string>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.waiter.timer = this.clock.setTimeout(() => {
        if (!this.waiter) return;
        this.waiter = undefined;
        reject(new LinkTimeoutError(elmReason('no-prompt-after', { ms: timeoutMs, command: cmd })));
      }, timeoutMs);
      try {
        this.writeRaw(`${cmd}\r`);
      } catch (err) {
        if (this.waiter?.timer) this.clock.clearTimeout(this.waiter.timer);
        this.waiter = undefined;
        reject(err as Error);
      }
    });
  }

  /**
   * Waits for one more answer without sending anything: the answer that follows a stale one (an
   * adapter one answer behind), or what a command interrupted by our own bytes left to say.
   */
  next(timeoutMs: number): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiter)
      return Promise.reject(new LinkError('a command is already waiting for its answer', 'protocol-error'));
    const ready = this.unclaimed.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<string>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.waiter.timer = this.clock.setTimeout(() => {
        if (!this.waiter) return;
        this.waiter = undefined;
        reject(new LinkTimeoutError(elmReason('no-further-answer', { ms: timeoutMs })));
      }, timeoutMs);
    });
  }

  close(): Promise<void> {
    this.fail(new LinkError(elmReason('closed', {}), 'closed'));
    this.detach();
    return releaseStream(this.stream);
  }
}

/**
 * Closes a transport stream for good. A serialport stream must be closed (destroy() alone keeps its
 * file descriptor and lock); sockets and other streams are destroyed.
 */
export function releaseStream(stream: Duplex): Promise<void> {
  const port = stream as Duplex & { isOpen?: boolean; close?: (cb: (err?: Error | null) => void) => void };
  return new Promise<void>((resolve) => {
    const done = () => {
      if (!stream.destroyed) stream.destroy();
      resolve();
    };
    if (port.isOpen && typeof port.close === 'function') port.close(() => done());
    else done();
  });
}
