import type { PathStep } from './path.js';
import type { Localized } from './text.js';

export type BatteryChargeStep = Extract<PathStep, { kind: 'battery_charge' }>;

/** A number with one decimal at most, written the reader's way (decimal comma in French). */
const num = (lang: 'fr' | 'en', x: number) =>
  x.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });

/**
 * A battery charge as the path says it: "Batterie rechargée au chargeur d'atelier : charge terminée
 * (23,4 Ah en 198 min, 13,1 V en fin de charge)", or not finished.
 */
export function describeBatteryCharge(step: BatteryChargeStep): Localized {
  const say = (lang: 'fr' | 'en') => {
    const detail = [
      step.ah !== undefined && step.minutes !== undefined
        ? `${num(lang, step.ah)} Ah ${lang === 'fr' ? 'en' : 'in'} ${Math.round(step.minutes)} min`
        : '',
      step.batteryV !== undefined
        ? `${num(lang, step.batteryV)} V ${lang === 'fr' ? 'en fin de charge' : 'at the end'}`
        : '',
    ]
      .filter(Boolean)
      .join(', ');
    const status =
      lang === 'fr'
        ? step.done
          ? 'charge terminée'
          : 'charge non terminée'
        : step.done
          ? 'charge finished'
          : 'charge not finished';
    const what =
      lang === 'fr' ? 'Batterie rechargée au chargeur d’atelier' : 'Battery charged on the workshop charger';
    return `${what}${lang === 'fr' ? ' : ' : ': '}${status}${detail ? ` (${detail})` : ''}`;
  };
  return { fr: say('fr'), en: say('en') };
}
