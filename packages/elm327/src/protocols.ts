/**
 * The ELM327 protocol numbers (ATSP/ATDPN) and what the parser needs to know about each: the frame
 * family and the identifier width.
 */
export type ProtocolFamily = 'can' | 'j1850' | 'iso9141' | 'kwp';

export interface ElmProtocol {
  /** The hex digit ATSP takes and ATDPN returns. */
  id: string;
  family: ProtocolFamily;
  /** CAN only: 29-bit identifiers. */
  extended: boolean;
  /** The name ATDP prints. */
  name: string;
  /** Bus bit rate, bit/s. */
  bitrate: number;
}

export const PROTOCOLS: readonly ElmProtocol[] = [
  { id: '1', family: 'j1850', extended: false, name: 'SAE J1850 PWM', bitrate: 41_600 },
  { id: '2', family: 'j1850', extended: false, name: 'SAE J1850 VPW', bitrate: 10_400 },
  { id: '3', family: 'iso9141', extended: false, name: 'ISO 9141-2', bitrate: 10_400 },
  { id: '4', family: 'kwp', extended: false, name: 'ISO 14230-4 (KWP 5BAUD)', bitrate: 10_400 },
  { id: '5', family: 'kwp', extended: false, name: 'ISO 14230-4 (KWP FAST)', bitrate: 10_400 },
  { id: '6', family: 'can', extended: false, name: 'ISO 15765-4 (CAN 11/500)', bitrate: 500_000 },
  { id: '7', family: 'can', extended: true, name: 'ISO 15765-4 (CAN 29/500)', bitrate: 500_000 },
  { id: '8', family: 'can', extended: false, name: 'ISO 15765-4 (CAN 11/250)', bitrate: 250_000 },
  { id: '9', family: 'can', extended: true, name: 'ISO 15765-4 (CAN 29/250)', bitrate: 250_000 },
  { id: 'A', family: 'can', extended: true, name: 'SAE J1939 (CAN 29/250)', bitrate: 250_000 },
];

export function protocolById(id: string): ElmProtocol | undefined {
  return PROTOCOLS.find((p) => p.id === id.toUpperCase());
}

/**
 * Parses an ATDPN answer: `6`, or `A6` when the adapter found protocol 6 by itself (auto).
 * Returns undefined for `0` (not yet decided) or anything unreadable.
 */
export function parseDpn(answer: string): { protocol: ElmProtocol; auto: boolean } | undefined {
  const m = /^(A?)([0-9A-C])$/i.exec(answer.trim());
  if (!m) return undefined;
  const protocol = protocolById(m[2]!);
  return protocol ? { protocol, auto: m[1] !== '' } : undefined;
}

/**
 * The order a client tries protocols in when auto-detection fails: the CAN variants first (every car
 * sold in Europe since 2008), then the legacy ones newest first.
 */
export const FALLBACK_ORDER = ['6', '8', '7', '9', '5', '4', '3', '2', '1'] as const;

/**
 * The protocol an ATDP answer names (`AUTO, ISO 15765-4 (CAN 11/500)`, `SAE J1850 VPW`), for
 * adapters that answer ATDPN with `?`. Undefined when the name is none of the ELM327's.
 */
export function protocolFromName(answer: string): ElmProtocol | undefined {
  const text = answer
    .replace(/^AUTO,?\s*/i, '')
    .trim()
    .toUpperCase();
  if (!text) return undefined;
  return PROTOCOLS.find((p) => p.name.toUpperCase() === text);
}

/**
 * The protocol an answer's own form shows, for adapters that tell neither by ATDPN nor by ATDP: an
 * 11-bit CAN header (`7E8 …`, an odd number of hex digits), a 29-bit one (`18 DA F1 …`), the J1979
 * header of ISO 9141-2 (`48 6B`) or ISO 14230-4 (`8x F1`), J1850 PWM (`41 6B`). The bit rate cannot
 * be seen: 500 kbit/s is assumed for CAN, fast initialisation for KWP.
 */
export function protocolFromAnswer(raw: string): ElmProtocol | undefined {
  for (const line of raw.split(/[\r\n]+/)) {
    const compact = line.replace(/\s+/g, '').toUpperCase();
    if (!/^[0-9A-F]+$/.test(compact) || compact.length < 6) continue;
    if (/^18DA/.test(compact) && compact.length % 2 === 0) return protocolById('7');
    if (/^7E[89A-F]/.test(compact) && compact.length % 2 === 1) return protocolById('6');
    if (compact.length % 2 === 1) continue;
    if (/^486B/.test(compact)) return protocolById('3');
    if (/^[89AB][0-9A-F]F1/.test(compact)) return protocolById('5');
    if (/^416B/.test(compact)) return protocolById('1');
  }
  return undefined;
}
