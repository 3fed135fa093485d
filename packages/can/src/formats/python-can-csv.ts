import { FD_LENGTHS, type Frame } from '../frame.js';
import { clip } from '../quote.js';
import { type Reason, reason } from '../reason.js';
import { EMPTY, LineError, latin1 } from './bytes.js';
import type { LineParser } from './line-reader.js';
import type { LineFormatter } from './writer.js';

/**
 * python-can's CSV (`can.CSVWriter`, what `can.logger -f x.csv` and `can.Logger('x.csv')` write):
 * a header `timestamp,arbitration_id,extended,remote,error,dlc,data`, then one message a line —
 * seconds as Python prints a float, the id in hex (`0x7e8`), three 0/1 flags, the DLC, and the data
 * in base64. No channel, no direction; python-can writes a CAN FD message's bytes but not its flag
 * (it reads back as a message of more than 8 bytes, which Atelier reads as CAN FD). Told from
 * SavvyCAN's CSV by the header.
 */
export const PYTHON_CAN_CSV_HEADER = 'timestamp,arbitration_id,extended,remote,error,dlc,data';

const FIELDS = ['timestamp', 'arbitration_id', 'extended', 'remote', 'error', 'dlc', 'data'] as const;
/** A float as Python's repr() or str() writes one (no inf or nan: a message always has a time). */
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** What Python's int(x, 16) takes from python-can's hex(): an optional 0x prefix, hex digits. */
const HEX_ID = /^(0[xX])?[0-9a-fA-F]{1,8}$/;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class PythonCanCsvParser implements LineParser {
  private headerSeen = false;

  parse(buf: Uint8Array, s: number, e: number): Frame | undefined {
    const line = latin1(buf, s, e).replace(/\r$/, '');
    if (!this.headerSeen) {
      if (line.trim() !== PYTHON_CAN_CSV_HEADER) throw new LineError(reason('pycsv.expected-header'), 1);
      this.headerSeen = true;
      return undefined;
    }
    const fields = line.split(',');
    // Column (1-based) where field k starts, for the error's place.
    const col = (k: number) => {
      let c = 1;
      for (let i = 0; i < Math.min(k, fields.length); i++) c += fields[i]!.length + 1;
      return c;
    };
    const fail = (k: number, why: Reason): never => {
      throw new LineError(why, col(k));
    };
    if (fields.length !== FIELDS.length)
      fail(Math.min(fields.length, FIELDS.length), reason('pycsv.field-count', { n: fields.length }));
    const [timeText, idText, extText, rtrText, errText, dlcText, dataText] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const timestamp = Number(timeText);
    // 400 digits are a float to Python too (inf): no message has that time.
    if (!FLOAT.test(timeText) || !Number.isFinite(timestamp))
      fail(0, reason('pycsv.bad-time', { text: clip(timeText) }));
    if (!HEX_ID.test(idText)) fail(1, reason('bad-id', { text: clip(idText) }));
    const flag = (k: number, text: string, name: string): boolean => {
      if (text !== '0' && text !== '1') fail(k, reason('pycsv.bad-flag', { name, text: clip(text) }));
      return text === '1';
    };
    const extended = flag(2, extText, 'extended');
    const remote = flag(3, rtrText, 'remote');
    const error = flag(4, errText, 'error');
    const id = Number.parseInt(idText.replace(/^0[xX]/, ''), 16);
    if (!error && id > (extended ? 0x1fffffff : 0x7ff))
      fail(1, reason(extended ? 'id-over-29-bit' : 'id-over-11-bit', { id: id.toString(16).toUpperCase() }));
    if (!/^\d{1,2}$/.test(dlcText)) fail(5, reason('pycsv.bad-dlc', { text: clip(dlcText) }));
    const dlc = Number(dlcText);
    if (!BASE64.test(dataText)) fail(6, reason('pycsv.bad-data', { text: clip(dataText) }));
    const data = dataText === '' ? EMPTY : new Uint8Array(Buffer.from(dataText, 'base64'));
    if (remote) {
      if (data.length > 0) fail(6, reason('pycsv.remote-with-data', { n: data.length }));
      if (dlc > 8) fail(5, reason('pycsv.bad-dlc', { text: dlcText }));
      return { id, extended, data, timestamp, remote: true, dlc };
    }
    // python-can writes the message's length as its dlc; a CAN FD message is one of more than 8 bytes.
    if (dlc !== data.length) fail(5, reason('pycsv.dlc-mismatch', { dlc, n: data.length }));
    const frame: Frame = { id, extended, data, timestamp };
    if (error) frame.error = true;
    if (data.length > 8) {
      if (!(FD_LENGTHS as readonly number[]).includes(data.length))
        fail(6, reason('pycsv.bad-fd-length', { n: data.length }));
      frame.fd = true;
    }
    return frame;
  }
}

/** A number as Python's repr() writes a float: the shortest round trip, `.0` on a whole number. */
function pythonFloat(x: number): string {
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

export function pythonCanCsvFormatter(): LineFormatter {
  return {
    header: () => `${PYTHON_CAN_CSV_HEADER}\n`,
    line(f) {
      if (f.fd)
        throw "python-can's CSV cannot express CAN FD frames (their FD, BRS and ESI flags would be lost)";
      if (!f.remote && f.dlc !== undefined && f.dlc > 8)
        throw `python-can's CSV cannot express DLC ${f.dlc} on a classic frame (it writes the length)`;
      const dlc = f.remote ? (f.dlc ?? 0) : f.data.length;
      return `${pythonFloat(f.timestamp)},0x${f.id.toString(16)},${f.extended ? 1 : 0},${f.remote ? 1 : 0},${f.error ? 1 : 0},${dlc},${Buffer.from(f.data).toString('base64')}\n`;
    },
  };
}
