import { stMinToMs } from '@atelier/obd';
import { elmReason } from './elm-reasons.js';
import { clip, ElmFlowControlRefusedError, ElmFlowControlTimeoutError } from './errors.js';
import { segment } from './format.js';
import { answerLines, classifyLine, hexBytes } from './parse.js';

/**
 * Requests longer than one CAN frame through an ELM327. The chip does not segment: with CAN auto
 * formatting (AT CAF1) it sends one single frame of at most 7 bytes (6 after an AT CEA address),
 * and answers `?` to more. So the client frames the request itself with formatting off (AT CAF0),
 * as ISO 15765-2 lays it out: a first frame, the ECU's flow control read back from what the chip
 * prints, then the consecutive frames, BS at a time and STmin apart. This module holds the pure
 * parts: the frames, and reading a flow control out of the chip's answer.
 */

/** The most FC.WAIT frames accepted in a row before giving up (ISO 15765-2 N_WFTmax; ours). */
export const MAX_FC_WAITS = 10;

/** The frames of a request as the client writes them under AT CAF0, one hex line each. */
export function manualFrames(data: Uint8Array, addressExtension?: number): string[] {
  // The chip puts the AT CEA byte first itself (even with formatting off): leave room for it but
  // do not write it. Padding is the chip's own 00, as with auto formatting.
  const frames = segment(data, 0x00, addressExtension);
  return frames.map((f) =>
    Array.from(addressExtension === undefined ? f : f.subarray(1), (b) =>
      b.toString(16).toUpperCase().padStart(2, '0'),
    ).join(''),
  );
}

/** A clear-to-send flow control: the block size and the separation time it asks for. */
export interface ClearToSend {
  bs: number;
  stMinMs: number;
  /** FC.WAIT frames the ECU sent before it. */
  waits: number;
}

/**
 * Reads the flow control an ECU sent back after `frame` out of the chip's answer to it (formatting
 * off, headers on: `7E8 30 00 00 …`, each frame as received). FC.WAIT frames are counted; FC.CTS
 * ends the wait; FC.OVFLW and undefined flow statuses refuse the request; no clear to send at all
 * (`NO DATA`, or only waits before the chip's timeout) is ISO 15765-2's N_Bs timeout. A chip error
 * line (`CAN ERROR` …) is thrown as its own typed error.
 */
export function readFlowControl(
  raw: string,
  opts: { command: string; ecu: number; extended: boolean; frame: string; addressExtension?: boolean },
): ClearToSend {
  const detail = (elm: string) => ({
    elm: clip(elm),
    command: opts.command,
    frame: opts.frame,
    ecu: opts.ecu,
  });
  const lines = answerLines(raw, opts.command);
  const width = opts.extended ? 8 : 3;
  const ecuText = opts.ecu.toString(16).toUpperCase().padStart(width, '0');
  let waits = 0;
  for (const line of lines) {
    const status = classifyLine(line);
    if (status?.kind === 'error') {
      if (/^NO DATA$/i.test(line.trim())) continue;
      throw status.error({ elm: clip(line), command: opts.command });
    }
    if (status) continue;
    const compact = line.replace(/\s+/g, '');
    const bytes = hexBytes(compact.slice(width));
    if (!bytes || Number.parseInt(compact.slice(0, width), 16) !== opts.ecu) continue;
    const pci = bytes.subarray(opts.addressExtension ? 1 : 0);
    if (pci.length < 3 || pci[0]! >> 4 !== 3) continue;
    const fs = pci[0]! & 0x0f;
    if (fs === 0) return { bs: pci[1]!, stMinMs: stMinToMs(pci[2]!), waits };
    if (fs === 1) {
      if (++waits > MAX_FC_WAITS)
        throw new ElmFlowControlTimeoutError(
          elmReason('fc-wait-limit', { ecu: ecuText, limit: MAX_FC_WAITS, frame: opts.frame }),
          'wait-limit',
          detail(line),
        );
      continue;
    }
    if (fs === 2)
      throw new ElmFlowControlRefusedError(
        elmReason('fc-overflow', { ecu: ecuText, frame: opts.frame, line: clip(line) }),
        'overflow',
        detail(line),
      );
    throw new ElmFlowControlRefusedError(
      elmReason('fc-invalid', { ecu: ecuText, frame: opts.frame, fs, line: clip(line) }),
      'invalid-fs',
      detail(line),
    );
  }
  const heard = clip(lines.join(' | '));
  throw new ElmFlowControlTimeoutError(
    elmReason('fc-timeout', { ecu: ecuText, frame: opts.frame, waits, heard }),
    'timeout-bs',
    detail(heard),
  );
}

/**
 * With formatting off and headers off (a clone that ignores ATH1), the chip prints each frame as 8
 * bytes without its id. On 11-bit CAN such a line (16 hex digits, even) cannot be a line with a
 * header (3 digits + bytes, odd), so it is given the id of the ECU the request went to — the one
 * ECU a physical multi-frame request can get answers from — and read like any frame with its
 * header. The command's echo is left alone. 29-bit lines are left as they are (see the README).
 */
export function withEcuHeader(raw: string, ecu: number, extended: boolean, command: string): string {
  if (extended) return raw;
  const id = ecu.toString(16).toUpperCase().padStart(3, '0');
  return raw
    .split('\r')
    .map((line) => {
      const compact = line.replace(/\s+/g, '');
      if (compact.length !== 16 || !/^[0-9A-Fa-f]+$/.test(compact) || compact.toUpperCase() === command)
        return line;
      return `${id}${compact}`;
    })
    .join('\r');
}
