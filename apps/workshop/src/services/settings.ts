import type { Db, Store } from '../store/store.js';
import { ValidationError } from './errors.js';

/** Workshop-wide settings, with the defaults the law or practice suggests. */
export interface Settings {
  /** NF C18-550 recommends renewing (recyclage) every 3 years. */
  habilitationRenewalYears: number;
  /** How many days ahead of a renewal date the alert shows. */
  habilitationAlertDays: number;
  /** GDPR: months of inactivity after which a customer's personal data is erased. */
  customerRetentionMonths: number;
  /**
   * Raw traffic recorded per diagnostic session, KiB: beyond it the recording stops (the session's
   * page says so). A scan is a few KiB; an hour of live data at 5 Hz about 2 MiB.
   */
  trafficLimitKb: number;
}

export const DEFAULT_SETTINGS: Settings = {
  habilitationRenewalYears: 3,
  habilitationAlertDays: 90,
  customerRetentionMonths: 36,
  trafficLimitKb: 4096,
};

const LIMITS: Record<keyof Settings, [number, number]> = {
  habilitationRenewalYears: [1, 10],
  habilitationAlertDays: [1, 365],
  customerRetentionMonths: [1, 240],
  trafficLimitKb: [64, 65_536],
};

export async function getSettings(db: Db): Promise<Settings> {
  const rows = await db.all<{ key: string; value: string }>('SELECT key, value FROM settings');
  const s: Settings = { ...DEFAULT_SETTINGS };
  for (const r of rows) if (r.key in s) s[r.key as keyof Settings] = Number(r.value);
  return s;
}

export async function updateSettings(db: Db, patch: Partial<Settings>): Promise<Settings> {
  for (const [key, value] of Object.entries(patch) as [keyof Settings, number][]) {
    const limits = LIMITS[key];
    if (!limits) continue;
    if (!Number.isInteger(value) || value < limits[0] || value > limits[1])
      throw new ValidationError(
        {
          fr: `${key} doit être un entier entre ${limits[0]} et ${limits[1]}`,
          en: `${key} must be an integer from ${limits[0]} to ${limits[1]}`,
        },
        key,
      );
    await db.run('DELETE FROM settings WHERE key = ?', [key]);
    await db.run('INSERT INTO settings (key, value) VALUES (?, ?)', [key, String(value)]);
  }
  return getSettings(db);
}

/** Changes settings in one transaction: all of them or none (other keys, such as a form's, are ignored). */
export function saveSettings(store: Store, patch: Partial<Settings>): Promise<Settings> {
  return store.transaction((tx) => updateSettings(tx, patch));
}
