/**
 * The NF C18-550 habilitation an order needs, derived — never chosen: from the vehicle's energy
 * (anyone who works on a hybrid or an electric car holds at least B0L) and from what each quote
 * line does to the high-voltage system. The requirement is a set: consigning the car (BCL) and then
 * replacing an HV part (B1L) are two symbols, and whoever works on the order needs both covered.
 */
import type { Text } from '../i18n.js';
import { type Energy, isHighVoltage } from './domain.js';
import { COVERED_BY, type HabSymbol, isSymbol } from './habilitations.js';

export const HV_WORK = [
  'none',
  'hv_vicinity',
  'hv_diagnosis',
  'hv_lockout',
  'hv_deenergised',
  'hv_battery',
  'hv_live',
] as const;
export type HvWork = (typeof HV_WORK)[number];

export const isHvWork = (s: unknown): s is HvWork =>
  typeof s === 'string' && (HV_WORK as readonly string[]).includes(s);

export const HV_WORK_LABEL: Record<HvWork, Text> = {
  none: {
    fr: 'Aucune intervention sur le système haute tension',
    en: 'No work on the high-voltage system',
  },
  hv_vicinity: {
    fr: 'Travaux au voisinage de pièces haute tension sous tension',
    en: 'Work near energised high-voltage parts',
  },
  hv_diagnosis: {
    fr: 'Mesures et diagnostic sur le circuit haute tension',
    en: 'Measurements and diagnosis on the high-voltage circuit',
  },
  hv_lockout: { fr: 'Consignation du système haute tension', en: 'Lockout of the high-voltage system' },
  hv_deenergised: {
    fr: 'Travaux sur le système haute tension consigné',
    en: 'Work on the locked-out high-voltage system',
  },
  hv_battery: { fr: 'Opérations sur la batterie de traction', en: 'Operations on the traction battery' },
  hv_live: { fr: 'Travaux sous tension', en: 'Live work' },
};

/** The symbol an operation needs (the executant's; a "chargé" symbol covers it). */
export const HV_WORK_SYMBOL: Record<HvWork, HabSymbol> = {
  none: 'B0L',
  hv_vicinity: 'B1VL',
  hv_diagnosis: 'BRL',
  hv_lockout: 'BCL',
  hv_deenergised: 'B1L',
  hv_battery: 'B1XL',
  hv_live: 'B1TL',
};

/**
 * The symbols an order needs, smallest set: a symbol implied by another required one (whoever
 * holds a symbol covering B1L also covers B0L) is left out. Empty for a petrol or diesel car.
 */
export function hvRequirement(energy: Energy, works: readonly HvWork[]): HabSymbol[] {
  if (!isHighVoltage(energy)) return [];
  const wanted = new Set<HabSymbol>(['B0L', ...works.map((w) => HV_WORK_SYMBOL[w])]);
  const implied = (x: HabSymbol, y: HabSymbol) =>
    x !== y && COVERED_BY[y].every((h) => COVERED_BY[x].includes(h));
  return [...wanted].filter((x) => ![...wanted].some((y) => implied(x, y))).sort();
}

/** As stored in `repair_orders.hv_requirement`: symbols separated by spaces, or null. */
export const formatRequirement = (symbols: readonly HabSymbol[]): string | null =>
  symbols.length ? symbols.join(' ') : null;

export const parseRequirement = (stored: string | null | undefined): HabSymbol[] =>
  (stored ?? '').split(/\s+/).filter(isSymbol);
