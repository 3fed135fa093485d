import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '@atelier/clock';
import { DisconnectedError, LinkError, LinkTimeoutError } from '@atelier/obd';
import type { Transcript } from './transcript.js';

/**
 * The prompt discipline of an ELM327 line. A command is written only after the adapter's `>`
 * prompt was seen, because a byte sent while the adapter works makes it stop (`STOPPED`). Output is
 * collected up to the next prompt. Bytes an ELM327 never sends (controls other than CR/LF, bytes
 * above 0x7E) are dropped as line noise; what was dropped is counted.
 */
export class AdapterIO {
  private buffer = '';
  private promptSeen = false;
  private waiter:
    | { resolve: (text: string) => void; reject: (err: Error) => void; timer?: TimerHandle }
    | undefined;
  private promptWaiters: (() => void)[] = [];
  private failure: LinkError | undefined;
  /** Noise bytes dropped since the start. */
  noise = 0;

  constructor(
    private readonly stream: Duplex,
    private readonly clock: Clock,
    private readonly transcript?: Transcript,
  ) {
    stream.on('data', (chunk: Buffer | string) =>
      this.onData(typeof chunk === 'string' ? chunk : chunk.toString('latin1')),
    );
    const gone = (why: string, cause?: unknown) =>
      this.fail(new DisconnectedError(`adapter connection lost: ${why}`, { cause }));
    stream.on('error', (err: Error) => gone(err.message, err));
    stream.on('end', () => gone('the adapter closed the line'));
    stream.on('close', () => gone('the line was closed'));
    // A stream handed over paused (after baud probing) must flow again.
    stream.resume();
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  get error(): LinkError | undefined {
    return this.failure;
  }

  private fail(err: LinkError): void {
    if (this.failure) return;
    this.failure = err;
    this.transcript?.record('note', `disconnected: ${err.message}`);
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      if (w.timer) this.clock.clearTimeout(w.timer);
      w.reject(err);
    }
    for (const p of this.promptWaiters.splice(0)) p();
  }

  private onData(text: string): void {
    this.transcript?.record('rx', text);
    let clean = '';
    for (const ch of text) {
      const c = ch.charCodeAt(0);
      if (c === 13 || c === 10 || (c >= 0x20 && c < 0x7f)) clean += ch;
      else this.noise++;
    }
    this.buffer += clean;
    const at = this.buffer.indexOf('>');
    if (at < 0) return;
    const answer = this.buffer.slice(0, at);
    this.buffer = this.buffer.slice(at + 1);
    this.promptSeen = true;
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      if (w.timer) this.clock.clearTimeout(w.timer);
      w.resolve(answer);
    }
    for (const p of this.promptWaiters.splice(0)) p();
    // More than one prompt in a chunk: the rest is stale output, kept for resync to discard.
    if (this.buffer.includes('>')) this.onData('');
  }

  /** Text received since the last prompt (what a prompt-less answer left behind). */
  takeBuffer(): string {
    const b = this.buffer;
    this.buffer = '';
    return b;
  }

  /** Waits up to `ms` for a prompt; true when one came. */
  waitPrompt(ms: number): Promise<boolean> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.promptSeen) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        this.clock.clearTimeout(timer);
        resolve(this.promptSeen);
      };
      const timer = this.clock.setTimeout(() => {
        this.promptWaiters = this.promptWaiters.filter((p) => p !== done);
        resolve(false);
      }, ms);
      this.promptWaiters.push(done);
    });
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
   * for the caller to inspect), or DisconnectedError when the line went away.
   */
  async command(cmd: string, timeoutMs: number): Promise<string> {
    if (this.failure) throw this.failure;
    if (this.waiter) throw new LinkError('a command is already waiting for its answer', 'protocol-error');
    if (!this.promptSeen && !(await this.waitPrompt(timeoutMs))) {
      throw new LinkTimeoutError(`no prompt from the adapter within ${timeoutMs} ms before sending ${cmd}`);
    }
    if (this.failure) throw this.failure;
    // Stale text left after the last prompt is not part of this answer.
    this.buffer = '';
    return new Promise<string>((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.waiter.timer = this.clock.setTimeout(() => {
        if (!this.waiter) return;
        this.waiter = undefined;
        reject(new LinkTimeoutError(`no prompt from the adapter within ${timeoutMs} ms after ${cmd}`));
      }, timeoutMs);
      try {
        this.writeRaw(`${cmd}\r`);
      } catch (err) {
        this.waiter = undefined;
        reject(err as Error);
      }
    });
  }

  close(): Promise<void> {
    this.fail(new LinkError('the link was closed', 'closed'));
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
