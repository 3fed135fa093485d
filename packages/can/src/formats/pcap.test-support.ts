/**
 * Captures built byte by byte for the tests, from the published layouts (the pcap and pcapng IETF
 * drafts, tcpdump.org's LINKTYPE_CAN_SOCKETCAN, LINKTYPE_LINUX_SLL and LINKTYPE_LINUX_SLL2 pages),
 * not from the reader or the writer under test: every offset and constant is written out here.
 */

export type Order = 'le' | 'be';

const u16 = (v: number, o: Order) => {
  const b = Buffer.alloc(2);
  if (o === 'le') b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
};
const u32 = (v: number, o: Order) => {
  const b = Buffer.alloc(4);
  if (o === 'le') b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
};
const pad4 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

/**
 * A SocketCAN frame: id word (flags included) in `idOrder`, length, FD flags, reserved, len8_dlc,
 * data padded to `size` (16 for CAN, 72 for CAN FD).
 */
export function socketCan(
  idWord: number,
  data: number[],
  opts: { fdFlags?: number; len?: number; len8?: number; size?: number; idOrder?: Order } = {},
): Buffer {
  const size = opts.size ?? (data.length > 8 || opts.fdFlags ? 72 : 16);
  const b = Buffer.alloc(size);
  if ((opts.idOrder ?? 'be') === 'be') b.writeUInt32BE(idWord >>> 0, 0);
  else b.writeUInt32LE(idWord >>> 0, 0);
  b[4] = opts.len ?? data.length;
  b[5] = opts.fdFlags ?? 0;
  b[7] = opts.len8 ?? 0;
  Buffer.from(data).copy(b, 8);
  return b;
}

/** A LINUX_SLL (v1) header: packet type, ARPHRD_CAN (280), no address, protocol (big-endian). */
export function sll(pkttype: number, protocol: number): Buffer {
  return Buffer.concat([
    u16(pkttype, 'be'),
    u16(280, 'be'),
    u16(0, 'be'),
    Buffer.alloc(8),
    u16(protocol, 'be'),
  ]);
}

/** A LINUX_SLL2 header: protocol, reserved, interface index, ARPHRD_CAN, packet type, address length, address. */
export function sll2(pkttype: number, protocol: number, ifindex: number): Buffer {
  return Buffer.concat([
    u16(protocol, 'be'),
    u16(0, 'be'),
    u32(ifindex, 'be'),
    u16(280, 'be'),
    Buffer.from([pkttype, 0]),
    Buffer.alloc(8),
  ]);
}

export interface PcapPacket {
  sec: number;
  frac: number;
  bytes: Buffer;
  /** Original length when it differs from the bytes captured. */
  wire?: number;
}

/** A classic pcap file: magic (µs a1b2c3d4, ns a1b23c4d) in `order`, version 2.4, snaplen, link type. */
export function pcapFile(order: Order, nano: boolean, linktype: number, packets: PcapPacket[]): Buffer {
  const head = Buffer.concat([
    u32(nano ? 0xa1b23c4d : 0xa1b2c3d4, order),
    u16(2, order),
    u16(4, order),
    u32(0, order),
    u32(0, order),
    u32(262144, order),
    u32(linktype, order),
  ]);
  const records = packets.map((p) =>
    Buffer.concat([
      u32(p.sec, order),
      u32(p.frac, order),
      u32(p.bytes.length, order),
      u32(p.wire ?? p.bytes.length, order),
      p.bytes,
    ]),
  );
  return Buffer.concat([head, ...records]);
}

/** A pcapng block: type, total length, body (padded to 4), total length again. */
export function block(type: number, body: Buffer, order: Order): Buffer {
  const padded = pad4(body);
  const length = 12 + padded.length;
  return Buffer.concat([u32(type, order), u32(length, order), padded, u32(length, order)]);
}

/** Options: code, length, value padded to 4; then opt_endofopt. */
export function options(list: [number, Buffer][], order: Order): Buffer {
  if (list.length === 0) return Buffer.alloc(0);
  return Buffer.concat([
    ...list.map(([code, v]) => Buffer.concat([u16(code, order), u16(v.length, order), pad4(v)])),
    Buffer.alloc(4),
  ]);
}

export function sectionHeader(order: Order): Buffer {
  return block(
    0x0a0d0d0a,
    Buffer.concat([u32(0x1a2b3c4d, order), u16(1, order), u16(0, order), Buffer.alloc(8, 0xff)]),
    order,
  );
}

/** An IDB: link type, reserved, snaplen, options if_name (2) and if_tsresol (9). */
export function interfaceBlock(order: Order, linktype: number, name?: string, tsresol?: number): Buffer {
  const opts: [number, Buffer][] = [];
  if (name !== undefined) opts.push([2, Buffer.from(name, 'utf8')]);
  if (tsresol !== undefined) opts.push([9, Buffer.from([tsresol])]);
  return block(
    1,
    Buffer.concat([u16(linktype, order), u16(0, order), u32(0, order), options(opts, order)]),
    order,
  );
}

/** An EPB: interface, time stamp high and low, captured and original length, data, epb_flags (2). */
export function enhancedPacket(
  order: Order,
  iface: number,
  ts: bigint,
  bytes: Buffer,
  flags?: number,
): Buffer {
  const opts = flags === undefined ? Buffer.alloc(0) : options([[2, u32(flags, order)]], order);
  return block(
    6,
    Buffer.concat([
      u32(iface, order),
      u32(Number(ts >> 32n), order),
      u32(Number(ts & 0xffffffffn), order),
      u32(bytes.length, order),
      u32(bytes.length, order),
      pad4(bytes),
      opts,
    ]),
    order,
  );
}

/** An SPB: original length, data. */
export function simplePacket(order: Order, bytes: Buffer): Buffer {
  return block(3, Buffer.concat([u32(bytes.length, order), bytes]), order);
}
