import { deflateSync } from 'node:zlib';
import { FD_LENGTHS, type Frame } from '../../frame.js';
import { putU64 } from '../binary-source.js';
import type { BinarySink, FrameEncoder } from '../binary-writer.js';
import { channelNumber } from '../channels.js';
import { transpose } from './data.js';

/**
 * Writes ASAM MDF 4.11 bus-logging files (the layout the ASAM bus-logging standard gives for CAN):
 * four channel groups, one per kind of record — `CAN_DataFrame` with 8 data bytes, `CAN_DataFrame`
 * with 64 (CAN FD), `CAN_RemoteFrame`, `CAN_ErrorFrame` — each with a `Timestamp` master channel
 * (signed 64-bit µs from the header's start time) and the composed channel's members as bit
 * fields. Direction and bus channel carry an invalidation bit, set when the frame has none.
 *
 * To a file: finalised (`MDF     `), sorted by default (one data group per channel group, so
 * each group's records can be stored transposed), data in DT or DZ blocks of up to 4 MiB listed by
 * a DL block, cycle counts patched at the end. To a stream, which cannot be patched: unfinalised
 * (`UnFinMF `, as a logger writes), one unsorted data group, a DT block running to the end.
 */

export type Mf4Compression = 'none' | 'deflate' | 'transposed';

export interface Mf4WriteOptions {
  /** MF4 to a file: data blocks stored as DT (default), deflated DZ, or transposed and deflated DZ. */
  mf4Compression?: Mf4Compression;
  /** MF4 to a file: one data group per channel group (default) or one data group for all, records with ids. */
  mf4Layout?: 'sorted' | 'unsorted';
}

/** Data block size: what asammdf writes, large enough to read in few steps, small enough to inflate. */
const BLOCK_DATA = 4 * 2 ** 20;

/** Record layout (after the record id, if any). */
const HEADER_BYTES = 16;
const FLAG_IDE = 1;
const FLAG_TX = 2;
const FLAG_EDL = 4;
const FLAG_BRS = 8;
const FLAG_ESI = 16;
/** Invalidation bits, in the byte after the data bytes. */
const INVALID_DIR = 1;
const INVALID_CHANNEL = 2;

interface GroupSpec {
  name: string;
  kind: 'CAN_DataFrame' | 'CAN_RemoteFrame' | 'CAN_ErrorFrame';
  /** Data bytes stored per record (0: none). */
  dataBytes: number;
  recordId: number;
}

const GROUPS: GroupSpec[] = [
  { name: 'CAN_DataFrame', kind: 'CAN_DataFrame', dataBytes: 8, recordId: 1 },
  { name: 'CAN_DataFrame_FD', kind: 'CAN_DataFrame', dataBytes: 64, recordId: 2 },
  { name: 'CAN_RemoteFrame', kind: 'CAN_RemoteFrame', dataBytes: 0, recordId: 3 },
  { name: 'CAN_ErrorFrame', kind: 'CAN_ErrorFrame', dataBytes: 8, recordId: 4 },
];

/** Record bytes of a group: header, data bytes, (error type), then one invalidation byte. */
function recordDataBytes(g: GroupSpec): number {
  return HEADER_BYTES + g.dataBytes + (g.kind === 'CAN_ErrorFrame' ? 1 : 0);
}

// ------------------------------------------------------------------ block building

/** A block being built: links may name other blocks, resolved to addresses when laid out. */
class Block {
  at = 0;
  constructor(
    readonly id: string,
    readonly links: (Block | number | undefined)[],
    readonly data: Buffer,
  ) {}

  get length(): number {
    return 24 + 8 * this.links.length + this.data.length;
  }

  bytes(): Buffer {
    const out = Buffer.alloc(align8(this.length));
    out.write(this.id, 0, 'latin1');
    putU64(out, 8, this.length);
    putU64(out, 16, this.links.length);
    this.links.forEach((l, i) => {
      putU64(out, 24 + 8 * i, l instanceof Block ? l.at : (l ?? 0));
    });
    this.data.copy(out, 24 + 8 * this.links.length);
    return out;
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function text(id: '##TX' | '##MD', s: string): Block {
  const bytes = Buffer.from(`${s}\0`, 'utf8');
  return new Block(id, [], Buffer.concat([bytes, Buffer.alloc(align8(bytes.length) - bytes.length)]));
}

interface ChannelSpec {
  name: string;
  type?: number;
  sync?: number;
  dataType: number;
  byte: number;
  bit?: number;
  bits: number;
  flags?: number;
  invalBit?: number;
  conversion?: Block;
  unit?: Block;
  children?: ChannelSpec[];
}

const BUS_EVENT = 0x400;
const INVAL_VALID = 0x2;

function channelBlocks(specs: ChannelSpec[], names: (s: string) => Block, source: Block): Block | undefined {
  let next: Block | undefined;
  for (let i = specs.length - 1; i >= 0; i--) {
    const s = specs[i];
    const data = Buffer.alloc(72);
    data[0] = s.type ?? 0;
    data[1] = s.sync ?? 0;
    data[2] = s.dataType;
    data[3] = s.bit ?? 0;
    data.writeUInt32LE(s.byte, 4);
    data.writeUInt32LE(s.bits, 8);
    data.writeUInt32LE((s.flags ?? 0) | (s.invalBit !== undefined ? INVAL_VALID : 0), 12);
    data.writeUInt32LE(s.invalBit ?? 0, 16);
    const composition = s.children ? channelBlocks(s.children, names, source) : undefined;
    next = new Block('##CN', [next, composition, names(s.name), source, s.conversion, 0, s.unit, 0], data);
  }
  return next;
}

/** The channels of a group's records (byte offsets after the record id). */
function groupChannels(g: GroupSpec, time: Block, seconds: Block): ChannelSpec[] {
  const k = g.kind;
  const recordBytes = recordDataBytes(g);
  const members: ChannelSpec[] = [
    { name: `${k}.BusChannel`, dataType: 0, byte: 8, bits: 8, flags: BUS_EVENT, invalBit: 1 },
    { name: `${k}.ID`, dataType: 0, byte: 9, bits: 29, flags: BUS_EVENT },
    { name: `${k}.IDE`, dataType: 0, byte: 13, bit: 0, bits: 1, flags: BUS_EVENT },
    { name: `${k}.DLC`, dataType: 0, byte: 14, bits: 4, flags: BUS_EVENT },
    { name: `${k}.DataLength`, dataType: 0, byte: 15, bits: 7, flags: BUS_EVENT },
  ];
  if (g.dataBytes > 0) {
    members.push({ name: `${k}.DataBytes`, dataType: 10, byte: 16, bits: 8 * g.dataBytes, flags: BUS_EVENT });
  }
  members.push({ name: `${k}.Dir`, dataType: 0, byte: 13, bit: 1, bits: 1, flags: BUS_EVENT, invalBit: 0 });
  if (k !== 'CAN_RemoteFrame') {
    members.push({ name: `${k}.EDL`, dataType: 0, byte: 13, bit: 2, bits: 1, flags: BUS_EVENT });
  }
  if (k === 'CAN_DataFrame') {
    members.push(
      { name: `${k}.BRS`, dataType: 0, byte: 13, bit: 3, bits: 1, flags: BUS_EVENT },
      { name: `${k}.ESI`, dataType: 0, byte: 13, bit: 4, bits: 1, flags: BUS_EVENT },
    );
  }
  if (k === 'CAN_ErrorFrame') {
    members.push({ name: `${k}.ErrorType`, dataType: 0, byte: 16 + g.dataBytes, bits: 8, flags: BUS_EVENT });
  }
  return [
    { name: 'Timestamp', type: 2, sync: 1, dataType: 2, byte: 0, bits: 64, conversion: time, unit: seconds },
    { name: k, dataType: 10, byte: 8, bits: 8 * (recordBytes - 8), flags: BUS_EVENT, children: members },
  ];
}

/** The records of one data group, waiting to be written as a block. */
interface DataStore {
  dg: Block;
  buf: Buffer;
  used: number;
  /** Written data blocks: address and logical length. */
  blocks: { at: number; length: number }[];
  /** Sorted groups: the record size, for transposition. */
  columns: number;
}

interface GroupState {
  spec: GroupSpec;
  cg: Block;
  store: DataStore;
  /** Record size including the record id (unsorted) and the invalidation byte. */
  recordSize: number;
  records: number;
}

/** Lays out the metadata from `at` on: the blocks, their addresses, and the bytes to write. */
function layout(blocks: Block[], at: number): Buffer {
  for (const b of blocks) {
    b.at = at;
    at += align8(b.length);
  }
  return Buffer.concat(blocks.map((b) => b.bytes()));
}

// ------------------------------------------------------------------ the encoder

export function mf4Encoder(sink: BinarySink, options: Mf4WriteOptions = {}): FrameEncoder {
  return new Mf4Encoder(sink, options);
}

class Mf4Encoder implements FrameEncoder {
  private readonly sorted: boolean;
  private readonly compression: Mf4Compression;
  private groups: GroupState[] = [];
  private started = false;
  private startUs = 0;
  /** Bytes written so far (the next block's address). */
  private written = 0;
  private readonly seen = new Map<string, number>();
  private pending: Promise<void> | undefined;

  constructor(
    private readonly sink: BinarySink,
    options: Mf4WriteOptions,
  ) {
    this.sorted = sink.seekable && (options.mf4Layout ?? 'sorted') === 'sorted';
    this.compression = options.mf4Compression ?? 'none';
    if (!sink.seekable && this.compression !== 'none') {
      throw new TypeError('MF4 to a stream is written as a logger does (one open DT block): no compression');
    }
    if (this.compression === 'transposed' && !this.sorted) {
      throw new TypeError('transposed MF4 data needs the sorted layout (one record size per data group)');
    }
  }

  add(frame: Frame): void | Promise<void> {
    const us = Math.round(frame.timestamp * 1e6);
    const channel = frame.channel === undefined ? -1 : channelNumber(frame.channel, this.seen);
    if (channel > 255) throw `channel ${channel} does not fit the 8-bit bus channel`;
    const wait = this.started ? undefined : this.start(Math.floor(us / 1e6) * 1e6);
    const g = this.groups[frame.error ? 3 : frame.remote ? 2 : frame.fd ? 1 : 0];
    const store = g.store;
    if (store.used + g.recordSize > store.buf.length) {
      const grown = Buffer.alloc(Math.max(store.buf.length * 2, g.recordSize * 1024));
      store.buf.copy(grown, 0, 0, store.used);
      store.buf = grown;
    }
    const b = store.buf;
    let p = store.used;
    if (!this.sorted) b[p++] = g.spec.recordId;
    const t = us - this.startUs;
    if (t >= 0 && t < 2 ** 53) {
      const hi = Math.floor(t / 0x100000000);
      b.writeUInt32LE(t - hi * 0x100000000, p);
      b.writeUInt32LE(hi, p + 4);
    } else {
      b.writeBigInt64LE(BigInt(t), p);
    }
    b[p + 8] = Math.max(channel, 0);
    b.writeUInt32LE(frame.id, p + 9);
    const n = frame.data.length;
    b[p + 13] =
      (frame.extended ? FLAG_IDE : 0) |
      (frame.direction === 'tx' ? FLAG_TX : 0) |
      (frame.fd ? FLAG_EDL : 0) |
      (frame.brs ? FLAG_BRS : 0) |
      (frame.esi ? FLAG_ESI : 0);
    b[p + 14] = frame.fd
      ? (FD_LENGTHS as readonly number[]).indexOf(n)
      : frame.dlc !== undefined && (frame.remote || frame.dlc > 8)
        ? frame.dlc
        : n;
    b[p + 15] = frame.remote ? 0 : n;
    const size = g.spec.dataBytes;
    if (size > 0) {
      b.set(frame.data.subarray(0, size), p + 16);
      b.fill(0, p + 16 + Math.min(n, size), p + 16 + size);
    }
    let q = p + 16 + size;
    if (g.spec.kind === 'CAN_ErrorFrame') b[q++] = 0;
    b[q] = (frame.direction === undefined ? INVALID_DIR : 0) | (channel < 0 ? INVALID_CHANNEL : 0);
    store.used += g.recordSize;
    g.records++;
    if (store.used >= BLOCK_DATA && this.sink.seekable) return this.flush(store);
    if (!this.sink.seekable && store.used >= 1 << 16) return this.stream(store);
    return wait;
  }

  private stores(): DataStore[] {
    return [...new Set(this.groups.map((g) => g.store))];
  }

  async finish(): Promise<void> {
    if (!this.started) this.start(0);
    await this.pending;
    if (!this.sink.seekable) {
      for (const store of this.stores()) if (store.used > 0) await this.stream(store);
      return;
    }
    // Each data group gets its data: one block, or a DL block listing them; counts are patched in.
    for (const store of this.stores()) {
      if (store.used > 0) await this.flush(store);
      const { dg, blocks: list } = store;
      let link = 0;
      if (list.length === 1) link = list[0].at;
      else if (list.length > 1) {
        const data = Buffer.alloc(8 + 8 * list.length);
        data.writeUInt32LE(list.length, 4);
        let offset = 0;
        list.forEach((blk, i) => {
          putU64(data, 8 + 8 * i, offset);
          offset += blk.length;
        });
        const dl = new Block('##DL', [0, ...list.map((blk) => blk.at)], data);
        dl.at = this.written;
        const bytes = dl.bytes();
        this.written += bytes.length;
        await this.sink.write(bytes);
        link = dl.at;
      }
      const linkBytes = Buffer.alloc(8);
      putU64(linkBytes, 0, link);
      await this.sink.patch(dg.at + 24 + 16, linkBytes);
    }
    for (const g of this.groups) {
      const count = Buffer.alloc(8);
      putU64(count, 0, g.records);
      await this.sink.patch(g.cg.at + 24 + 6 * 8 + 8, count);
    }
  }

  /** Writes the identification block and all metadata, as of the first frame (its second starts the file). */
  private start(startUs: number): void | Promise<void> {
    this.started = true;
    this.startUs = startUs;
    const finalised = this.sink.seekable;
    const id = Buffer.alloc(64, 0);
    id.write(finalised ? 'MDF     ' : 'UnFinMF ', 0, 'latin1');
    id.write('4.11    ', 8, 'latin1');
    id.write('atelier ', 16, 'latin1');
    id.writeUInt16LE(411, 28);
    // Unfinalised: cycle counts and the last DT block's length are left to the reader.
    if (!finalised) id.writeUInt16LE(1 | 4, 60);

    const names = new Map<string, Block>();
    const name = (s: string) => {
      let b = names.get(s);
      if (!b) {
        b = text('##TX', s);
        names.set(s, b);
      }
      return b;
    };
    const siData = Buffer.alloc(8);
    siData[0] = 2; // source type: bus
    siData[1] = 2; // bus type: CAN
    const si = new Block('##SI', [name('CAN'), name('CAN'), 0], siData);
    const ccData = Buffer.alloc(24 + 16);
    ccData[0] = 1; // linear
    ccData.writeUInt16LE(2, 6);
    ccData.writeDoubleLE(0, 24);
    ccData.writeDoubleLE(1e-6, 32);
    const seconds = name('s');
    const time = new Block('##CC', [0, seconds, 0, 0], ccData);
    const comment = text(
      '##MD',
      '<FHcomment><TX>CAN bus logging</TX><tool_id>atelier</tool_id><tool_vendor>Atelier</tool_vendor><tool_version>0.1</tool_version></FHcomment>',
    );
    const fhData = Buffer.alloc(16);
    fhData.writeBigUInt64LE(BigInt(startUs) * 1000n, 0);
    const fh = new Block('##FH', [0, comment], fhData);

    const dgData = Buffer.alloc(8);
    dgData[0] = this.sorted ? 0 : 1;
    let shared: DataStore | undefined;
    const dgs: Block[] = [];
    const cgs: Block[] = [];
    const channels: Block[] = [];
    for (const spec of GROUPS) {
      const first = channelBlocks(groupChannels(spec, time, seconds), name, si);
      const cgData = Buffer.alloc(32);
      putU64(cgData, 0, this.sorted ? 0 : spec.recordId);
      cgData.writeUInt16LE(0x6, 16); // bus event, plain bus event
      cgData.writeUInt16LE(0x2e, 18); // path separator '.'
      cgData.writeUInt32LE(recordDataBytes(spec), 24);
      cgData.writeUInt32LE(1, 28);
      const cg = new Block('##CG', [undefined, first, name(spec.name), si, 0, 0], cgData);
      cgs.push(cg);
      for (let c: Block | undefined = first; c; c = c.links[0] as Block | undefined)
        collectChannel(c, channels);
      const recordSize = recordDataBytes(spec) + 1 + (this.sorted ? 0 : 1);
      let store: DataStore;
      if (this.sorted || !shared) {
        const dg = new Block('##DG', [undefined, cg, 0, 0], dgData);
        dgs.push(dg);
        store = { dg, buf: Buffer.alloc(0), used: 0, blocks: [], columns: recordSize };
        shared = store;
      } else {
        store = shared;
        cgs[cgs.length - 2].links[0] = cg;
      }
      this.groups.push({ spec, cg, store, recordSize, records: 0 });
    }
    for (let i = 0; i + 1 < dgs.length; i++) dgs[i].links[0] = dgs[i + 1];
    const hdData = Buffer.alloc(32);
    hdData.writeBigUInt64LE(BigInt(startUs) * 1000n, 0);
    const hd = new Block('##HD', [dgs[0], fh, 0, 0, 0, 0], hdData);
    const meta = [hd, fh, comment, ...names.values(), si, time, ...dgs, ...cgs, ...channels];
    const bytes = Buffer.concat([id, layout(meta, 64)]);
    this.written = bytes.length;
    let head = bytes;
    if (!finalised) {
      // One DT block whose length a reader finds from the end of the file.
      const dt = Buffer.alloc(24);
      dt.write('##DT', 0, 'latin1');
      putU64(dt, 8, 24);
      const dtAt = this.written;
      putU64(head, dgs[0].at + 24 + 16, dtAt);
      head = Buffer.concat([head, dt]);
      this.written += 24;
    }
    const wait = this.sink.write(head);
    if (wait) this.pending = wait;
    return wait;
  }

  /** Writes a data group's records as a DT or DZ block (files). */
  private flush(g: DataStore): Promise<void> {
    const records = g.buf.subarray(0, g.used);
    let block: Buffer;
    if (this.compression === 'none') {
      block = Buffer.alloc(align8(24 + records.length));
      block.write('##DT', 0, 'latin1');
      putU64(block, 8, 24 + records.length);
      records.copy(block, 24);
    } else {
      const columns = this.compression === 'transposed' ? g.columns : 0;
      const packed = deflateSync(columns ? transpose(records, columns) : records);
      block = Buffer.alloc(align8(48 + packed.length));
      block.write('##DZ', 0, 'latin1');
      putU64(block, 8, 48 + packed.length);
      block.write('DT', 24, 'latin1');
      block[26] = columns ? 1 : 0;
      block.writeUInt32LE(columns, 28);
      putU64(block, 32, records.length);
      putU64(block, 40, packed.length);
      packed.copy(block, 48);
    }
    g.blocks.push({ at: this.written, length: records.length });
    this.written += block.length;
    g.used = 0;
    return Promise.resolve(this.sink.write(block));
  }

  /** Streams: records go straight out, into the one open DT block. */
  private stream(g: DataStore): void | Promise<void> {
    const bytes = Buffer.from(g.buf.subarray(0, g.used));
    g.used = 0;
    this.written += bytes.length;
    return this.sink.write(bytes);
  }
}

function collectChannel(c: Block, out: Block[]): void {
  out.push(c);
  for (let k = c.links[1] as Block | undefined; k; k = k.links[0] as Block | undefined)
    collectChannel(k, out);
}
