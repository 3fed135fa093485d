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
 * - `hv_lockout` — the HV system locked out (consignation, BCL) and the absence of voltage checked.
 */
export const HABILITATION_PREFIX = 'habilitation_';

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
};

/** A safety step in words (FR, EN): the lock-out, or the habilitation with its symbol and scope. */
export function safetyText(id: string): Localized {
  if (id === 'hv_lockout')
    return {
      fr: 'Consignation haute tension (BCL) et vérification d’absence de tension',
      en: 'High-voltage lock-out (BCL) and absence of voltage verified',
    };
  const symbol = habilitationOf(id);
  if (!symbol) return { fr: id, en: id };
  const scope = SYMBOL_SCOPE[symbol];
  return {
    fr: `Habilitation NF C18-550 ${symbol}${scope ? ` (${scope.fr})` : ''}`,
    en: `NF C18-550 habilitation ${symbol}${scope ? ` (${scope.en})` : ''}`,
  };
}
