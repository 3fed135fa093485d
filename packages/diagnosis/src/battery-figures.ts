import type { Localized } from './text.js';

/** The figures of a battery report a sign can read, by key (volts, %, °C, amperes). */
export const BATTERY_FIGURE_KEYS = [
  'cell_spread',
  'lowest_cell_below_mean',
  'soh',
  'module_temp_min',
  'module_temp_max',
  'pack_current',
] as const;
export type BatteryFigure = (typeof BATTERY_FIGURE_KEYS)[number];
export type BatteryFacts = Partial<Record<BatteryFigure, number>>;

export const BATTERY_FIGURES: Record<BatteryFigure, { name: Localized; unit: string }> = {
  cell_spread: { name: { fr: 'écart entre cellules (max − min)', en: 'cell spread (max − min)' }, unit: 'V' },
  lowest_cell_below_mean: {
    name: { fr: 'cellule la plus basse sous la moyenne', en: 'lowest cell below the mean' },
    unit: 'V',
  },
  soh: { name: { fr: 'état de santé (SoH)', en: 'state of health (SoH)' }, unit: '%' },
  module_temp_min: {
    name: { fr: 'température de module la plus basse', en: 'lowest module temperature' },
    unit: '°C',
  },
  module_temp_max: {
    name: { fr: 'température de module la plus haute', en: 'highest module temperature' },
    unit: '°C',
  },
  pack_current: {
    name: { fr: 'courant du pack (positif en décharge)', en: 'pack current (positive discharging)' },
    unit: 'A',
  },
};

export const isBatteryFigure = (key: string): key is BatteryFigure =>
  (BATTERY_FIGURE_KEYS as readonly string[]).includes(key);
