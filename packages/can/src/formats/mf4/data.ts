import type { BinaryLogError } from '../../log.js';
import { reason, zlibReason } from '../../reason.js';
import { readExactly, u32, u64 } from '../binary-source.js';
import { Inflater } from '../inflate.js';
import { type BlockReader, UNFIN_DT_LENGTH, UNFIN_UPDATE_DL } from './blocks.js';

/**
 * The data of a data group (records) or of a VLSD channel (signal data) is one logical byte
 * stream, stored as a single block (DT, SD, or DZ: the same deflated) or as a list of them (DL
 * blocks chained, optionally under an HL block). A record may be cut across two blocks. This
 * module walks such a tree lazily (one DL block in memory at a time) and hands out the stream in
 * chunks, reading the next chunk while the current one is parsed.
 */

/** Raw data blocks are read this much at a time. */
const READ_CHUNK = 1 << 20;
/** Read buffers kept for reuse: the one being parsed, those read ahead, and spares. */
const POOL_SIZE = 5;
/** A DZ block is inflated whole: its original length is bounded (asammdf writes ≤ 4 MiB, so do we). */
export const MAX_DZ_ORIGINAL = 256 * 2 ** 20;

const DATA_IDS = ['##DT', '##SD', '##RD', '##DV', '##DZ'];

/** One data block of the stream: raw bytes in the file, or a DZ block to inflate. */
export interface Piece {
  /** The block's address. */
  at: number;
  /** File offset of the stored bytes. */
  dataAt: number;
  /** Bytes of the logical stream the piece holds. */
  length: number;
  /** DZ only: stored (deflated) length, transposition parameter (0: plain deflate). */
  zipped?: { length: number; columns: number };
}

export interface Chunk {
  bytes: Buffer;
  /** File offset of `bytes[0]` for raw data, -1 for inflated data. */
  fileAt: number;
  /** The block the bytes come from. */
  blockAt: number;
}

export interface StreamOptions {
  unfinalised: boolean;
  unfinFlags: number;
  /**
   * Lenient reading: a data block cut by the end of the file is read as far as it goes (a DZ
   * block is skipped), and the problem reported here instead of thrown.
   */
  lenient?: (problem: BinaryLogError) => void;
}

/**
 * Walks the blocks under a data link in order. In an unfinalised file, a DT block whose length
 * was never written (it still says 24, or runs past the end) ends at the next known block or the
 * end of the file; a DL block whose last links were never written takes the data blocks that follow
 * the last linked one in the file.
 */
export class PieceWalker {
  /** DL blocks still to walk: their links, the next link to take, the next DL. */
  private list: { links: number[]; i: number; next: number; at: number; count: number } | undefined;
  private root: number;
  private lastEnd = 0;
  private readonly seen = new Set<number>();

  constructor(
    private readonly blocks: BlockReader,
    root: number,
    private readonly from: number,
    private readonly options: StreamOptions,
  ) {
    this.root = root;
  }

  async next(): Promise<Piece | undefined> {
    for (;;) {
      if (this.root !== 0) {
        const at = this.root;
        this.root = 0;
        const { id } = await this.blocks.header(at, this.from, 'data');
        if (id === '##HL') {
          const hl = await this.blocks.block(at, this.from, ['##HL'], 'a header list');
          if (hl.links[0]) await this.enterList(hl.links[0], at);
          continue;
        }
        if (id === '##DL') {
          await this.enterList(at, this.from);
          continue;
        }
        if (id === '##LD') throw this.blocks.error(at, reason('mf4.ld-unsupported'));
        return this.piece(at, this.from);
      }
      const list = this.list;
      if (list === undefined) return undefined;
      if (list.i < list.count) {
        const link = list.links[list.i++];
        if (link !== 0) return this.piece(link, list.at);
        // A link never written by a logger that stopped: the blocks that follow in the file.
        if (!this.options.unfinalised || !(this.options.unfinFlags & UNFIN_UPDATE_DL)) continue;
        const found = await this.following();
        if (found) return found;
        list.i = list.count;
        continue;
      }
      this.list = undefined;
      if (list.next !== 0) await this.enterList(list.next, list.at);
    }
  }

  private async enterList(at: number, from: number): Promise<void> {
    if (this.seen.has(at)) throw this.blocks.error(from, reason('mf4.data-list-loop', { at }));
    this.seen.add(at);
    const dl = await this.blocks.block(at, from, ['##DL'], 'a data list');
    const count = dl.data.length >= 8 ? u32(dl.data, 4) : 0;
    const links = dl.links.slice(1);
    for (const l of links) if (l !== 0) this.blocks.known.add(l);
    this.list = { links, i: 0, next: dl.links[0] ?? 0, at, count: Math.min(count, links.length) };
  }

  /** The data block right after the previous one, if there is one (unfinalised DL lists). */
  private async following(): Promise<Piece | undefined> {
    const at = Math.ceil(this.lastEnd / 8) * 8;
    if (this.lastEnd === 0 || at + 24 > this.blocks.size) return undefined;
    const h = await this.blocks.bytes(at, 4, 'a data block header');
    const id = h.toString('latin1', 0, 4);
    if (id !== '##DT' && id !== '##DZ') return undefined;
    return this.piece(at, at);
  }

  private async piece(at: number, from: number): Promise<Piece> {
    const { id, length } = await this.blocks.header(at, from, 'a data block');
    if (!DATA_IDS.includes(id)) throw this.blocks.error(at, reason('mf4.expected-data-block', { found: id }));
    const size = this.blocks.size;
    if (id === '##DZ') {
      const head = await this.blocks.bytes(at + 24, 24, 'a DZ block header');
      const columns = head[2] === 1 ? u32(head, 4) : 0;
      if (head[2] > 1) throw this.blocks.error(at + 26, reason('mf4.dz-compression', { method: head[2] }));
      const original = u64(head, 8);
      const stored = u64(head, 16);
      if (at + 48 + stored > size) {
        const err = this.blocks.error(at, reason('mf4.dz-past-end', { stored, left: size - at - 48 }));
        if (!this.options.lenient) throw err;
        this.options.lenient(err);
        return { at, dataAt: at + 48, length: 0 };
      }
      if (original > MAX_DZ_ORIGINAL || original > stored * 1100 + 1024) {
        throw this.blocks.error(
          at + 32,
          reason('mf4.dz-claims', { original, stored, limit: MAX_DZ_ORIGINAL >> 20 }),
        );
      }
      this.lastEnd = at + 48 + stored;
      return { at, dataAt: at + 48, length: original, zipped: { length: stored, columns } };
    }
    let end = at + length;
    const unfinishedDt =
      this.options.unfinalised &&
      (this.options.unfinFlags & UNFIN_DT_LENGTH) !== 0 &&
      id === '##DT' &&
      (length <= 24 || end > size);
    if (unfinishedDt) {
      // The logger never wrote the length: the block runs to the next block, or the end of the file.
      end = size;
      for (const k of this.blocks.known) if (k > at && k < end) end = k;
    } else if (length < 24) {
      throw this.blocks.error(at, reason('mf4.block-under-header', { id, length }));
    } else if (end > size) {
      const err = this.blocks.error(at, reason('mf4.block-past-end', { id, length, left: size - at }));
      if (!this.options.lenient) throw err;
      // Read what is there; the record cut at the end is reported by the record reader.
      this.options.lenient(err);
      end = size;
    }
    this.lastEnd = end;
    return { at, dataAt: at + 24, length: end - at - 24 };
  }
}

/**
 * The stream as chunks: raw pieces in 1 MiB reads, DZ pieces inflated whole (and transposed back).
 * Chunks are prepared ahead (see `next`).
 */
export class ChunkStream {
  private readonly walker: PieceWalker;
  private piece: Piece | undefined;
  /** Bytes of the current raw piece already handed out. */
  private within = 0;
  private readonly ahead: Promise<Chunk | undefined>[] = [];
  /**
   * Read buffers given back by the reader (`recycle`) once no record points into them: reading
   * into a used buffer costs no fresh pages (a fresh 1 MiB buffer is 256 page faults).
   * Only buffers this stream allocated are taken back.
   */
  private readonly pool: Buffer[] = [];
  private readonly owned = new WeakSet<ArrayBufferLike>();
  private readonly inflater = new Inflater();
  /** Where transposed blocks are inflated before being put back. */
  private scratch: Buffer | undefined;
  /** Logical offset of the next chunk to prepare. */
  position = 0;
  /** File bytes consumed (for progress). */
  bytesRead = 0;

  constructor(
    private readonly blocks: BlockReader,
    root: number,
    from: number,
    options: StreamOptions,
  ) {
    this.walker = new PieceWalker(blocks, root, from, options);
  }

  /**
   * The next chunk of the stream, or undefined at its end. The chunk after it is prepared behind
   * it (it starts when this one is ready: `prepare` walks the blocks in order), so the read of the
   * thread pool keeps ahead of the parse.
   */
  next(): Promise<Chunk | undefined> {
    const current = this.ahead.shift() ?? this.prepare();
    let last = this.ahead.at(-1) ?? current;
    // One ahead: the read of the next chunk overlaps the parse of this one (more in flight
    // measured slower for 1 MiB reads; DZ blocks are inflated on this thread, see inflatePiece).
    while (this.ahead.length < 1) {
      const next = last.then((c) => (c ? this.prepare() : undefined));
      // Nobody may await the read-ahead if iteration stops: keep its failure from going unhandled.
      next.catch(() => undefined);
      this.ahead.push(next);
      last = next;
    }
    return current;
  }

  private async prepare(): Promise<Chunk | undefined> {
    for (;;) {
      if (this.piece === undefined || this.within >= this.piece.length) {
        this.piece = await this.walker.next();
        this.within = 0;
        if (this.piece === undefined) return undefined;
        if (this.piece.length === 0) continue;
      }
      const p = this.piece;
      if (p.zipped) {
        this.within = p.length;
        this.position += p.length;
        this.bytesRead += p.zipped.length;
        return { bytes: await this.inflatePiece(p), fileAt: -1, blockAt: p.at };
      }
      const n = Math.min(READ_CHUNK, p.length - this.within);
      const at = p.dataAt + this.within;
      const into = this.buffer(READ_CHUNK);
      const bytes = await readExactly(
        this.blocks.source,
        at,
        n,
        reason('mf4.block-data', { at: p.at }),
        into,
      );
      this.within += n;
      this.position += n;
      this.bytesRead += n;
      return { bytes, fileAt: at, blockAt: p.at };
    }
  }

  /** The reader is done with these bytes (a chunk's): their buffer may be read into again. */
  recycle(bytes: Buffer): void {
    const whole = bytes.buffer;
    if (this.owned.has(whole) && this.pool.length < POOL_SIZE)
      this.pool.push(Buffer.from(whole, 0, whole.byteLength));
  }

  /** A buffer of at least n bytes (a view of n bytes of it), from the pool when one is big enough. */
  private buffer(n: number): Buffer {
    for (let i = this.pool.length - 1; i >= 0; i--) {
      const b = this.pool[i];
      if (b.length >= n) {
        this.pool.splice(i, 1);
        return b.subarray(0, n);
      }
    }
    const b = Buffer.allocUnsafe(Math.max(n, READ_CHUNK));
    this.owned.add(b.buffer);
    return b.subarray(0, n);
  }

  private async inflatePiece(p: Piece): Promise<Buffer> {
    const zipped = p.zipped!;
    const stored = await readExactly(
      this.blocks.source,
      p.dataAt,
      zipped.length,
      reason('mf4.dz-block', { at: p.at }),
      this.buffer(zipped.length),
    );
    // Inflated here, into reused buffers (see ../inflate.ts): a transposed block into scratch
    // bytes put back into a pooled buffer, a plain one straight into a pooled buffer.
    const transposed = zipped.columns > 1;
    const r = this.inflater.inflate(stored, p.length, transposed ? this.scratch : this.buffer(p.length + 1));
    this.recycle(stored);
    if ('zlibError' in r)
      throw this.blocks.error(
        p.at,
        reason('mf4.dz-zlib', { detail: zlibReason({ message: r.zlibError, code: r.zlibCode }) }),
      );
    if (!('bytes' in r)) {
      throw this.blocks.error(
        p.at,
        reason('mf4.dz-inflates', { length: r.length, expected: p.length, more: r.more ? 1 : 0 }),
      );
    }
    if (!transposed) return r.bytes;
    this.scratch = r.out;
    return untranspose(r.bytes, zipped.columns, this.buffer(r.bytes.length));
  }
}

/**
 * Transposed deflate stores the records column by column: the first `rows × columns` bytes are
 * byte 0 of every record, then byte 1 of every record, …; the bytes left over follow as they are.
 */
export function untranspose(stored: Buffer, columns: number, into?: Buffer): Buffer {
  const rows = Math.floor(stored.length / columns);
  const out = into !== undefined && into.length === stored.length ? into : Buffer.allocUnsafe(stored.length);
  if (rows >= 4 && columns % 4 !== 0) {
    // Unaligned words through DataViews: the columns are read where they are.
    untransposeColumns(stored, out, rows & ~3, rows, columns);
    for (let r = rows & ~3; r < rows; r++)
      for (let c = 0; c < columns; c++) out[r * columns + c] = stored[c * rows + r];
  } else if (LITTLE_ENDIAN && rows >= 4 && out.byteOffset % 4 === 0) {
    // Each column must start on a word: when the rows are not a multiple of 4 (or the bytes not
    // on a word), the columns are first copied apart to rows rounded up to 4 (native copies).
    const stride = (rows + 3) & ~3;
    let words = stored;
    if (stride !== rows || stored.byteOffset % 4 !== 0) {
      if (padded === undefined || padded.length < stride * columns) padded = Buffer.alloc(stride * columns);
      words = padded;
      for (let c = 0; c < columns; c++) words.set(stored.subarray(c * rows, (c + 1) * rows), c * stride);
    }
    untransposeWords(words, out, rows & ~3, stride, columns);
    // The last rows (fewer than 4) byte by byte.
    for (let r = rows & ~3; r < rows; r++)
      for (let c = 0; c < columns; c++) out[r * columns + c] = stored[c * rows + r];
  } else {
    // By tiles of rows, so the records being filled stay in the CPU cache while every column
    // passes over them (a column over all rows at once writes the whole output once per column).
    const tile = Math.max(1, Math.floor(UNTRANSPOSE_TILE / columns));
    for (let r0 = 0; r0 < rows; r0 += tile) {
      const r1 = Math.min(rows, r0 + tile);
      for (let c = 0; c < columns; c++) {
        const base = c * rows;
        for (let r = r0, o = r0 * columns + c; r < r1; r++, o += columns) out[o] = stored[base + r];
      }
    }
  }
  stored.copy(out, rows * columns, rows * columns);
  return out;
}

/**
 * Records of whole 32-bit words, `rows` (a multiple of 4) of columns `stride` bytes apart (a
 * multiple of 4, so every column starts on a word): 4 × 4
 * byte squares moved as words — a word of each of four columns holds 4 rows; shifts and masks
 * turn them into a word of each of the 4 rows. A quarter of the loads of a byte-by-byte copy.
 */
function untransposeWords(words: Buffer, out: Buffer, rows: number, stride: number, columns: number): void {
  const src = new Uint32Array(words.buffer, words.byteOffset, (stride * columns) >> 2);
  const dst = new Uint32Array(out.buffer, out.byteOffset, (rows * columns) >> 2);
  const perRow = columns >> 2;
  // Column c's words start at c * stride / 4: the words of four neighbouring columns for rows
  // r..r+3 are q words apart.
  const q = stride >> 2;
  for (let r4 = 0, n = rows >> 2; r4 < n; r4++) {
    let o = r4 * 4 * perRow;
    for (let w = 0, i = r4; w < perRow; w++, o++, i += 4 * q) {
      const a = src[i];
      const b = src[i + q];
      const c = src[i + 2 * q];
      const d = src[i + 3 * q];
      dst[o] = (a & 0xff) | ((b & 0xff) << 8) | ((c & 0xff) << 16) | (d << 24);
      dst[o + perRow] = ((a >>> 8) & 0xff) | (b & 0xff00) | ((c & 0xff00) << 8) | ((d & 0xff00) << 16);
      dst[o + 2 * perRow] =
        ((a >>> 16) & 0xff) | ((b >>> 8) & 0xff00) | (c & 0xff0000) | ((d & 0xff0000) << 8);
      dst[o + 3 * perRow] = (a >>> 24) | ((b >>> 16) & 0xff00) | ((c >>> 8) & 0xff0000) | (d & 0xff000000);
    }
  }
}

/**
 * Records whose size is not a multiple of 4: 4 × 4 byte squares as in untransposeWords for every
 * four columns, read and written as unaligned words through DataViews (neither the columns nor the
 * rows start on words, and copying the columns apart first cost a tenth of the block's time); the
 * columns left over (fewer than four) are written a byte at a time. A quarter of the loads and, on
 * the squares, of the stores of a byte-by-byte copy. `rows4`: the rows done here (a multiple of 4).
 */
function untransposeColumns(stored: Buffer, out: Buffer, rows4: number, rows: number, columns: number): void {
  const src = new DataView(stored.buffer, stored.byteOffset, stored.length);
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  const squares = columns & ~3;
  const c1 = columns;
  const c2 = 2 * columns;
  const c3 = 3 * columns;
  // Column c's bytes start at c · rows; its word for rows 4·r4 … 4·r4 + 3 is 4·r4 bytes further.
  const q = rows;
  for (let r4 = 0, n = rows4 >> 2; r4 < n; r4++) {
    const o = r4 * 4 * columns;
    let c = 0;
    let i = 4 * r4;
    for (; c < squares; c += 4, i += 4 * q) {
      const a = src.getUint32(i, true);
      const b = src.getUint32(i + q, true);
      const e = src.getUint32(i + 2 * q, true);
      const d = src.getUint32(i + 3 * q, true);
      view.setUint32(o + c, (a & 0xff) | ((b & 0xff) << 8) | ((e & 0xff) << 16) | (d << 24), true);
      view.setUint32(
        o + c1 + c,
        ((a >>> 8) & 0xff) | (b & 0xff00) | ((e & 0xff00) << 8) | ((d & 0xff00) << 16),
        true,
      );
      view.setUint32(
        o + c2 + c,
        ((a >>> 16) & 0xff) | ((b >>> 8) & 0xff00) | (e & 0xff0000) | ((d & 0xff0000) << 8),
        true,
      );
      view.setUint32(
        o + c3 + c,
        (a >>> 24) | ((b >>> 16) & 0xff00) | ((e >>> 8) & 0xff0000) | (d & 0xff000000),
        true,
      );
    }
    for (; c < columns; c++, i += q) {
      const w = src.getUint32(i, true);
      out[o + c] = w;
      out[o + c1 + c] = w >>> 8;
      out[o + c2 + c] = w >>> 16;
      out[o + c3 + c] = w >>> 24;
    }
  }
}

/** The columns copied apart by `untranspose`, kept for the next block (the copy is done with at once). */
let padded: Buffer | undefined;

/** Whether a Uint32Array stores its words little-endian (the word path of `untranspose` needs it). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Output bytes per tile of `untranspose`: well inside a first-level data cache. */
const UNTRANSPOSE_TILE = 8192;

/** The inverse, for the writer. */
export function transpose(records: Buffer, columns: number): Buffer {
  const rows = Math.floor(records.length / columns);
  const out = Buffer.allocUnsafe(records.length);
  for (let c = 0; c < columns; c++) {
    const base = c * rows;
    for (let r = 0, o = c; r < rows; r++, o += columns) out[base + r] = records[o];
  }
  records.copy(out, rows * columns, rows * columns);
  return out;
}

/**
 * Random reads of signal data (VLSD values: a u32 length then the bytes) by offset. Offsets come in
 * increasing order in practice, so the reader moves forward through the stream; an offset behind
 * it starts the stream again.
 */
export class SignalData {
  private stream: ChunkStream;
  private chunk: Buffer = Buffer.alloc(0);
  /** Logical offset of `chunk[0]`. */
  private base = 0;

  constructor(
    private readonly blocks: BlockReader,
    private readonly root: number,
    private readonly from: number,
    private readonly options: StreamOptions,
  ) {
    this.stream = new ChunkStream(blocks, root, from, options);
  }

  /** The value stored at `offset`, as a fresh array. */
  async value(offset: number): Promise<Uint8Array> {
    const head = await this.bytes(offset, 4);
    const n = u32(head, 0);
    if (n > 64 * 1024) throw this.blocks.error(this.root, reason('mf4.sd-value-corrupt', { n, offset }));
    return Uint8Array.from(await this.bytes(offset + 4, n));
  }

  private async bytes(offset: number, n: number): Promise<Buffer> {
    if (offset < this.base) {
      this.stream = new ChunkStream(this.blocks, this.root, this.from, this.options);
      this.chunk = Buffer.alloc(0);
      this.base = 0;
    }
    while (offset + n > this.base + this.chunk.length) {
      const next = await this.stream.next();
      if (next === undefined) {
        throw this.blocks.error(this.root, reason('mf4.sd-offset-past-end', { offset }));
      }
      // Keep the part still needed and the new bytes.
      const keep = Math.max(0, Math.min(offset - this.base, this.chunk.length));
      const rest = this.chunk.subarray(keep);
      this.base += keep;
      this.chunk = rest.length ? Buffer.concat([rest, next.bytes]) : next.bytes;
    }
    const at = offset - this.base;
    return this.chunk.subarray(at, at + n);
  }
}
