import { j1850Crc, sumChecksum } from './parse.js';
import type { ElmProtocol } from './protocols.js';

/**
 * How an ELM327 prints ECU answers: the inverse of parse.ts, used by the emulator. Kept beside the
 * parser so that the two are tested against each other.
 */
export interface FormatOptions {
  protocol: ElmProtocol;
  headers: boolean;
  spaces: boolean;
  /** CAN padding byte the ECUs use (00, 55 and AA are all seen in cars). */
  padding?: number;
  /**
   * AT CAF0 (CAN auto formatting off): every frame printed as received, PCI and padding included,
   * one line per frame even with headers off (no `014` / `0:` layout).
   */
  raw?: boolean;
}

export interface FormatAnswer {
  ecu: number;
  data: Uint8Array;
  /** Extended addressing: the byte in front of each of the answer's frames (the tester's address). */
  addressExtension?: number;
}

const h2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

function bytesText(bytes: ArrayLike<number>, spaces: boolean): string {
  const parts = Array.from(bytes, h2);
  // A real ELM327 ends each byte with a space when spaces are on, the last one included.
  return spaces ? parts.map((p) => `${p} `).join('') : parts.join('');
}

function canHeader(id: number, protocol: ElmProtocol, spaces: boolean): string {
  if (!protocol.extended) return id.toString(16).toUpperCase().padStart(3, '0') + (spaces ? ' ' : '');
  const b = [(id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff];
  return bytesText(b, spaces);
}

/**
 * ISO 15765-2 segmentation of one message into classic CAN frames (8 bytes, padded). With an
 * extended address, that byte comes first in every frame and the PCI after it: a single frame holds
 * 6 bytes, a first frame 5, a consecutive frame 6.
 */
export function segment(data: Uint8Array, padding = 0x00, addressExtension?: number): Uint8Array[] {
  const ext = addressExtension === undefined ? [] : [addressExtension & 0xff];
  const room = 7 - ext.length;
  const pad = (frame: number[]) => {
    while (frame.length < 8) frame.push(padding);
    return Uint8Array.from(frame);
  };
  if (data.length <= room) return [pad([...ext, data.length, ...data])];
  const first = room - 1;
  const frames = [
    pad([...ext, 0x10 | ((data.length >> 8) & 0x0f), data.length & 0xff, ...data.slice(0, first)]),
  ];
  let sn = 1;
  for (let i = first; i < data.length; i += room) {
    frames.push(pad([...ext, 0x20 | sn, ...data.slice(i, i + room)]));
    sn = (sn + 1) & 0x0f;
  }
  return frames;
}

/**
 * One CAN frame as the chip prints it with CAN auto formatting off (AT CAF0), or with headers on:
 * its id when headers are on, then every data byte as received.
 */
export function formatCanFrame(id: number, frame: ArrayLike<number>, opts: FormatOptions): string {
  return (opts.headers ? canHeader(id, opts.protocol, opts.spaces) : '') + bytesText(frame, opts.spaces);
}

/** The lines an ELM327 prints for one ECU answer on a CAN protocol. */
export function formatCan(answer: FormatAnswer, opts: FormatOptions): string[] {
  const ext = answer.addressExtension === undefined ? 0 : 1;
  const frames = segment(answer.data, opts.padding, answer.addressExtension);
  // Headers on (or formatting off): each frame as it was on the bus (the address byte and the PCI shown).
  if (opts.headers || opts.raw) return frames.map((f) => formatCanFrame(answer.ecu, f, opts));
  // Headers off: the address byte goes with the PCI (Atelier's reading of the datasheet, which does
  // not show this case).
  if (frames.length === 1) return [bytesText(answer.data, opts.spaces)];
  const lines = [answer.data.length.toString(16).toUpperCase().padStart(3, '0')];
  frames.forEach((f, i) => {
    const payload = i === 0 ? f.slice(2 + ext) : f.slice(1 + ext);
    lines.push(
      `${(i & 0x0f).toString(16).toUpperCase()}:${opts.spaces ? ' ' : ''}${bytesText(payload, opts.spaces)}`,
    );
  });
  return lines;
}

/** The legacy-bus node address the emulator gives an ECU known by its CAN response id. */
export function legacyAddress(ecu: number): number {
  return ecu >= 0x7e8 && ecu <= 0x7ef ? 0x10 + (ecu - 0x7e8) : ecu & 0xff;
}

/**
 * Splits one ISO 15765-style answer into J1979 legacy messages of at most 7 data bytes: DTC lists
 * three codes per message without the count byte, mode 09 data in numbered 4-byte chunks.
 */
export function legacyMessages(data: Uint8Array): Uint8Array[] {
  const sid = data[0];
  if ((sid === 0x43 || sid === 0x47 || sid === 0x4a) && data.length >= 2) {
    const codes = [...data.slice(2)];
    const out: Uint8Array[] = [];
    for (let i = 0; i < Math.max(codes.length, 1); i += 6) {
      const chunk = codes.slice(i, i + 6);
      while (chunk.length < 6) chunk.push(0);
      out.push(Uint8Array.from([sid, ...chunk]));
    }
    return out;
  }
  if (sid === 0x49 && data.length > 2) {
    const pid = data[1]!;
    let payload = [...data.slice(pid % 0x20 === 0 ? 2 : 3)];
    if (pid === 0x02) while (payload.length % 4 !== 0 || payload.length < 20) payload = [0, ...payload];
    while (payload.length % 4 !== 0) payload.push(0);
    const out: Uint8Array[] = [];
    for (let i = 0, seq = 1; i < payload.length; i += 4, seq++)
      out.push(Uint8Array.from([0x49, pid, seq, ...payload.slice(i, i + 4)]));
    return out;
  }
  return data.length <= 7 ? [data] : [data.slice(0, 7)];
}

/** The lines an ELM327 prints for one ECU answer on a legacy protocol (header + data + checksum). */
export function formatLegacy(answer: FormatAnswer, opts: FormatOptions): string[] {
  return legacyMessages(answer.data).map((msg) => {
    if (!opts.headers) return bytesText(msg, opts.spaces);
    const src = legacyAddress(answer.ecu);
    let header: number[];
    if (opts.protocol.family === 'j1850')
      header = opts.protocol.id === '1' ? [0x41, 0x6b, src] : [0x48, 0x6b, src];
    else if (opts.protocol.family === 'kwp') header = [0x80 | msg.length, 0xf1, src];
    else header = [0x48, 0x6b, src];
    const body = [...header, ...msg];
    const check = opts.protocol.family === 'j1850' ? j1850Crc(body) : sumChecksum(body);
    return bytesText([...body, check], opts.spaces);
  });
}

export function formatAnswer(answer: FormatAnswer, opts: FormatOptions): string[] {
  return opts.protocol.family === 'can' ? formatCan(answer, opts) : formatLegacy(answer, opts);
}
