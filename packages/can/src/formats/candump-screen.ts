import { FD_LENGTHS, type Frame } from '../frame.js';
import { EMPTY, LineError, latin1 } from './bytes.js';
import { CAN_ERR_FLAG } from './candump.js';
import type { LineParser } from './line-reader.js';

/**
 * candump's screen output (read only): `  can0  123   [8]  11 22 33 …`, optionally preceded by a
 * `-t a|d|z` timestamp `(1641469561.949700)` or a `-t A` date `(2022-01-06 11:46:01.949700)`, with
 * `-x` direction columns (`RX - -`), `remote request` for remote frames, `[08]` (two digits) for
 * CAN FD, and ASCII or ERRORFRAME annotations after the data. Lines without a timestamp get 0.
 * Tab-indented lines are candump `-e` error explanations and carry no frame.
 */
const LINE =
  /^\s*(?:\((\d+(?:\.\d+)?|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\)\s+)?(\S+)\s+(?:([RT]X)\s+(\S)\s+(\S)\s+)?([0-9A-Fa-f]+)\s+\[(\d{1,2})\]\s*(.*)$/;

export class CandumpScreenParser implements LineParser {
  parse(buf: Uint8Array, s: number, e: number): Frame | undefined {
    if (buf[s] === 0x09) return undefined;
    const line = latin1(buf, s, e);
    const m = LINE.exec(line);
    if (!m) throw new LineError("expected candump screen output '<interface> <id> [<length>] <bytes>'", 1);
    const [, time, channel, dir, brsFlag, esiFlag, idText, lenText, rest] = m;
    const col = (part: string) => line.indexOf(part) + 1;
    let timestamp = 0;
    if (time) {
      timestamp = time.includes('-') ? Date.parse(`${time.replace(' ', 'T')}Z`) / 1000 : Number(time);
      if (time.includes('-')) {
        const frac = /\.(\d+)$/.exec(time)?.[1] ?? '';
        // Date.parse keeps milliseconds only; the microseconds come from the text. Whole
        // microseconds divided once are the nearest double to the decimal time while they stay
        // below 2^53 (until the year 2255); past that the decimal text is read as such.
        const seconds = Math.floor(timestamp);
        const us = frac.padEnd(6, '0').slice(0, 6);
        const whole = seconds * 1e6 + Number(us);
        timestamp = whole <= Number.MAX_SAFE_INTEGER ? whole / 1e6 : Number(`${seconds}.${us}`);
      }
    }
    let id = Number.parseInt(idText, 16);
    let extended: boolean;
    let error = false;
    if (idText.length === 3) extended = false;
    else if (idText.length === 8) extended = true;
    else
      throw new LineError(
        `an id has 3 (11-bit) or 8 (29-bit) hex digits, found ${idText.length}`,
        col(idText),
      );
    if (extended && id >= CAN_ERR_FLAG && id < CAN_ERR_FLAG * 2) {
      error = true;
      extended = false;
      id -= CAN_ERR_FLAG;
    } else if (id > (extended ? 0x1fffffff : 0x7ff)) {
      throw new LineError(
        `id 0x${idText.toUpperCase()} out of range for ${extended ? 'a 29' : 'an 11'}-bit identifier`,
        col(idText),
      );
    }
    const fd = lenText.length === 2;
    const len = Number(lenText);
    const frame: Frame = { id, extended, data: EMPTY, timestamp, channel };
    if (dir) frame.direction = dir === 'RX' ? 'rx' : 'tx';
    if (error) frame.error = true;
    if (/^remote request/.test(rest)) {
      if (len > 8) throw new LineError(`remote DLC ${len} over 8`, col(`[${lenText}]`));
      frame.remote = true;
      if (len > 0) frame.dlc = len;
      return frame;
    }
    if (fd ? !(FD_LENGTHS as readonly number[]).includes(len) : len > 8) {
      throw new LineError(
        fd ? `${len} is not a valid CAN FD length` : `length ${len} exceeds 8 for classic CAN`,
        col(`[${lenText}]`),
      );
    }
    const tokens = rest.split(/\s+/).filter((t) => t !== '');
    const data = len === 0 ? EMPTY : new Uint8Array(len);
    for (let k = 0; k < len; k++) {
      const t = tokens[k];
      if (t === undefined)
        throw new LineError(`[${lenText}] announces ${len} data bytes, found ${k}`, line.length + 1);
      if (!/^[0-9A-Fa-f]{2}$/.test(t)) throw new LineError(`bad data byte '${t}'`, col(t));
      data[k] = Number.parseInt(t, 16);
    }
    const after = tokens[len];
    if (after !== undefined && !after.startsWith("'") && after !== 'ERRORFRAME') {
      throw new LineError(`unexpected '${after}' after the data`, col(after));
    }
    frame.data = data;
    if (fd) {
      frame.fd = true;
      if (brsFlag === 'B') frame.brs = true;
      if (esiFlag === 'E') frame.esi = true;
    }
    return frame;
  }
}
