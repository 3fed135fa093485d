import type { Frame } from '../frame.js';
import { MAX_STD_ID } from '../frame.js';
import { type ReassembleOptions, Reassembler, type ReassemblyEvent } from '../isotp/reassemble.js';
import type { DbcDecoder, DecodedFrame } from './codec.js';
import type { DbcMessage } from './model.js';

/**
 * One decoding of a log with a DBC, used by `atelier can decode` and the dashboard's replay plots and
 * recording analysis: a DBC message that describes a diagnostic payload (an ISO-TP message, not a CAN
 * frame) is decoded over the payloads reassembled on its id, never over the raw frames of that id;
 * every other message is decoded frame by frame.
 */

export type IsoTpLayout = NonNullable<ReassembleOptions['layout']>;

/** A diagnostic channel decoded over ISO-TP: the id the payloads travel on, and the other side's. */
export interface IsoTpChannel {
  rxId: number;
  /** The requester's id (its flow controls are watched); optional. */
  txId?: number;
  /** 29-bit ids; default: whether an id exceeds 0x7FF. */
  extended?: boolean;
  /** Default: the DBC's own convention for the message on `rxId` (see `isoTpLayoutOf`). */
  layout?: IsoTpLayout;
}

/**
 * The payload layout a DBC message expects. CSS Electronics' `tp_uds` DBCs multiplex extended
 * (a switch that is itself multiplexed) over a service byte at byte 1 (start bit 8, 8 bits, Intel)
 * because their payload keeps the ISO-TP length byte at byte 0: that is `css`. Anything else reads
 * the ISO-TP message as the standard defines it (`payload`, service id at byte 0).
 */
export function isoTpLayoutOf(message: DbcMessage): IsoTpLayout {
  const root = message.signals.find(
    (s) =>
      s.isMultiplexer &&
      !s.multiplexer &&
      s.startBit === 8 &&
      s.length === 8 &&
      s.byteOrder === 'little-endian',
  );
  if (!root) return 'payload';
  const extendedMux = message.signals.some((s) => s.isMultiplexer && s.multiplexer?.signal === root.name);
  return extendedMux ? 'css' : 'payload';
}

/**
 * Whether a DBC message describes a diagnostic payload rather than a frame: longer than a classic
 * frame on a non-FD message (an ISO-TP message is up to 4095 bytes), or laid out as CSS's `tp_uds`.
 */
export function describesPayload(message: DbcMessage): boolean {
  return (message.length > 8 && !message.fd) || isoTpLayoutOf(message) === 'css';
}

/** A decoded frame or reassembled payload, and which of the two it was. */
export type DecodedEvent = DecodedFrame & { via: 'frame' | 'isotp' };

export interface DecodeLogOptions {
  /**
   * Channels to decode over ISO-TP. The DBC's payload messages (`describesPayload`) not listed are
   * added on their own id, so a payload definition is never applied to raw frames.
   */
  isotp?: IsoTpChannel[];
  /** Only frames from this bus (`can0`). */
  channel?: string;
  /** Reassembly errors on an ISO-TP channel (an interrupted or incomplete message), in log order. */
  onError?: (e: Extract<ReassemblyEvent, { type: 'error' }>) => void;
}

const key = (id: number, extended: boolean) => (extended ? id + 0x1_0000_0000 : id);

/** The ISO-TP channels a decoding uses: the ones asked for, then the DBC's other payload messages. */
export function isoTpChannels(decoder: DbcDecoder, asked: IsoTpChannel[] = []): Required<IsoTpChannel>[] {
  const out: Required<IsoTpChannel>[] = [];
  const seen = new Set<number>();
  for (const c of asked) {
    const extended = c.extended ?? (c.rxId > MAX_STD_ID || (c.txId ?? 0) > MAX_STD_ID);
    const message = decoder.message(c.rxId, extended)?.message;
    out.push({
      rxId: c.rxId,
      txId: c.txId ?? -1,
      extended,
      layout: c.layout ?? (message ? isoTpLayoutOf(message) : 'payload'),
    });
    seen.add(key(c.rxId, extended));
  }
  for (const { message } of decoder.messages) {
    if (!describesPayload(message) || seen.has(key(message.id, message.extended))) continue;
    out.push({ rxId: message.id, txId: -1, extended: message.extended, layout: isoTpLayoutOf(message) });
    seen.add(key(message.id, message.extended));
  }
  return out;
}

/**
 * Decodes a log with a DBC: frames on ordinary ids as frames, the ISO-TP channels' messages once
 * reassembled (the decoded event's timestamp is the message's last frame). Streams: memory stays
 * flat with the log's length.
 */
export async function* decodeLog(
  frames: AsyncIterable<Frame> | Iterable<Frame>,
  decoder: DbcDecoder,
  options: DecodeLogOptions = {},
): AsyncGenerator<DecodedEvent> {
  const channels = isoTpChannels(decoder, options.isotp);
  const byRx = new Map<number, Reassembler>();
  const byTx = new Map<number, Reassembler>();
  for (const c of channels) {
    const r = new Reassembler({
      rxId: c.rxId,
      txId: c.txId >= 0 ? c.txId : undefined,
      extendedIds: c.extended,
      layout: c.layout,
      channel: options.channel,
    });
    byRx.set(key(c.rxId, c.extended), r);
    if (c.txId >= 0) byTx.set(key(c.txId, c.extended), r);
  }
  const { channel, onError } = options;
  function* events(list: ReassemblyEvent[]): Generator<DecodedEvent> {
    for (const e of list) {
      if (e.type === 'error') {
        onError?.(e);
        continue;
      }
      const d = decoder.decode({ id: e.id, extended: e.extended, data: e.data, timestamp: e.timestamp });
      if (d) yield { ...d, via: 'isotp' };
    }
  }
  for await (const f of frames) {
    if (channel !== undefined && f.channel !== channel) continue;
    const k = key(f.id, f.extended);
    const r = byRx.get(k) ?? byTx.get(k);
    if (r) {
      yield* events(r.push(f));
      continue;
    }
    const d = decoder.decode(f);
    if (d) yield { ...d, via: 'frame' };
  }
  for (const r of byRx.values()) yield* events(r.end());
}
