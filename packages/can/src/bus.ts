import { type FrameRefusal, sayFrameRefusal } from './bus-texts.js';
import type { Frame } from './frame.js';

/** Accepts frames whose `id & mask === filter.id & mask`, optionally only one id width. */
export interface FrameFilter {
  id: number;
  mask: number;
  extended?: boolean;
}

export type FrameListener = (frame: Frame) => void;

/**
 * A CAN bus endpoint, python-can style: send frames, listen to the ones others put on the bus.
 * Listeners run synchronously on reception so protocol code (ISO-TP flow control) answers in order.
 */
export interface Bus {
  readonly name: string;
  send(frame: Frame): Promise<void>;
  /** Calls `listener` for every received frame passing one of `filters` (all frames when none). Returns an unsubscribe function. */
  subscribe(listener: FrameListener, filters?: FrameFilter[]): () => void;
  close(): Promise<void>;
  readonly closed: boolean;
  /**
   * Calls `listener` once when the bus closes (by `close()`, or because the interface went away), so
   * that code waiting for frames can stop. Optional for implementers; returns an unsubscribe function.
   */
  onClose?(listener: () => void): () => void;
}

export class BusError extends Error {
  override name = 'BusError';
}

/** A frame a bus will not send (invalid, an error frame, CAN FD where there is none, listen-only). */
export class FrameRefusedError extends BusError {
  // The name it was shown under before it had a class of its own: English output stays word for word.
  override name = 'BusError';
  constructor(
    readonly bus: string,
    readonly refusal: FrameRefusal,
  ) {
    super(`${bus}: refused frame: ${sayFrameRefusal(refusal, 'en')}`);
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en'
      ? this.message
      : `${this.bus} : trame refusée : ${sayFrameRefusal(this.refusal, 'fr')}`;
  }
}

export class BusClosedError extends BusError {
  override name = 'BusClosedError';
  constructor(readonly bus: string) {
    super(`bus ${bus} is closed`);
  }

  messageIn(lang: 'fr' | 'en'): string {
    return lang === 'en' ? this.message : `le bus ${this.bus} est fermé`;
  }
}

export function matchesFilters(frame: Frame, filters: FrameFilter[] | undefined): boolean {
  if (!filters || filters.length === 0) return true;
  for (const f of filters) {
    if (f.extended !== undefined && f.extended !== frame.extended) continue;
    if (((frame.id ^ f.id) & f.mask) === 0) return true;
  }
  return false;
}

/** Reads frames from a bus as an async iterable until the bus closes or `signal` aborts. */
export async function* receive(
  bus: Bus,
  filters?: FrameFilter[],
  signal?: AbortSignal,
): AsyncGenerator<Frame> {
  const queue: Frame[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = bus.subscribe((f) => {
    queue.push(f);
    wake?.();
  }, filters);
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  // Without this, a bus closed while we wait would leave the loop asleep forever.
  const offClose = bus.onClose?.(() => wake?.());
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (bus.closed || signal?.aborted) return;
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    offClose?.();
    signal?.removeEventListener('abort', onAbort);
  }
}
