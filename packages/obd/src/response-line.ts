import { decodeDtcList } from './dtc.js';
import { nrcMeaning, nrcName } from './nrc.js';
import { decodePid, PIDS, PidError, type PidValue, pidUnit, splitPids } from './pids.js';
import { hex2, type Lang, type Text } from './text.js';

/**
 * Decodes a response line as an ELM327 prints it, for people who log adapter output by hand:
 * `41 0C 1A F8`, `410C1AF8`, `7E8 04 41 0C 1A F8`, `7E804410C1AF8`, `18 DA F1 10 04 41 0C 1A F8`.
 * A CAN header, when present, names the ECU; the ISO-TP length byte that follows it is used to drop
 * padding. Multi-line (ISO-TP multi-frame) answers are not lines: use the OBD client for those.
 */

export interface DecodedPidLine {
  kind: 'pid';
  /** Response CAN id as printed (`7E8`, `18DAF110`) — only when the line had a header. */
  ecu?: string;
  mode: 1 | 2;
  pid: number;
  key: string;
  name: Text;
  value: PidValue;
  unit: string | Record<string, string>;
  /** Freeze frame number (service 02). */
  frame?: number;
}

export interface DecodedDtcLine {
  kind: 'dtc';
  ecu?: string;
  mode: 3 | 7 | 10;
  dtcs: string[];
}

export type DecodedLine = DecodedPidLine | DecodedDtcLine;

/** A line that cannot be decoded; `column` is the 1-based character where the problem is. */
export class ResponseLineError extends Error {
  override name = 'ResponseLineError';
  constructor(
    message: string,
    readonly line: string,
    readonly column?: number,
    /** The same in French, for `atelier obd decode` in French. */
    readonly fr?: string,
  ) {
    super(message);
  }

  messageIn(lang: Lang): string {
    return lang === 'fr' && this.fr !== undefined ? this.fr : this.message;
  }
}

function parseHexLine(line: string): { header?: string; bytes: number[] } {
  const text = line.trim().replace(/^>/, '').trim().toUpperCase();
  if (!text) throw new ResponseLineError('empty line', line, undefined, 'ligne vide');
  const bad = /[^0-9A-F\s]/.exec(text);
  if (bad) {
    throw new ResponseLineError(
      `'${bad[0]}' at column ${bad.index + 1} is not a hex digit`,
      line,
      bad.index + 1,
      `« ${bad[0]} » en colonne ${bad.index + 1} n'est pas un chiffre hexadécimal`,
    );
  }
  let tokens: string[];
  let header: string | undefined;
  if (/\s/.test(text)) {
    tokens = text.split(/\s+/);
    if (tokens[0].length === 3) header = tokens.shift();
    else if (tokens[0].length === 8) header = tokens.shift();
    else if (tokens.length > 4 && tokens[0] === '18' && (tokens[1] === 'DA' || tokens[1] === 'DB'))
      header = tokens.splice(0, 4).join('');
    const odd = tokens.find((t) => t.length !== 2);
    if (odd)
      throw new ResponseLineError(
        `'${odd}' is not one byte (two hex digits)`,
        line,
        line.toUpperCase().indexOf(odd) + 1,
        `« ${odd} » n'est pas un octet (deux chiffres hexadécimaux)`,
      );
  } else {
    let hex = text;
    if (/^18D[AB][0-9A-F]{4}/.test(hex) && hex.length >= 12) {
      header = hex.slice(0, 8);
      hex = hex.slice(8);
    } else if (hex.length % 2 === 1) {
      header = hex.slice(0, 3);
      hex = hex.slice(3);
    }
    if (hex.length % 2 === 1)
      throw new ResponseLineError(
        'odd number of hex digits',
        line,
        text.length,
        'nombre impair de chiffres hexadécimaux',
      );
    tokens = hex.match(/../g) ?? [];
  }
  return { ...(header ? { header } : {}), bytes: tokens.map((t) => Number.parseInt(t, 16)) };
}

/** Decodes one response line into one entry per PID (service 01/02) or its DTC list (03/07/0A). */
export function decodeResponseLine(line: string): DecodedLine[] {
  const { header, bytes } = parseHexLine(line);
  let data = bytes;
  // An ISO-TP single-frame length byte: present after a header, and sometimes without one.
  if (data.length >= 2 && data[0] >= 1 && data[0] <= 7 && data[0] <= data.length - 1 && data[1] >= 0x40) {
    if (header || data[0] === data.length - 1) data = data.slice(1, 1 + data[0]);
  }
  const ecu = header ? { ecu: header } : {};
  if (data.length === 0)
    throw new ResponseLineError('no data bytes', line, undefined, 'aucun octet de données');
  const sid = data[0];
  try {
    if (sid === 0x41 || sid === 0x42) {
      const mode = sid === 0x41 ? 1 : 2;
      const body = data.slice(1);
      if (body.length < 1)
        throw new ResponseLineError(
          `service ${hex2(sid)} answer without a PID`,
          line,
          undefined,
          `réponse de service ${hex2(sid)} sans PID`,
        );
      const slices = splitPids(body, { perPidPrefix: mode === 2 ? 1 : 0 });
      const frame = mode === 2 ? body[1] : undefined;
      return slices.map((s) => {
        const def = PIDS.get(s.pid)!;
        return {
          kind: 'pid',
          ...ecu,
          mode,
          pid: s.pid,
          key: def.key,
          name: def.name,
          value: decodePid(def, s.data),
          unit: pidUnit(def),
          ...(frame === undefined ? {} : { frame }),
        } satisfies DecodedPidLine;
      });
    }
    if (sid === 0x43 || sid === 0x47 || sid === 0x4a) {
      const mode = (sid - 0x40) as 3 | 7 | 10;
      const rest = data.slice(1);
      // CAN answers start with the number of DTCs; pre-CAN protocols send bare pairs.
      const counted = rest.length % 2 === 1 && rest[0] === (rest.length - 1) / 2;
      return [{ kind: 'dtc', ...ecu, mode, dtcs: decodeDtcList(counted ? rest.slice(1) : rest) }];
    }
  } catch (err) {
    if (err instanceof PidError)
      throw new ResponseLineError(err.message, line, undefined, err.messageIn('fr'));
    throw err;
  }
  if (sid === 0x7f) {
    throw new ResponseLineError(
      `negative response to service ${hex2(data[1] ?? 0)} (code ${hex2(data[2] ?? 0)})`,
      line,
      undefined,
      `réponse négative au service ${hex2(data[1] ?? 0)} : ${nrcMeaning(data[2] ?? 0, 'fr')} (NRC ${hex2(data[2] ?? 0)} ${nrcName(data[2] ?? 0)})`,
    );
  }
  throw new ResponseLineError(
    `service answer ${hex2(sid)} is not one this decoder reads (41, 42, 43, 47, 4A)`,
    line,
    undefined,
    `la réponse de service ${hex2(sid)} n'est pas de celles que ce décodeur lit (41, 42, 43, 47, 4A)`,
  );
}
