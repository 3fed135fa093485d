import { MAX_EXT_ID, MAX_STD_ID } from '../frame.js';
import { IsoTpConfigError } from './errors.js';

/**
 * ISO 15765-2 addressing formats we speak:
 * - `normal`: one CAN id per direction (0x7E0 → 0x7E8), payload from byte 0.
 * - `normal-fixed`: 29-bit ids 0x18DA<target><source> (physical), 0x18DB<target><source> (functional).
 * - `extended`: like normal, but the first data byte of every frame carries the target address.
 */
export type IsoTpAddressingMode = 'normal' | 'normal-fixed' | 'extended';

export interface IsoTpAddress {
  mode?: IsoTpAddressingMode;
  /** Id we transmit on (requests, or our flow control when we receive). */
  txId: number;
  /** Id we listen to (the peer's frames and its flow control). */
  rxId: number;
  /** 29-bit CAN ids; default: true for `normal-fixed`, else whether an id exceeds 0x7FF. */
  extendedIds?: boolean;
  /** Extended addressing: first data byte of the frames we send. */
  txAddress?: number;
  /** Extended addressing: first data byte of the frames we accept. */
  rxAddress?: number;
  /**
   * Functional request id used by `sendFunctional()` (0x7DF on 11-bit OBD, 0x18DB33F1 on 29-bit).
   * Functional requests are single frames: there is no flow control for a broadcast.
   */
  functionalId?: number;
}

/** OBD-II functional request ids (SAE J1979 / ISO 15765-4). */
export const OBD_FUNCTIONAL_ID_11 = 0x7df;
export const OBD_FUNCTIONAL_ID_29 = 0x18db33f1;
/** Tester address on 29-bit OBD (ISO 15765-4). */
export const OBD_TESTER_ADDRESS = 0xf1;

/**
 * Normal fixed addressing id (ISO 15765-2 §10.3.3, priority 6): 0x18DA<target><source> for a
 * physical request, 0x18DB<target><source> for a functional one. `normalFixedId(0x33, 0xF1, true)`
 * is the OBD broadcast 0x18DB33F1; the engine ECU answers the tester on `normalFixedId(0xF1, 0x10)`.
 */
export function normalFixedId(target: number, source: number, functional = false): number {
  for (const [name, v] of [
    ['target', target],
    ['source', source],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff)
      throw new IsoTpConfigError(`normalFixedId: ${name} address ${v} is not a byte`);
  }
  return ((functional ? 0x18db : 0x18da) * 0x10000 + target * 0x100 + source) >>> 0;
}

/** Splits a normal fixed id into its parts, or undefined when the id is not 0x18DA…/0x18DB…. */
export function parseNormalFixedId(
  id: number,
): { target: number; source: number; functional: boolean } | undefined {
  const top = id >>> 16;
  if (top !== 0x18da && top !== 0x18db) return undefined;
  return { target: (id >>> 8) & 0xff, source: id & 0xff, functional: top === 0x18db };
}

/** Resolved address with defaults applied and checked. */
export interface ResolvedAddress {
  mode: IsoTpAddressingMode;
  txId: number;
  rxId: number;
  extendedIds: boolean;
  txAddress: number | undefined;
  rxAddress: number | undefined;
  functionalId: number | undefined;
  /** Bytes taken by the address byte before the PCI (1 for extended addressing). */
  offset: number;
}

export function resolveAddress(a: IsoTpAddress): ResolvedAddress {
  const mode = a.mode ?? 'normal';
  if (mode !== 'normal' && mode !== 'normal-fixed' && mode !== 'extended')
    throw new IsoTpConfigError(`unknown addressing mode '${mode}'`);
  const ids = [a.txId, a.rxId, ...(a.functionalId === undefined ? [] : [a.functionalId])];
  const extendedIds = a.extendedIds ?? (mode === 'normal-fixed' || ids.some((id) => id > MAX_STD_ID));
  const max = extendedIds ? MAX_EXT_ID : MAX_STD_ID;
  for (const [name, id] of [
    ['txId', a.txId],
    ['rxId', a.rxId],
    ['functionalId', a.functionalId],
  ] as const) {
    if (id === undefined) continue;
    if (!Number.isInteger(id) || id < 0 || id > max) {
      throw new IsoTpConfigError(`${name} ${id} is not a valid ${extendedIds ? '29' : '11'}-bit CAN id`);
    }
  }
  if (mode === 'normal-fixed' && !extendedIds)
    throw new IsoTpConfigError('normal fixed addressing needs 29-bit ids');
  if (mode === 'extended') {
    for (const [name, v] of [
      ['txAddress', a.txAddress],
      ['rxAddress', a.rxAddress],
    ] as const) {
      if (v === undefined || !Number.isInteger(v) || v < 0 || v > 0xff) {
        throw new IsoTpConfigError(`extended addressing needs ${name} as a byte (got ${v})`);
      }
    }
  }
  return {
    mode,
    txId: a.txId,
    rxId: a.rxId,
    extendedIds,
    txAddress: mode === 'extended' ? a.txAddress : undefined,
    rxAddress: mode === 'extended' ? a.rxAddress : undefined,
    functionalId: a.functionalId,
    offset: mode === 'extended' ? 1 : 0,
  };
}
