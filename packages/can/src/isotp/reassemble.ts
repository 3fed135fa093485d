import type { Frame } from '../frame.js';
import { MAX_EXT_ID, MAX_STD_ID } from '../frame.js';
import { IsoTpConfigError } from './errors.js';
import { FS_OVFLW, MAX_FF_DL_12, parsePdu } from './pci.js';
import { type ReassemblyFacts, sayReassemblyFacts } from './reassembly-texts.js';

export type ReassemblyErrorCode = 'interrupted' | 'unexpected-cf' | 'wrong-sn' | 'incomplete' | 'overflow';

/**
 * One outcome of passive reassembly. `timestamp` is the last frame of the message; for an error, the
 * frame at which it was noticed (the interrupting first frame, the stray or out-of-sequence
 * consecutive frame, the refusing flow control), or the last frame of a message still open at the end.
 */
export type ReassemblyEvent =
  | {
      type: 'message';
      id: number;
      extended: boolean;
      timestamp: number;
      /** Time of the message's first frame (its first frame, or its single frame). */
      start: number;
      data: Uint8Array;
      frames: number;
    }
  | {
      type: 'error';
      id: number;
      extended: boolean;
      timestamp: number;
      error: ReassemblyErrorCode;
      /** What was found, in English (as it always was); `facts` are the same as numbers, for other languages. */
      detail: string;
      facts: ReassemblyFacts;
    };

export interface ReassembleOptions {
  /** Id the messages travel on (an ECU's response id, e.g. 0x7BB). */
  rxId: number;
  /**
   * Id of the other side (e.g. 0x79B): its flow controls are watched, so a reception the receiver
   * refused with OVERFLOW is reported and closed rather than left open.
   */
  txId?: number;
  /** 29-bit ids; default: whether an id exceeds 0x7FF. */
  extendedIds?: boolean;
  /** Extended addressing: only frames whose first byte is this address, PCI from byte 1. */
  rxAddress?: number;
  /** Only frames from this channel (`can0`), for logs holding several buses. */
  channel?: string;
  /**
   * A gap longer than this (ms) between two frames of one message ends it as incomplete, like
   * N_Cr on a live bus. Default: no limit (a log may have been recorded through a slow adapter).
   */
  maxGapMs?: number;
  /**
   * `payload` (default): the ISO-TP message as the standard defines it (service id first).
   * `css`: the CSS Electronics convention their DBCs use — bytes 1.. of the first frame followed by
   * bytes 1.. of every consecutive frame, untrimmed, so byte 0 is the low byte of the length and
   * byte 1 the service id (a single frame is given whole: its byte 0 is the length too).
   */
  layout?: 'payload' | 'css';
  /**
   * Longest message accepted. A first frame announcing more is reported as `overflow` (what a
   * receiver's OVERFLOW flow control says) and its message skipped, before anything is allocated.
   * Default: 4,095 bytes for a first frame in a classic CAN frame (its 12-bit length; the 32-bit
   * escape is for CAN FD), 65,535 in a CAN FD frame (the endpoint's default).
   */
  maxLength?: number;
}

interface Open {
  length: number;
  start: number;
  buffer: Uint8Array;
  received: number;
  nextSn: number;
  frames: number;
  last: number;
  /** CSS layout: raw frame bytes collected. */
  raw: number[] | undefined;
}

/**
 * Passive reassembly of one channel, a frame at a time: `push` gives the events a frame completes,
 * `end` the message a log left open. `reassemble` and `reassembleAll` are built on it.
 */
export class Reassembler {
  private readonly rxId: number;
  private readonly txId: number | undefined;
  private readonly channel: string | undefined;
  private readonly extended: boolean;
  private readonly offset: number;
  private readonly css: boolean;
  private readonly maxGap: number;
  private open: Open | undefined;

  constructor(private readonly options: ReassembleOptions) {
    const { rxId, txId, channel } = options;
    const extended = options.extendedIds ?? (rxId > MAX_STD_ID || (txId ?? 0) > MAX_STD_ID);
    const max = extended ? MAX_EXT_ID : MAX_STD_ID;
    for (const [name, id] of [
      ['rxId', rxId],
      ['txId', txId],
    ] as const) {
      if (id !== undefined && (!Number.isInteger(id) || id < 0 || id > max)) {
        throw new IsoTpConfigError(`${name} ${id} is not a valid ${extended ? '29' : '11'}-bit CAN id`);
      }
    }
    this.rxId = rxId;
    this.txId = txId;
    this.channel = channel;
    this.extended = extended;
    this.offset = options.rxAddress === undefined ? 0 : 1;
    this.css = options.layout === 'css';
    this.maxGap = options.maxGapMs === undefined ? Number.POSITIVE_INFINITY : options.maxGapMs / 1000;
  }

  private error(timestamp: number, code: ReassemblyErrorCode, facts: ReassemblyFacts): ReassemblyEvent {
    const detail = sayReassemblyFacts(facts, 'en');
    return { type: 'error', id: this.rxId, extended: this.extended, timestamp, error: code, detail, facts };
  }

  /** Feeds one frame of the log; returns the events it completes, in order. */
  push(frame: Frame): ReassemblyEvent[] {
    const { rxId, txId, offset, css } = this;
    if (frame.extended !== this.extended || frame.remote || frame.error) return [];
    if (this.channel !== undefined && frame.channel !== this.channel) return [];
    const out: ReassemblyEvent[] = [];
    if (frame.id === txId && frame.id !== rxId) {
      if (!this.open) return out;
      const fc = parsePdu(frame.data, offset);
      if (typeof fc !== 'string' && fc.type === 'fc' && fc.fs === FS_OVFLW) {
        this.open = undefined;
        out.push(this.error(frame.timestamp, 'overflow', { kind: 'refused-overflow' }));
      }
      return out;
    }
    if (frame.id !== rxId) return out;
    const data = frame.data;
    if (offset && (data.length === 0 || data[0] !== this.options.rxAddress)) return out;
    let open = this.open;
    if (open && frame.timestamp - open.last > this.maxGap) {
      out.push(
        this.error(open.last, 'incomplete', {
          kind: 'silence',
          received: open.received,
          length: open.length,
          ms: (frame.timestamp - open.last) * 1000,
        }),
      );
      open = this.open = undefined;
    }
    const pdu = parsePdu(data, offset);
    if (typeof pdu === 'string') return out;
    switch (pdu.type) {
      case 'fc':
        return out;
      case 'sf':
        if (open) {
          out.push(
            this.error(frame.timestamp, 'interrupted', {
              kind: 'single-after',
              received: open.received,
              length: open.length,
            }),
          );
          this.open = undefined;
        }
        out.push({
          type: 'message',
          id: rxId,
          extended: this.extended,
          timestamp: frame.timestamp,
          start: frame.timestamp,
          data: css ? data.slice(offset) : pdu.data.slice(),
          frames: 1,
        });
        return out;
      case 'ff': {
        if (open)
          out.push(
            this.error(frame.timestamp, 'interrupted', {
              kind: 'first-after',
              received: open.received,
              length: open.length,
            }),
          );
        const max = this.options.maxLength ?? (data.length <= 8 ? MAX_FF_DL_12 : 0xffff);
        if (pdu.length > max) {
          // A first frame may announce up to 4 GiB: refused before any buffer is made for it.
          this.open = undefined;
          out.push(
            this.error(frame.timestamp, 'overflow', { kind: 'announces', announced: pdu.length, max }),
          );
          return out;
        }
        const buffer = new Uint8Array(pdu.length);
        const take = Math.min(pdu.data.length, pdu.length);
        buffer.set(pdu.data.subarray(0, take));
        this.open = {
          length: pdu.length,
          start: frame.timestamp,
          buffer,
          received: take,
          nextSn: 1,
          frames: 1,
          last: frame.timestamp,
          raw: css ? Array.from(data.subarray(offset + 1)) : undefined,
        };
        return out;
      }
      case 'cf': {
        if (!open) {
          out.push(this.error(frame.timestamp, 'unexpected-cf', { kind: 'cf-without-ff', sn: pdu.sn }));
          return out;
        }
        if (pdu.sn !== open.nextSn) {
          out.push(
            this.error(frame.timestamp, 'wrong-sn', { kind: 'sn', sn: pdu.sn, expected: open.nextSn }),
          );
          this.open = undefined;
          return out;
        }
        const take = Math.min(pdu.data.length, open.length - open.received);
        open.buffer.set(pdu.data.subarray(0, take), open.received);
        open.received += take;
        open.nextSn = (open.nextSn + 1) & 0x0f;
        open.frames++;
        open.last = frame.timestamp;
        if (open.raw) for (const b of data.subarray(offset + 1)) open.raw.push(b);
        if (open.received >= open.length) {
          out.push({
            type: 'message',
            id: rxId,
            extended: this.extended,
            timestamp: frame.timestamp,
            start: open.start,
            data: open.raw ? Uint8Array.from(open.raw) : open.buffer,
            frames: open.frames,
          });
          this.open = undefined;
        }
        return out;
      }
    }
  }

  /** The log ended: a message still open is incomplete. */
  end(): ReassemblyEvent[] {
    const open = this.open;
    this.open = undefined;
    return open
      ? [
          this.error(open.last, 'incomplete', {
            kind: 'log-ended',
            received: open.received,
            length: open.length,
          }),
        ]
      : [];
  }
}

/**
 * Reassembles the ISO-TP messages of one channel from recorded frames, without taking part in the
 * exchange (no flow control is sent). Every anomaly is yielded as an error event in log order; frames
 * on the channel that are not valid ISO-TP frames are reported as `unexpected-cf` only when they
 * are consecutive frames, and otherwise ignored as the standard's receiver would.
 */
export async function* reassemble(
  frames: AsyncIterable<Frame> | Iterable<Frame>,
  options: ReassembleOptions,
): AsyncGenerator<ReassemblyEvent> {
  const r = new Reassembler(options);
  for await (const frame of frames as AsyncIterable<Frame>) yield* r.push(frame);
  yield* r.end();
}

/**
 * Reassembles the messages of every id of a recording at once (normal addressing), in log order:
 * what a passive listener on a diagnostic bus hears, each id its own channel. `include` picks the ids
 * worth listening to.
 */
export function reassembleAll(
  frames: Iterable<Frame>,
  options: { include?: (frame: Frame) => boolean; maxGapMs?: number } = {},
): ReassemblyEvent[] {
  const channels = new Map<string, Reassembler>();
  const out: ReassemblyEvent[] = [];
  for (const f of frames) {
    if (f.remote || f.error || (options.include && !options.include(f))) continue;
    const key = `${f.extended ? 'x' : 's'}${f.id}`;
    let r = channels.get(key);
    if (!r) {
      r = new Reassembler({
        rxId: f.id,
        extendedIds: f.extended,
        ...(options.maxGapMs === undefined ? {} : { maxGapMs: options.maxGapMs }),
      });
      channels.set(key, r);
    }
    for (const e of r.push(f)) out.push(e);
  }
  for (const r of channels.values()) for (const e of r.end()) out.push(e);
  return out;
}
