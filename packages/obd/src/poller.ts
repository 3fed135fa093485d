import { type Clock, systemClock } from '@atelier/clock';
import { type DiagnosticLink, FUNCTIONAL, LinkError, MalformedResponseError, type Target } from './link.js';
import { PidError, splitPids } from './pids.js';

/**
 * Polls mode 01 PIDs at their own rates over one link, sharing the line fairly: each request
 * carries up to `maxPerRequest` PIDs (J1979 allows six on CAN), and when the line cannot keep up
 * every PID still gets at least the common share (line capacity / demand) of its wanted rate, so
 * fast PIDs never starve slow ones.
 */
export interface PollItem {
  pid: number;
  /** Wanted interval between two readings, ms. */
  periodMs: number;
  /** Which ECU(s) to ask; functional by default. */
  target?: Target;
}

export interface PollSample {
  /** Clock time of the answer, ms. */
  t: number;
  ecu: number;
  pid: number;
  /** The PID's data bytes (after the PID byte). */
  bytes: Uint8Array;
}

export interface PollerOptions {
  clock?: Clock;
  maxPerRequest?: number;
  /** Data byte count of a mode 01 PID, to split multi-PID answers; the SAE J1979 table by default. */
  pidLength?: (pid: number) => number | undefined;
  onSample: (sample: PollSample) => void;
  /** A failed request; polling goes on unless this throws. */
  onError?: (error: LinkError, pids: number[]) => void;
}

export class PollError extends Error {
  override name = 'PollError';
}

interface Slot {
  item: PollItem;
  due: number;
  served: number;
}

export class PidPoller {
  private slots: Slot[];
  private readonly clock: Clock;
  private readonly max: number;
  /** Requests made and PIDs read, for rate figures. */
  readonly counts = { requests: 0, samples: 0, errors: 0 };

  constructor(
    private readonly link: DiagnosticLink,
    items: PollItem[],
    private readonly opts: PollerOptions,
  ) {
    if (items.length === 0) throw new PollError('nothing to poll');
    for (const it of items) {
      if (!Number.isInteger(it.pid) || it.pid < 0 || it.pid > 0xff)
        throw new PollError(`PID ${it.pid} is not a byte`);
      if (!(it.periodMs >= 0)) throw new PollError(`PID ${it.pid.toString(16)}: period must be ≥ 0 ms`);
    }
    this.clock = opts.clock ?? systemClock;
    this.max = Math.max(1, Math.min(6, opts.maxPerRequest ?? 6));
    const now = this.clock.now();
    this.slots = items.map((item) => ({ item, due: now, served: 0 }));
  }

  /**
   * The PIDs of the next request: the due ones ranked by lateness relative to their period (so
   * that a 1 s PID and a 100 ms PID late by the same share of their period rank alike), same
   * target as the most late one, at most `maxPerRequest`.
   */
  nextBatch(now: number): Slot[] {
    const due = this.slots.filter((s) => s.due <= now);
    if (due.length === 0) return [];
    const rank = (s: Slot) => (now - s.due) / Math.max(1, s.item.periodMs);
    due.sort((a, b) => rank(b) - rank(a) || a.served - b.served);
    const key = targetKey(due[0]!.item.target ?? FUNCTIONAL);
    return due.filter((s) => targetKey(s.item.target ?? FUNCTIONAL) === key).slice(0, this.max);
  }

  /** Polls until the signal aborts. */
  async run(signal?: AbortSignal): Promise<void> {
    while (!signal?.aborted) {
      const now = this.clock.now();
      const batch = this.nextBatch(now);
      if (batch.length === 0) {
        const next = Math.min(...this.slots.map((s) => s.due));
        await this.sleep(next - now, signal);
        continue;
      }
      await this.poll(batch);
    }
  }

  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(done, ms);
      function done() {
        signal?.removeEventListener('abort', abort);
        resolve();
      }
      const abort = () => {
        this.clock.clearTimeout(timer);
        done();
      };
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Splits a multi-PID answer; one that does not split is garbage from the ECU, a typed link error. */
  private split(ecu: number, data: Uint8Array) {
    try {
      return splitPids(data.subarray(1), this.opts.pidLength ? { pidLength: this.opts.pidLength } : {});
    } catch (err) {
      if (!(err instanceof PidError)) throw err;
      const at = ecu.toString(16).toUpperCase();
      throw new MalformedResponseError(
        {
          code: 'malformed-answer',
          values: { ecu: at },
          text: {
            en: `ECU ${at}: ${err.message}`,
            fr: `réponse inattendue du calculateur ${at} : ${err.messageIn('fr')}`,
          },
        },
        { cause: err },
      );
    }
  }

  private async poll(batch: Slot[]): Promise<void> {
    const pids = batch.map((s) => s.item.pid);
    const target = batch[0]!.item.target ?? FUNCTIONAL;
    this.counts.requests++;
    try {
      const answers = await this.link.request({ target, data: Uint8Array.from([0x01, ...pids]) });
      for (const a of answers) {
        if (a.data[0] !== 0x41) continue;
        for (const { pid, data } of this.split(a.ecu, a.data)) {
          this.counts.samples++;
          this.opts.onSample({ t: this.clock.now(), ecu: a.ecu, pid, bytes: data });
        }
      }
    } catch (err) {
      this.counts.errors++;
      if (!(err instanceof LinkError) || !this.opts.onError) throw err;
      this.opts.onError(err, pids);
    }
    const now = this.clock.now();
    for (const s of batch) {
      s.served++;
      // Keep the rhythm when on time; when behind, keep at most two periods of backlog so that a
      // saturated line shares out evenly and a freed one does not burst to catch up.
      s.due = Math.max(s.due + s.item.periodMs, now - 2 * s.item.periodMs);
    }
  }
}

function targetKey(t: Target): string {
  return t.kind === 'functional' ? 'f' : `p${t.address}`;
}
