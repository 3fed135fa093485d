import { type FrameBatch, FrameFlag } from '../batch.js';
import { BinaryLogError, type LogParseError, type ReadOptions } from '../log.js';
import { type Reason, reason } from '../reason.js';
import { BinaryCursor, BinaryLogReader, printable, type RandomSource } from './binary-source.js';
import { newFrameRow, rowInto } from './frame-row.js';
import { type CanKind, decodeSocketCan, type PacketResult } from './socketcan-packet.js';

/**
 * Captures of a SocketCAN interface as tcpdump and Wireshark save them: classic pcap (both byte
 * orders, micro- and nanosecond time stamps) and pcapng (sections, several interfaces with their
 * names and time resolutions, enhanced, simple and obsolete packet blocks, other blocks skipped).
 * Written from the published structure (the pcap and pcapng IETF drafts, tcpdump.org's link-type
 * pages); see the README for the facts and the sources.
 */

export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_CAN_SOCKETCAN = 227;
export const LINKTYPE_LINUX_SLL2 = 276;
/** Cooked-capture protocols (`sll_protocol`, big-endian): the kernel's ETH_P_CAN, ETH_P_CANFD. */
const SLL_P_CAN = 0x000c;
const SLL_P_CANFD = 0x000d;
const SLL_HEADER = 16;
const SLL2_HEADER = 20;
/** `sll_pkttype` of a packet the capturing host sent (PACKET_OUTGOING). */
const PACKET_OUTGOING = 4;

const PCAP_HEADER = 24;
const PCAP_RECORD = 16;
/** Block types of pcapng. */
const SHB = 0x0a0d0d0a;
const IDB = 1;
const PB = 2;
const SPB = 3;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Options of an IDB and of a packet block. */
const OPT_END = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const EPB_FLAGS = 2;
/**
 * No packet is longer than this (Wireshark's own limit for most link types is 256 KiB; a CAN FD
 * frame in a cooked capture is 92 bytes): a length field beyond it is damage, not a packet, and
 * the reader does not allocate for it.
 */
const MAX_PACKET = 256 * 1024;
/** A pcapng block other than a packet (a long comment, name resolution) may be larger. */
const MAX_BLOCK = 16 * 2 ** 20;
/** File bytes read at a time. */
const READ_CHUNK = 1 << 20;

/** What the magic at the start of a capture says, or undefined. */
export function pcapMagic(head: Uint8Array): 'pcap' | 'pcapng' | undefined {
  if (head.length < 4) return undefined;
  const be = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
  const le = ((head[3] << 24) | (head[2] << 16) | (head[1] << 8) | head[0]) >>> 0;
  if (be === SHB) return 'pcapng';
  for (const m of [be, le]) if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) return 'pcap';
  return undefined;
}

/** Reads the CAN frames of a pcap or pcapng capture (or its bytes). */
export function pcapReader(
  file: string,
  format: 'pcap' | 'pcapng',
  openSource: () => RandomSource,
  options: ReadOptions,
): BinaryLogReader {
  return new BinaryLogReader(
    file,
    format,
    openSource,
    options,
    (f, source, o, skipped) => new PcapIterator(f, source, o, skipped),
  );
}

/** A pcapng interface (IDB): its link type, the frames' channel and its clock. */
interface Interface {
  linktype: number;
  snaplen: number;
  /** `if_name`, else the interface's number in its section as text. */
  channel: string;
  named: boolean;
  /** Time units per second: 10^digits when `decimal`, else 2^digits. */
  decimal: boolean;
  digits: number;
  /** `if_tsoffset`, in microseconds. */
  offsetUs: number;
}

class PcapIterator extends BinaryCursor {
  bytesRead = 0;
  /** Packets that hold no CAN or CAN FD frame (CAN XL, other protocols, other link types). */
  override otherPackets = 0;
  private size = 0;
  private ng = false;
  /** The byte order of the file (pcap) or of the current section (pcapng). */
  private le = true;
  private nano = false;
  private linktype = 0;
  private interfaces: Interface[] = [];
  /** The window of file bytes, where it starts in the file, and the parse position in it. */
  private buf: Buffer = Buffer.alloc(0);
  private window: Buffer | undefined;
  private bufAt = 0;
  private p = 0;
  /** Bytes the record at `p` needs in the window (0: a header's worth). */
  private need = 0;
  /** The file ended inside a record (reported) or cannot be read further. */
  private done = false;
  private packet = 0;
  private lastUs = 0;
  private readonly row = newFrameRow();
  /** Direction flags of the packet being decoded and the channel of a cooked capture's interface index. */
  private dirFlags = 0;
  private ifindexChannel: string | undefined;
  /** Whether a pcapng interface of a CAN link type was seen, else the first other one. */
  private sawCanInterface = false;
  private firstOtherInterface: { at: number; linktype: number } | undefined;

  constructor(
    private readonly file: string,
    source: RandomSource,
    private readonly options: ReadOptions,
    private readonly skipped: LogParseError[],
  ) {
    super(source);
  }

  protected async release(): Promise<void> {
    this.buf = Buffer.alloc(0);
    this.window = undefined;
  }

  protected async open(): Promise<void> {
    this.size = await this.source.size();
    if (this.size === 0) throw new BinaryLogError(this.file, 0, reason('empty-file'));
    const head = await this.source.read(0, Math.min(this.size, PCAP_HEADER));
    const kind = pcapMagic(head);
    if (kind === undefined)
      throw new BinaryLogError(this.file, 0, reason('pcap.not-pcap', { found: printable(head, 0, 4) }));
    this.ng = kind === 'pcapng';
    if (this.ng) return; // the section header block is read as the first block
    if (head.length < PCAP_HEADER)
      throw new BinaryLogError(this.file, 0, reason('pcap.header-truncated', { needs: PCAP_HEADER }));
    this.le = head[0] === 0xd4 || head[0] === 0x4d;
    this.nano = head[0] === 0x4d || head[3] === 0x4d;
    const major = this.u16(head, 4);
    if (major !== 2)
      throw new BinaryLogError(this.file, 4, reason('pcap.bad-version', { major, minor: this.u16(head, 6) }));
    // The low 16 bits are the link type; the bits above say whether frames carry an FCS.
    this.linktype = this.u32(head, 20) & 0xffff;
    if (!isCanLinkType(this.linktype))
      throw new BinaryLogError(this.file, 20, reason('pcap.link-type', { linktype: this.linktype }));
    this.bufAt = PCAP_HEADER;
    this.bytesRead = PCAP_HEADER;
  }

  protected async load(): Promise<boolean> {
    if (this.done) return false;
    const at = this.bufAt + this.p;
    if (at >= this.size) return false;
    const left = this.buf.length - this.p;
    // The window already holds all that is left of the file: the record at `p` cannot grow.
    if (this.bufAt + this.buf.length >= this.size && left > 0) return false;
    const length = Math.min(this.size - at, Math.max(READ_CHUNK, this.need));
    // One reused window buffer: frames are copied out of it into the batch as they are decoded.
    if (length <= READ_CHUNK) this.window ??= Buffer.allocUnsafe(READ_CHUNK);
    this.buf = await this.source.read(at, length, length <= READ_CHUNK ? this.window : undefined);
    this.bufAt = at;
    this.p = 0;
    this.need = 0;
    return this.buf.length > 0;
  }

  protected end(): void {
    if (this.done) return;
    const at = this.bufAt + this.p;
    if (at < this.size) this.problem(at, reason('pcap.bytes-after-last', { bytes: this.size - at }));
    // A pcapng capture of no CAN interface at all (an Ethernet capture) is said as classic pcap's
    // link type is, at its first interface, rather than read as an empty log.
    const other = this.firstOtherInterface;
    if (this.ng && !this.sawCanInterface && other !== undefined)
      throw new BinaryLogError(this.file, other.at, reason('pcap.link-type', { linktype: other.linktype }));
  }

  protected takeInto(batch: FrameBatch): void {
    while (!batch.full && !this.done) {
      const ok = this.ng ? this.block(batch) : this.record(batch);
      if (!ok) return;
    }
  }

  /** One classic pcap record at `p`; false when the window does not hold it whole. */
  private record(batch: FrameBatch): boolean {
    const buf = this.buf;
    const p = this.p;
    const at = this.bufAt + p;
    if (buf.length - p < PCAP_RECORD) {
      this.need = PCAP_RECORD;
      return false;
    }
    const caplen = this.u32(buf, p + 8);
    const wire = this.u32(buf, p + 12);
    if (caplen > MAX_PACKET) {
      return this.fatal(at + 8, reason('pcap.packet-too-long', { length: caplen, max: MAX_PACKET }));
    }
    const total = PCAP_RECORD + caplen;
    if (at + total > this.size) {
      this.cut(at, reason('pcap.packet-past-end', { length: total, left: this.size - at }));
      return false;
    }
    if (buf.length - p < total) {
      this.need = total;
      return false;
    }
    this.packet++;
    const sec = this.u32(buf, p);
    const frac = this.u32(buf, p + 4);
    const us = sec * 1e6 + (this.nano ? Math.round(frac / 1000) : frac);
    this.dirFlags = 0;
    this.take(batch, this.decode(this.linktype, buf, p + PCAP_RECORD, caplen, wire), at, us, undefined);
    this.p = p + total;
    this.bytesRead = this.bufAt + this.p;
    return true;
  }

  /** One pcapng block at `p`; false when the window does not hold it whole. */
  private block(batch: FrameBatch): boolean {
    const buf = this.buf;
    const p = this.p;
    const at = this.bufAt + p;
    if (buf.length - p < 12) {
      this.need = 12;
      return false;
    }
    const typeBe = this.u32be(buf, p);
    if (typeBe === SHB) {
      const magic = this.u32be(buf, p + 8);
      if (magic === BYTE_ORDER_MAGIC) this.le = false;
      else if (this.u32le(buf, p + 8) === BYTE_ORDER_MAGIC) this.le = true;
      else {
        return this.fatal(at + 8, reason('pcapng.byte-order', { found: printable(buf, p + 8, 4) }));
      }
    } else if (at === 0) {
      return this.fatal(0, reason('pcap.not-pcap', { found: printable(buf, p, 4) }));
    }
    const type = this.u32(buf, p);
    const length = this.u32(buf, p + 4);
    if (length < 12 || length % 4 !== 0 || (type === SHB && length < 28)) {
      return this.fatal(at + 4, reason('pcapng.bad-block-length', { type: hex(type), length }));
    }
    if (at + length > this.size) {
      this.cut(at, reason('pcapng.block-past-end', { type: hex(type), length, left: this.size - at }));
      return false;
    }
    if (length > MAX_BLOCK) {
      return this.fatal(at + 4, reason('pcapng.bad-block-length', { type: hex(type), length }));
    }
    if (buf.length - p < length) {
      this.need = length;
      return false;
    }
    this.p = p + length;
    this.bytesRead = this.bufAt + this.p;
    const last = this.u32(buf, p + length - 4);
    if (last !== length) {
      this.problem(at, reason('pcapng.length-mismatch', { first: length, last }));
      return true;
    }
    const body = p + 8;
    const end = p + length - 4;
    switch (type) {
      case SHB:
        this.section(buf, body, at);
        break;
      case IDB:
        this.interfaceBlock(buf, body, end, at);
        break;
      case EPB:
      case PB:
        this.packetBlock(batch, type, buf, body, end, at);
        break;
      case SPB:
        this.simplePacket(batch, buf, body, end, at);
        break;
      default:
        // Name resolution, statistics, custom and other blocks carry no frame.
        break;
    }
    return true;
  }

  private section(buf: Buffer, body: number, at: number): void {
    const major = this.u16(buf, body + 4);
    if (major !== 1) {
      this.fatal(at + 12, reason('pcapng.bad-version', { major, minor: this.u16(buf, body + 6) }));
      return;
    }
    // A new section starts its own list of interfaces.
    this.interfaces = [];
  }

  private interfaceBlock(buf: Buffer, body: number, end: number, at: number): void {
    if (end - body < 8) {
      this.problem(at, reason('pcapng.block-short', { block: 'IDB' }));
      return;
    }
    const index = this.interfaces.length;
    const iface: Interface = {
      linktype: this.u16(buf, body),
      snaplen: this.u32(buf, body + 4),
      channel: String(index),
      named: false,
      decimal: true,
      digits: 6,
      offsetUs: 0,
    };
    // The interface is listed even when an option is bad, so the packets that name it are read.
    this.interfaces.push(iface);
    if (isCanLinkType(iface.linktype)) this.sawCanInterface = true;
    else this.firstOtherInterface ??= { at: at + 8, linktype: iface.linktype };
    this.options_(buf, body + 8, end, at, (code, v, n) => {
      if (code === IF_NAME && n > 0) {
        iface.channel = buf.toString('utf8', v, v + n).replace(/\0+$/, '');
        iface.named = true;
      } else if (code === IF_TSRESOL && n >= 1) {
        iface.decimal = (buf[v] & 0x80) === 0;
        iface.digits = buf[v] & 0x7f;
      } else if (code === IF_TSOFFSET && n >= 8) {
        const hi = this.le ? buf.readInt32LE(v + 4) : buf.readInt32BE(v);
        const lo = this.u32(buf, this.le ? v : v + 4);
        iface.offsetUs = (hi * 2 ** 32 + lo) * 1e6;
      }
    });
  }

  private packetBlock(
    batch: FrameBatch,
    type: number,
    buf: Buffer,
    body: number,
    end: number,
    at: number,
  ): void {
    if (end - body < 20) {
      this.problem(at, reason('pcapng.block-short', { block: type === EPB ? 'EPB' : 'PB' }));
      return;
    }
    const id = type === EPB ? this.u32(buf, body) : this.u16(buf, body);
    const caplen = this.u32(buf, body + 12);
    const wire = this.u32(buf, body + 16);
    const data = body + 20;
    this.packet++;
    if (data + caplen > end) {
      this.packetProblem(at, reason('pcap.data-cut', { announced: caplen, holds: end - data }));
      return;
    }
    const iface = this.interfaces[id];
    if (iface === undefined) {
      this.packetProblem(at, reason('pcapng.unknown-interface', { id, count: this.interfaces.length }));
      return;
    }
    this.dirFlags = 0;
    this.options_(buf, data + pad4(caplen), end, at, (code, v, n) => {
      if (code === EPB_FLAGS && n >= 4) {
        const dir = this.u32(buf, v) & 3;
        this.dirFlags = dir === 1 ? FrameFlag.RX : dir === 2 ? FrameFlag.TX : 0;
      }
    });
    const us = this.micros(this.u32(buf, body + 4), this.u32(buf, body + 8), iface);
    this.lastUs = us;
    const result = isCanLinkType(iface.linktype)
      ? this.decode(iface.linktype, buf, data, caplen, wire)
      : 'other';
    this.take(batch, result, at, us, iface);
  }

  /** A simple packet block: interface 0, no time stamp (the frame gets the last one seen). */
  private simplePacket(batch: FrameBatch, buf: Buffer, body: number, end: number, at: number): void {
    if (end - body < 4) {
      this.problem(at, reason('pcapng.block-short', { block: 'SPB' }));
      return;
    }
    this.packet++;
    const iface = this.interfaces[0];
    if (iface === undefined) {
      this.packetProblem(at, reason('pcapng.unknown-interface', { id: 0, count: 0 }));
      return;
    }
    const wire = this.u32(buf, body);
    let caplen = Math.min(wire, end - body - 4);
    if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
    this.dirFlags = 0;
    const result = isCanLinkType(iface.linktype)
      ? this.decode(iface.linktype, buf, body + 4, caplen, wire)
      : 'other';
    this.take(batch, result, at, this.lastUs, iface);
  }

  /** Walks a block's options (code, length, value padded to 4); a bad one is reported, the rest skipped. */
  private options_(
    buf: Buffer,
    from: number,
    end: number,
    at: number,
    each: (code: number, value: number, length: number) => void,
  ): void {
    let q = from;
    while (q + 4 <= end) {
      const code = this.u16(buf, q);
      const n = this.u16(buf, q + 2);
      if (code === OPT_END) return;
      if (q + 4 + n > end) {
        this.problem(at, reason('pcapng.bad-option', { code, length: n }));
        return;
      }
      each(code, q + 4, n);
      q += 4 + pad4(n);
    }
  }

  /** The frame of one packet by its link type; sets the direction a cooked capture gives. */
  private decode(linktype: number, buf: Buffer, at: number, length: number, wire: number): PacketResult {
    if (linktype === LINKTYPE_CAN_SOCKETCAN)
      return decodeSocketCan(buf, at, length, wire, 'socketcan', false, this.row);
    const header = linktype === LINKTYPE_LINUX_SLL ? SLL_HEADER : SLL2_HEADER;
    if (length < header) return reason('pcap.cooked-short', { needs: header, length });
    let protocol: number;
    let pkttype: number;
    if (linktype === LINKTYPE_LINUX_SLL) {
      pkttype = (buf[at] << 8) | buf[at + 1];
      protocol = (buf[at + 14] << 8) | buf[at + 15];
      this.ifindexChannel = undefined;
    } else {
      protocol = (buf[at] << 8) | buf[at + 1];
      pkttype = buf[at + 10];
      this.ifindexChannel = String(buf.readUInt32BE(at + 4));
    }
    let kind: CanKind;
    if (protocol === SLL_P_CAN) kind = 'can';
    else if (protocol === SLL_P_CANFD) kind = 'canfd';
    else return 'other';
    if (this.dirFlags === 0) this.dirFlags = pkttype === PACKET_OUTGOING ? FrameFlag.TX : FrameFlag.RX;
    // The CAN id of a cooked capture is in the byte order of the host that captured it, which is
    // the byte order the file (or the pcapng section) was written in: libpcap and Wireshark read it so.
    return decodeSocketCan(buf, at + header, length - header, wire - header, kind, this.le, this.row);
  }

  /** Puts a decoded packet in the batch, counts one that is not CAN, reports a bad one. */
  private take(
    batch: FrameBatch,
    result: PacketResult,
    at: number,
    us: number,
    iface: Interface | undefined,
  ): void {
    if (result === 'other') {
      this.otherPackets++;
      return;
    }
    if (result !== 'frame') {
      this.packetProblem(at, result);
      return;
    }
    const row = this.row;
    row.flags |= this.dirFlags;
    // A cooked capture on the `any` device (or on no named one) says the bus by its interface index.
    const sll2 =
      this.ifindexChannel !== undefined && (iface === undefined || !iface.named || iface.channel === 'any');
    row.channel = sll2 ? this.ifindexChannel : iface?.channel;
    this.ifindexChannel = undefined;
    rowInto(row, us / 1e6, batch);
  }

  /** Microseconds of a pcapng time stamp in the interface's resolution, exactly rounded. */
  private micros(hi: number, lo: number, iface: Interface): number {
    if (iface.decimal && iface.digits <= 6)
      return (hi * 2 ** 32 + lo) * 10 ** (6 - iface.digits) + iface.offsetUs;
    // Nanosecond (and finer, or binary) units: more than 2^53 of them since 1970, so whole numbers.
    const units = iface.decimal ? 10n ** BigInt(iface.digits) : 1n << BigInt(iface.digits);
    const v = (BigInt(hi) << 32n) | BigInt(lo);
    return Number((v * 1000000n + units / 2n) / units) + iface.offsetUs;
  }

  private packetProblem(at: number, why: Reason): void {
    this.problem(at, reason('pcap.in-packet', { inner: why, packet: this.packet }));
  }

  /** A problem the reader can go past: thrown, or listed in lenient mode. */
  private problem(at: number, why: Reason): void {
    const err = new BinaryLogError(this.file, at, why);
    if (!this.options.lenient) throw err;
    this.skipped.push(err);
  }

  /** The file ends inside a record: reported (or listed), and nothing more is read. */
  private cut(at: number, why: Reason): void {
    this.done = true;
    this.problem(at, why);
  }

  /** A problem the reader cannot go past (nothing says where the next record starts). */
  private fatal(at: number, why: Reason): never {
    this.done = true;
    throw new BinaryLogError(this.file, at, why);
  }

  private u16(b: Uint8Array, at: number): number {
    return this.le ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1];
  }

  private u32(b: Uint8Array, at: number): number {
    return this.le ? this.u32le(b, at) : this.u32be(b, at);
  }

  private u32le(b: Uint8Array, at: number): number {
    return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
  }

  private u32be(b: Uint8Array, at: number): number {
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  }
}

function isCanLinkType(t: number): boolean {
  return t === LINKTYPE_CAN_SOCKETCAN || t === LINKTYPE_LINUX_SLL || t === LINKTYPE_LINUX_SLL2;
}

const pad4 = (n: number) => (n + 3) & ~3;
const hex = (n: number) => n.toString(16).padStart(8, '0');
