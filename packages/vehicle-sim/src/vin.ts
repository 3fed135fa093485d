/** VIN check digit (position 9) per ISO 3779 / 49 CFR 565: mandatory in North America, harmless elsewhere. */
const VALUES: Record<string, number> = {};
'0123456789'.split('').forEach((c, i) => {
  VALUES[c] = i;
});
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const LETTER_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9];
LETTERS.split('').forEach((c, i) => {
  VALUES[c] = LETTER_VALUES[i];
});
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

export function isValidVinSyntax(vin: string): boolean {
  return /^[A-HJ-NPR-Z0-9]{17}$/.test(vin);
}

export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += VALUES[vin[i]] * WEIGHTS[i];
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

/** Returns the VIN with its check digit set. */
export function withCheckDigit(vin: string): string {
  return vin.slice(0, 8) + vinCheckDigit(vin) + vin.slice(9);
}
