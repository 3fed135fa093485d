import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { frameBatches } from '../batch.js';
import { type Frame, makeFrame, toHex } from '../frame.js';
import type { LogReader } from '../log.js';

/** What the format tests share: the fixtures, reading helpers, one set of frames of every kind. */
export const FIXTURES = resolve(import.meta.dirname, '../../../../tests/fixtures/can');
export const LEAF_LOG = join(FIXTURES, 'nissan_leaf_uds_2022-01-06.log');
export const LEAF_MF4 = join(FIXTURES, 'nissan_leaf_uds_2022-01-06.MF4');

export async function all(it: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

/** The frames of a reader's columnar path, as objects. */
export async function allFromBatches(reader: LogReader, capacity = 1000): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const b of frameBatches(reader, capacity))
    for (let k = 0; k < b.length; k++) out.push(b.frame(k));
  return out;
}

/** Reads until the reader throws; returns the frames read before and the error. */
export async function readUntilError(reader: LogReader): Promise<{ frames: Frame[]; error: unknown }> {
  const frames: Frame[] = [];
  try {
    for await (const f of reader) frames.push(f);
  } catch (error) {
    return { frames, error };
  }
  return { frames, error: undefined };
}

/**
 * A frame as a binary format keeps it: buses are numbers from 1 (canN is written N + 1), times are
 * kept to the microsecond.
 */
export function asBinaryKeepsIt(f: Frame) {
  const digits = /(\d+)$/.exec(f.channel ?? '');
  return {
    t: Math.round(f.timestamp * 1e6),
    id: f.id,
    ext: f.extended,
    rtr: !!f.remote,
    err: !!f.error,
    fd: !!f.fd,
    brs: !!f.brs,
    esi: !!f.esi,
    dlc: f.dlc,
    data: toHex(f.data),
    dir: f.direction,
    ch: f.channel === undefined ? undefined : Number(digits?.[1]) + (f.channel.startsWith('can') ? 1 : 0),
  };
}

const T0 = 1641469561.9497;
/** Classic (11/29-bit, empty, DLC 12 over 8 bytes), remote, CAN FD and error frames, on two buses. */
export const EVERY_KIND: Frame[] = [
  makeFrame({ id: 0x7df, data: [2, 1, 0x0c], timestamp: T0, channel: 'can0', direction: 'tx' }),
  makeFrame({
    id: 0x18daf110,
    extended: true,
    data: [0x10, 0x14, 0x49, 2, 1, 0x57, 0x30, 0x4c],
    timestamp: T0 + 0.000123,
    direction: 'rx',
    channel: 'can1',
  }),
  makeFrame({ id: 0, data: [], timestamp: T0 + 1.5, direction: 'rx', channel: 'can0' }),
  makeFrame({
    id: 0x123,
    data: new Uint8Array(8).fill(7),
    dlc: 12,
    timestamp: T0 + 1.75,
    direction: 'rx',
    channel: '3',
  }),
  makeFrame({ id: 0x124, remote: true, dlc: 4, timestamp: T0 + 3, direction: 'rx', channel: 'can0' }),
  makeFrame({
    id: 0x1abcdef,
    extended: true,
    remote: true,
    timestamp: T0 + 3.5,
    direction: 'tx',
    channel: 'can1',
  }),
  makeFrame({
    id: 0x100,
    fd: true,
    brs: true,
    data: new Uint8Array(12).map((_, i) => i),
    timestamp: T0 + 4,
    direction: 'rx',
    channel: 'can0',
  }),
  makeFrame({
    id: 0x1fffffff,
    extended: true,
    fd: true,
    esi: true,
    data: new Uint8Array(64).fill(0x5a),
    timestamp: T0 + 4.25,
    direction: 'tx',
    channel: 'can0',
  }),
  makeFrame({ id: 0x101, fd: true, data: [1, 2, 3], timestamp: T0 + 4.5, direction: 'rx', channel: 'can0' }),
  // A candump error frame: class bits in the id, details in the data.
  makeFrame({
    id: 0x8,
    error: true,
    data: [0, 0, 0x8, 0, 0, 0, 0, 0],
    timestamp: T0 + 5,
    direction: 'rx',
    channel: 'can0',
  }),
  makeFrame({ id: 0, error: true, data: [], timestamp: T0 + 5.5, direction: 'tx', channel: 'can1' }),
];

/**
 * A BLF file built byte by byte from the format's published layout (not by Atelier's writer): a
 * 144-byte file header, one zlib LOG_CONTAINER holding the given objects.
 */
export function blfOf(objects: Buffer[]): Buffer {
  const payload = Buffer.concat(objects);
  const packed = deflateSync(payload);
  const container = Buffer.alloc(32 + packed.length);
  container.write('LOBJ', 0, 'latin1');
  container.writeUInt16LE(16, 4); // base header size
  container.writeUInt16LE(1, 6);
  container.writeUInt32LE(container.length, 8);
  container.writeUInt32LE(10, 12); // LOG_CONTAINER
  container.writeUInt16LE(2, 16); // zlib
  container.writeUInt32LE(payload.length, 24);
  packed.copy(container, 32);
  const head = Buffer.alloc(144);
  head.write('LOGG', 0, 'latin1');
  head.writeUInt32LE(144, 4);
  return Buffer.concat([head, container]);
}
