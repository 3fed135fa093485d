import { normalFixedId, OBD_FUNCTIONAL_ID_11, OBD_FUNCTIONAL_ID_29, parseNormalFixedId } from '@atelier/can';
import type { Text } from './text.js';

/**
 * ISO 15765-4 addressing of the ECUs of a car, in one place: the request ↔ response rule, the label
 * a scan tool prints for an ECU, and the human name of the standard OBD addresses.
 *
 * - 11-bit: an ECU listens on 0x7E0 + n and answers on 0x7E8 + n (the same +8 rule is the usual
 *   convention outside 0x7E0–0x7E7 too, e.g. 0x760/0x768).
 * - 29-bit (normal fixed addressing): the tester (0xF1) asks ECU `xx` on 0x18DAxxF1 and the ECU answers
 *   on 0x18DAF1xx: target and source bytes swap.
 */

/** Functional (broadcast) request id of OBD on 11-bit or 29-bit CAN. */
export const functionalAddressOf = (extended: boolean): number =>
  extended ? OBD_FUNCTIONAL_ID_29 : OBD_FUNCTIONAL_ID_11;

/** A 29-bit id that is not in normal fixed form (0x18DA…/0x18DB…): no rule gives its other side. */
export class EcuAddressError extends RangeError {
  override name = 'EcuAddressError';
}

function swap29(id: number): number {
  const parts = parseNormalFixedId(id);
  if (!parts || parts.functional)
    throw new EcuAddressError(`0x${id.toString(16).toUpperCase()} is not a 29-bit physical normal fixed id`);
  return normalFixedId(parts.source, parts.target);
}

/** The physical request address of an ECU known by its response address: 0x7E8 → 0x7E0, 0x18DAF110 → 0x18DA10F1. */
export function requestAddressOf(response: number, extended: boolean): number {
  return extended ? swap29(response) : response - 8;
}

/** The response address of the ECU listening on a request address: 0x7E0 → 0x7E8, 0x18DA10F1 → 0x18DAF110. */
export function responseAddressOf(request: number, extended: boolean): number {
  return extended ? swap29(request) : request + 8;
}

/**
 * How a scan tool prints an ECU: `7E8`, `18DAF110`, or `10` for the node address of a legacy bus
 * (ISO 9141, KWP2000, J1850 through an adapter with headers on).
 */
export function ecuLabel(address: number, extended: boolean): string {
  return address
    .toString(16)
    .toUpperCase()
    .padStart(extended ? 8 : address <= 0xff ? 2 : 3, '0');
}

/** The address and id width a label stands for (`18DAF110` is 29-bit by its length). */
export function parseEcuLabel(label: string): { address: number; extended: boolean } | undefined {
  if (!/^[0-9A-Fa-f]{2,8}$/.test(label)) return undefined;
  return { address: Number.parseInt(label, 16), extended: label.length === 8 };
}

const ENGINE: Text = { fr: 'Moteur (ECM)', en: 'Engine (ECM)' };
const TRANSMISSION: Text = { fr: 'Boîte (TCM)', en: 'Transmission (TCM)' };
const BRAKES: Text = { fr: 'Freinage (ABS)', en: 'Brakes (ABS)' };

/**
 * The name of an ECU at a standard OBD address, by its response (or request) address, or undefined
 * when the standards do not name it. 11-bit: ISO 15765-4 numbers the emission ECUs #1–#8 on
 * 0x7E8–0x7EF, #1 being the engine and #2 the transmission by J1979's convention. 29-bit: the node
 * byte is a SAE J2178-1 physical address: 0x10–0x17 engine, 0x18–0x1F transmission, 0x28–0x2F brakes.
 */
export function ecuName(address: number, extended: boolean): Text | undefined {
  if (!extended) {
    const n = address >= 0x7e8 && address <= 0x7ef ? address - 0x7e8 : address - 0x7e0;
    if (n === 0) return ENGINE;
    if (n === 1) return TRANSMISSION;
    if (n >= 2 && n <= 7) return { fr: `Calculateur OBD n° ${n + 1}`, en: `OBD ECU #${n + 1}` };
    return undefined;
  }
  const parts = parseNormalFixedId(address);
  if (!parts) return undefined;
  const node = parts.source === 0xf1 ? parts.target : parts.source;
  if (node >= 0x10 && node <= 0x17) return ENGINE;
  if (node >= 0x18 && node <= 0x1f) return TRANSMISSION;
  if (node >= 0x28 && node <= 0x2f) return BRAKES;
  return undefined;
}
