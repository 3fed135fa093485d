import type { Localized } from './text.js';

/**
 * A test's safety prerequisites (`safety:` in the knowledge base) in words. `habilitation_SYMBOL`
 * names the NF C18-550 habilitation the person doing the test must hold (the executant's symbol: a
 * "chargé" symbol of the same kind covers it). Which symbol each operation needs (docs: the
 * diagnosis README, _High-voltage gate_):
 * - `B1XL` — the "X" attribute with the *option batterie*: operations on the traction battery
 *   itself (removal, **opening the pack**, module or cell work and tests). Inside a pack the cells
 *   stay live whatever is locked out, so opening one is not de-energised work (B1L/B2L) nor work in
 *   the vicinity (B1VL/B2VL); B2XL (person in charge) covers B1XL.
 * - `B2VL` — work led by the person doing it in the vicinity of live HV parts, the pack closed
 *   (insulation measurements on the locked-out HV system beside the pack).
 * - `hv_lockout` — the HV system locked out (consignation) and the absence of voltage checked. It is
 *   itself a habilitated operation: `CONSIGNATION_SYMBOL` (below) says whose.
 * - `hv_unlock` — the lock-out lifted (déconsignation), the same person's (`UNLOCK_STEP`).
 */
export const HABILITATION_PREFIX = 'habilitation_';

/**
 * The NF C18-550 symbols for work on vehicles with an electric powertrain (the "L" domain): the
 * executant's (B0L, B1L, B1VL, B1TL, B1XL), the person in charge's (B2L, B2VL, B2TL, B2XL), the
 * intervention's (BRL) and the lock-out's (BCL). The one list a safety step and the people register
 * check against.
 */
export const HABILITATION_SYMBOLS = [
  'B0L',
  'B1L',
  'B2L',
  'B1VL',
  'B2VL',
  'B1TL',
  'B2TL',
  'B1XL',
  'B2XL',
  'BRL',
  'BCL',
] as const;

/** The lock-out step of a test (`safety:`): the vehicle's HV system put in a safe state. */
export const LOCKOUT_STEP = 'hv_lockout';

/**
 * The lock-out lifted (déconsignation, NF C18-550): the end of work notice given, tools and people
 * clear of the HV parts, the HV system re-energised — by the BCL, as the lock-out, before anything
 * powers the car again (clearing codes, a routine, the road test, the verification read). The
 * session records it where a lock-out is in force; a test may list it in `safety:` to ask for the HV
 * system not locked out.
 */
export const UNLOCK_STEP = 'hv_unlock';

/**
 * The steps after a repair that power the car again: clearing the codes (ignition on), the follow-up
 * routine, the road test, the verification read — and handing the car back on an unverified
 * conclusion. None is done while the HV system is locked out (`GuidedSession.unlockDue`); nor is a
 * test made energised (`WorkshopTest.energised`), which the session names by its own words.
 */
export type EnergisingStep = 'clear' | 'follow_up' | 'road_test' | 'verify' | 'conclude';

const ENERGISING_TEXT: Record<EnergisingStep, Localized> = {
  clear: { fr: 'l’effacement des codes', en: 'clearing the codes' },
  follow_up: { fr: 'la routine après réparation', en: 'the follow-up routine' },
  road_test: { fr: 'l’essai routier', en: 'the road test' },
  verify: { fr: 'la lecture de vérification', en: 'the verification read' },
  conclude: { fr: 'la restitution du véhicule', en: 'handing the car back' },
};

/** An energising step in words (FR, EN), as a complement ("l’essai routier"); anything else as given. */
export function energisingText(step: string): Localized {
  return Object.hasOwn(ENERGISING_TEXT, step)
    ? ENERGISING_TEXT[step as EnergisingStep]
    : { fr: step, en: step };
}

/**
 * The NF C18-550 symbol whose holder locks out (consigne) a vehicle's HV system for a test: BCL,
 * the *chargé de consignation*, who locks out and verifies the absence of voltage for the work that
 * follows. No other symbol covers it: a person in charge of work (B2L, B2VL, B2XL) receives the
 * lock-out from a BCL (or holds BCL as well: the title then reads "B2VL BCL"); BRL, the person in
 * charge of an intervention, locks out only for their own intervention, and the tests that follow a
 * lock-out here are work (B2VL, B1XL), not interventions — so BRL is not accepted either.
 */
export const CONSIGNATION_SYMBOL = 'BCL';

/**
 * The NF C18-550 symbol a safety step is checked against: `habilitation_SYMBOL` names it, the
 * lock-out is the BCL's (`CONSIGNATION_SYMBOL`); undefined for a step that is only done.
 */
export function requiredSymbolOf(safetyId: string): string | undefined {
  // The lock-out is lifted by whoever may lock out: the chargé de consignation (NF C18-550).
  if (safetyId === LOCKOUT_STEP || safetyId === UNLOCK_STEP) return CONSIGNATION_SYMBOL;
  return habilitationOf(safetyId);
}

/**
 * The high-voltage parts a repair can work on (`hv_parts:` in the knowledge base), by id. `inPack`:
 * the part sits inside the traction battery's casing (modules, the junction box with its contactors
 * and service fuse), so working on it opens the pack, where the cells stay live whatever is locked
 * out — the battery option's work (B1XL, B2XL), not only work on the locked-out system.
 */
export const HV_PARTS: Record<string, { name: Localized; inPack: boolean }> = {
  traction_battery: { name: { fr: 'batterie de traction', en: 'traction battery' }, inPack: true },
  battery_module: { name: { fr: 'module de batterie', en: 'battery module' }, inPack: true },
  battery_contactor: {
    name: { fr: 'contacteur de la batterie', en: 'battery contactor' },
    inPack: true,
  },
  battery_fuse: { name: { fr: 'fusible de la batterie', en: 'battery fuse' }, inPack: true },
  hv_cable: { name: { fr: 'câble haute tension', en: 'high-voltage cable' }, inPack: false },
  dcdc_converter: { name: { fr: 'convertisseur DC-DC', en: 'DC-DC converter' }, inPack: false },
  onboard_charger: { name: { fr: 'chargeur embarqué', en: 'on-board charger' }, inPack: false },
  electric_compressor: {
    name: { fr: 'compresseur de climatisation électrique', en: 'electric A/C compressor' },
    inPack: false,
  },
  inverter: { name: { fr: 'onduleur', en: 'inverter' }, inPack: false },
  traction_motor: { name: { fr: 'moteur de traction', en: 'traction motor' }, inPack: false },
};

/** The NF C18-550 symbol a safety step checks (`habilitation_B1XL` → `B1XL`), or undefined. */
export function habilitationOf(safetyId: string): string | undefined {
  return safetyId.startsWith(HABILITATION_PREFIX) ? safetyId.slice(HABILITATION_PREFIX.length) : undefined;
}

/** What each symbol used by the knowledge base allows, said where the step is asked. */
const SYMBOL_SCOPE: Record<string, Localized> = {
  B1XL: {
    fr: 'option batterie : opérations sur la batterie de traction, ouverture du pack ; B2XL la couvre',
    en: 'battery option: operations on the traction battery, opening the pack; B2XL covers it',
  },
  B2XL: {
    fr: 'option batterie, chargé d’opérations : opérations sur la batterie de traction',
    en: 'battery option, person in charge: operations on the traction battery',
  },
  B2VL: {
    fr: 'chargé de travaux au voisinage de pièces haute tension sous tension',
    en: 'person in charge of work in the vicinity of live high-voltage parts',
  },
  BCL: {
    fr: 'chargé de consignation : consigne le système haute tension et vérifie l’absence de tension',
    en: 'person in charge of lock-out: locks out the high-voltage system and verifies the absence of voltage',
  },
};

/** A safety step in words (FR, EN): the lock-out, or the habilitation with its symbol and scope. */
export function safetyText(id: string): Localized {
  if (id === LOCKOUT_STEP)
    return {
      fr: `Consignation haute tension et vérification d’absence de tension, par un chargé de consignation (habilitation NF C18-550 ${CONSIGNATION_SYMBOL})`,
      en: `High-voltage lock-out and absence of voltage verified, by a person in charge of lock-out (NF C18-550 habilitation ${CONSIGNATION_SYMBOL})`,
    };
  if (id === UNLOCK_STEP)
    return {
      fr: `Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 ${CONSIGNATION_SYMBOL})`,
      en: `High-voltage lock-out lifted (end of work, re-energised) by the person in charge of lock-out (NF C18-550 habilitation ${CONSIGNATION_SYMBOL})`,
    };
  const symbol = habilitationOf(id);
  if (!symbol) return { fr: id, en: id };
  const scope = SYMBOL_SCOPE[symbol];
  return {
    fr: `Habilitation NF C18-550 ${symbol}${scope ? ` (${scope.fr})` : ''}`,
    en: `NF C18-550 habilitation ${symbol}${scope ? ` (${scope.en})` : ''}`,
  };
}
