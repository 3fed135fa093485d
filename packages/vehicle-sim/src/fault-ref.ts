import { FAULT_TYPES, FAULTS, type FaultSpec, type FaultType } from './faults.js';

/**
 * A reference to the simulator's faults from outside it (a knowledge-base cause's `sim_faults`, a
 * repair): a fault type (`hv_isolation`: that type, at any part) or a type at one part
 * (`hv_isolation:inverter`). A fault written without a part is at its type's first part, the default.
 */
export type FaultRef = string;

/** The part a fault is at: its own, else its type's default (the first of `FAULTS[type].parts`). */
export function faultPart(f: Pick<FaultSpec, 'type' | 'part'>): string | undefined {
  return f.part ?? FAULTS[f.type]?.parts?.[0];
}

/** A reference split into its type and part (no part: any part of the type). */
export function parseFaultRef(ref: FaultRef): { type: string; part?: string } {
  const at = ref.indexOf(':');
  return at < 0 ? { type: ref } : { type: ref.slice(0, at), part: ref.slice(at + 1) };
}

/** Whether a reference names this fault: same type, and the same part when it names one. */
export function faultMatches(ref: FaultRef, f: Pick<FaultSpec, 'type' | 'part'>): boolean {
  const { type, part } = parseFaultRef(ref);
  return f.type === type && (part === undefined || faultPart(f) === part);
}

/** Whether any of the references names this fault. */
export function faultNamedBy(refs: readonly FaultRef[], f: Pick<FaultSpec, 'type' | 'part'>): boolean {
  return refs.some((r) => faultMatches(r, f));
}

/** The simulator's fault types and the parts each can be at (none: the type has no parts to tell apart). */
export const FAULT_CATALOGUE: readonly { type: FaultType; parts: readonly string[] }[] = FAULT_TYPES.map(
  (type) => ({
    type,
    parts: FAULTS[type].parts ?? [],
  }),
);
