import { FD_LENGTHS, type Frame } from '../frame.js';
import { reason } from '../reason.js';
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
    if (!m) throw new LineError(reason('screen.expected-line'), 1);
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
    else throw new LineError(reason('candump.id-digits', { digits: idText.length }), col(idText));
    if (extended && id >= CAN_ERR_FLAG && id < CAN_ERR_FLAG * 2) {
      error = true;
      extended = false;
      id -= CAN_ERR_FLAG;
    } else if (id > (extended ? 0x1fffffff : 0x7ff)) {
      throw new LineError(
        reason(extended ? 'id-over-29-bit' : 'id-over-11-bit', { id: idText.toUpperCase() }),
        col(idText),
      );
    }
    const fd = lenText.length === 2;
    const len = Number(lenText);
    const frame: Frame = { id, extended, data: EMPTY, timestamp, channel };
    if (dir) frame.direction = dir === 'RX' ? 'rx' : 'tx';
    if (error) frame.error = true;
    if (/^remote request/.test(rest)) {
      if (len > 8) throw new LineError(reason('screen.remote-dlc', { dlc: len }), col(`[${lenText}]`));
      frame.remote = true;
      if (len > 0) frame.dlc = len;
      return frame;
    }
    if (fd ? !(FD_LENGTHS as readonly number[]).includes(len) : len > 8) {
      throw new LineError(
        fd ? reason('fd-length', { n: len }) : reason('classic-length', { n: len }),
        col(`[${lenText}]`),
      );
    }
    const tokens = rest.split(/\s+/).filter((t) => t !== '');
    const data = len === 0 ? EMPTY : new Uint8Array(len);
    for (let k = 0; k < len; k++) {
      const t = tokens[k];
      if (t === undefined)
        throw new LineError(
          reason('announces-bytes', { what: `[${lenText}]`, n: len, found: k }),
          line.length + 1,
        );
      if (!/^[0-9A-Fa-f]{2}$/.test(t)) throw new LineError(reason('bad-data-byte', { text: t }), col(t));
      data[k] = Number.parseInt(t, 16);
    }
    const after = tokens[len];
    if (after !== undefined && !after.startsWith("'") && after !== 'ERRORFRAME') {
      throw new LineError(
        reason('unexpected-after-data', { found: reason('found-text', { text: after }) }),
        col(after),
      );
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
