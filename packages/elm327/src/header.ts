import { FUNCTIONAL, functionalAddressOf, physical, type Target } from '@atelier/obd';
import type { ElmProtocol } from './protocols.js';

/**
 * The ECU target an ELM327 header (ATSH, with ATCP's priority byte on 29-bit CAN) addresses: the
 * emulator's rule, and the rule a transcript reader follows from the client's side. Without a header,
 * or on a protocol that is not CAN, requests are functional.
 */
export function targetOfHeader(header: string | undefined, priority: number, protocol: ElmProtocol): Target {
  if (!header || protocol.family !== 'can') return FUNCTIONAL;
  if (!protocol.extended) {
    const id = Number.parseInt(header.slice(-3), 16);
    return id === functionalAddressOf(false) ? FUNCTIONAL : physical(id);
  }
  const full =
    header.length === 8
      ? Number.parseInt(header, 16)
      : ((priority << 24) | Number.parseInt(header, 16)) >>> 0;
  return ((full >>> 16) & 0xff) === 0xdb ? FUNCTIONAL : physical(full);
}
