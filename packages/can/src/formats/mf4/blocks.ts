import { BinaryLogError } from '../../log.js';
import { type Reason, reason, type Term, term } from '../../reason.js';
import { printable, type RandomSource, readExactly, u16, u32, u64 } from '../binary-source.js';

/**
 * ASAM MDF 4 blocks, from the published structure: every block but the 64-byte identification
 * block starts with a 24-byte header (`##XX`, 4 reserved bytes, u64 length, u64 link count), then
 * its links (u64 file offsets, 0 for none), then its data section. Offsets here are absolute.
 */

/** Metadata blocks are small; a length field above this is corruption, not a block to allocate. */
const MAX_METADATA_BLOCK = 16 * 2 ** 20;

export interface Block {
  id: string;
  at: number;
  length: number;
  links: number[];
  /** The data section (after the links). */
  data: Buffer;
}

export interface Identification {
  finalised: boolean;
  version: number;
  /** Standard unfinalised flags (`id_unfin_flags`). */
  unfinFlags: number;
  program: string;
}

/** Unfinalised flags, as the standard numbers them. */
export const UNFIN_CYCLE_COUNTERS = 1 << 0;
export const UNFIN_DT_LENGTH = 1 << 2;
export const UNFIN_UPDATE_DL = 1 << 4;
export const UNFIN_VLSD_OFFSETS = 1 << 6;

export interface Header {
  firstDataGroup: number;
  /** Start of measurement, ns since the epoch (UTC, or local time when `localTime`). */
  startNs: bigint;
  localTime: boolean;
}

export interface DataGroup {
  at: number;
  next: number;
  firstChannelGroup: number;
  data: number;
  recordIdSize: number;
}

export interface ChannelGroup {
  at: number;
  next: number;
  firstChannel: number;
  acquisitionName: number;
  source: number;
  recordId: number;
  cycleCount: number;
  flags: number;
  dataBytes: number;
  invalBytes: number;
}

export const CG_VLSD = 1 << 0;

export interface Channel {
  at: number;
  next: number;
  composition: number;
  name: number;
  conversion: number;
  /** cn_data: signal data (SD or a list of them), or the VLSD channel group, for VLSD channels. */
  data: number;
  type: number;
  syncType: number;
  dataType: number;
  bitOffset: number;
  byteOffset: number;
  bitCount: number;
  flags: number;
  invalBitPos: number;
}

export const CN_ALL_INVALID = 1 << 0;
export const CN_INVAL_VALID = 1 << 1;

export interface Conversion {
  type: number;
  values: number[];
}

export interface SourceInfo {
  busType: number;
}

/** How much a metadata read brings in around what it asks for (see BlockReader.bytes). */
const WINDOW = 64 * 1024;
/** How many such windows are kept: the blocks near the start, near the end, and between. */
const WINDOWS = 4;

/** Reads blocks of one file, checking that links stay inside it; remembers every block address. */
export class BlockReader {
  /** Addresses of the blocks read so far (an unfinished data block ends at the next one). */
  readonly known = new Set<number>();
  /** The windows read so far, the last used first. */
  private readonly windows: { at: number; bytes: Buffer }[] = [];

  constructor(
    readonly source: RandomSource,
    readonly size: number,
  ) {}

  /**
   * `length` bytes at `at` for a block header or a metadata block, through a few 64 KiB windows.
   * A file's metadata (identification, header, data groups, channel groups, channels, their
   * names and conversions, data block headers) is a few hundred small blocks, mostly close
   * together; read one by one, each is a trip to the thread pool, and on a million-frame file
   * those trips (≈ 260 of them) left the reader idle for longer than it took to decode the
   * frames. A longer read goes straight to the source.
   */
  async bytes(at: number, length: number, part: Term | Reason): Promise<Buffer> {
    const windows = this.windows;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i];
      if (at >= w.at && at + length <= w.at + w.bytes.length) {
        if (i > 0) windows.unshift(...windows.splice(i, 1));
        return w.bytes.subarray(at - w.at, at - w.at + length);
      }
    }
    const what = typeof part === 'string' ? term(part) : part;
    if (length > WINDOW / 2) return readExactly(this.source, at, length, what);
    const bytes = await this.source.read(at, Math.max(length, Math.min(WINDOW, this.size - at)));
    if (bytes.length < length) {
      throw this.error(at, reason('truncated-needs', { what, needs: length, left: bytes.length }));
    }
    windows.unshift({ at, bytes });
    if (windows.length > WINDOWS) windows.pop();
    return bytes.subarray(0, length);
  }

  get file(): string {
    return this.source.file;
  }

  error(at: number, why: Reason): BinaryLogError {
    return new BinaryLogError(this.file, at, why);
  }

  /** The 24-byte header of the block at `at` (its links and data are not read). */
  async header(
    at: number,
    from: number,
    what: Term,
  ): Promise<{ id: string; length: number; linkCount: number }> {
    this.checkLink(at, from, what);
    const h = await this.bytes(at, 24, reason('mf4.header-of', { what: term(what) }));
    if (h[0] !== 0x23 || h[1] !== 0x23) {
      throw this.error(
        at,
        reason('mf4.expected-hash', { what: term(what), found: printable(h, 0, 4), from }),
      );
    }
    this.known.add(at);
    return { id: h.toString('latin1', 0, 4), length: u64(h, 8), linkCount: u64(h, 16) };
  }

  /** The whole block at `at`, which must be one of `ids`. */
  async block(at: number, from: number, ids: readonly string[], what: Term): Promise<Block> {
    const { id, length, linkCount } = await this.header(at, from, what);
    if (!ids.includes(id))
      throw this.error(at, reason('mf4.expected-block', { what: term(what), ids: ids.join('|'), found: id }));
    if (length < 24 + 8 * linkCount || linkCount > MAX_METADATA_BLOCK / 8) {
      throw this.error(at, reason('mf4.links-dont-fit', { id, length, links: linkCount }));
    }
    if (length > MAX_METADATA_BLOCK) throw this.error(at, reason('mf4.block-claims', { id, length }));
    if (at + length > this.size) {
      throw this.error(at, reason('mf4.block-past-end', { id, length, left: this.size - at }));
    }
    const buf = await this.bytes(at, length, reason('mf4.block-named', { id }));
    const links: number[] = new Array(linkCount);
    for (let i = 0; i < linkCount; i++) links[i] = u64(buf, 24 + 8 * i);
    return { id, at, length, links, data: buf.subarray(24 + 8 * linkCount) };
  }

  checkLink(at: number, from: number, what: Term): void {
    if (at < 64 || at + 24 > this.size || !Number.isInteger(at)) {
      throw this.error(from, reason('mf4.link-outside', { what: term(what), at, size: this.size }));
    }
  }

  async identification(): Promise<Identification> {
    if (this.size === 0) throw this.error(0, reason('empty-file'));
    const id = await this.bytes(0, Math.min(64, this.size), 'the identification block');
    const fileId = id.toString('latin1', 0, 8);
    if (fileId !== 'MDF     ' && fileId !== 'UnFinMF ') {
      throw this.error(0, reason('mf4.not-mf4', { found: printable(id, 0, 8) }));
    }
    if (id.length < 64) throw this.error(0, reason('mf4.id-block-truncated'));
    const version = u16(id, 28);
    if (version < 400) {
      throw this.error(28, reason('mf4.version', { version }));
    }
    return {
      finalised: fileId === 'MDF     ',
      version,
      unfinFlags: u16(id, 60),
      program: id.toString('latin1', 16, 24).replace(/[\0 ]+$/, ''),
    };
  }

  async header64(): Promise<Header> {
    const b = await this.block(64, 0, ['##HD'], 'the header block');
    if (b.links.length < 1 || b.data.length < 13)
      throw this.error(64, reason('mf4.block-too-short', { id: 'HD' }));
    return {
      firstDataGroup: b.links[0],
      startNs: b.data.readBigUInt64LE(0),
      localTime: (b.data[12] & 1) !== 0,
    };
  }

  async dataGroup(at: number, from: number): Promise<DataGroup> {
    const b = await this.block(at, from, ['##DG'], 'a data group');
    if (b.links.length < 3 || b.data.length < 1)
      throw this.error(at, reason('mf4.block-too-short', { id: 'DG' }));
    const recordIdSize = b.data[0];
    if (![0, 1, 2, 4, 8].includes(recordIdSize))
      throw this.error(at + 24 + 8 * b.links.length, reason('mf4.record-id-size', { size: recordIdSize }));
    return { at, next: b.links[0], firstChannelGroup: b.links[1], data: b.links[2], recordIdSize };
  }

  async channelGroup(at: number, from: number): Promise<ChannelGroup> {
    const b = await this.block(at, from, ['##CG'], 'a channel group');
    if (b.links.length < 4 || b.data.length < 32)
      throw this.error(at, reason('mf4.block-too-short', { id: 'CG' }));
    const d = b.data;
    return {
      at,
      next: b.links[0],
      firstChannel: b.links[1],
      acquisitionName: b.links[2],
      source: b.links[3],
      recordId: u64(d, 0),
      cycleCount: u64(d, 8),
      flags: u16(d, 16),
      dataBytes: u32(d, 24),
      invalBytes: u32(d, 28),
    };
  }

  /** A channel, or undefined for a composition that is not a channel (a channel array). */
  async channel(at: number, from: number): Promise<Channel | undefined> {
    const { id } = await this.header(at, from, 'a channel');
    if (id === '##CA') return undefined;
    const b = await this.block(at, from, ['##CN'], 'a channel');
    if (b.links.length < 8 || b.data.length < 20)
      throw this.error(at, reason('mf4.block-too-short', { id: 'CN' }));
    const d = b.data;
    return {
      at,
      next: b.links[0],
      composition: b.links[1],
      name: b.links[2],
      conversion: b.links[4],
      data: b.links[5],
      type: d[0],
      syncType: d[1],
      dataType: d[2],
      bitOffset: d[3],
      byteOffset: u32(d, 4),
      bitCount: u32(d, 8),
      flags: u32(d, 12),
      invalBitPos: u32(d, 16),
    };
  }

  async conversion(at: number, from: number): Promise<Conversion> {
    const b = await this.block(at, from, ['##CC'], 'a conversion');
    const d = b.data;
    if (d.length < 24) throw this.error(at, reason('mf4.block-too-short', { id: 'CC' }));
    const count = u16(d, 6);
    if (d.length < 24 + 8 * count) throw this.error(at, reason('mf4.cc-too-short', { count }));
    const values: number[] = [];
    for (let i = 0; i < count; i++) values.push(d.readDoubleLE(24 + 8 * i));
    return { type: d[0], values };
  }

  async sourceInfo(at: number, from: number): Promise<SourceInfo> {
    const b = await this.block(at, from, ['##SI'], 'a source');
    return { busType: b.data.length > 1 ? b.data[1] : 0 };
  }

  /** The text of a TX or MD block ('' for no link). */
  async text(at: number, from: number): Promise<string> {
    if (at === 0) return '';
    const b = await this.block(at, from, ['##TX', '##MD'], 'a text');
    const end = b.data.indexOf(0);
    return b.data.toString('utf8', 0, end < 0 ? b.data.length : end);
  }
}
