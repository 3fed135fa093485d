/**
 * Money in integer cents, quantities in thousandths, VAT rates in basis points: every amount on a
 * quote or an invoice is an integer, so the page, the PDF and the XML add up to the same cent.
 *
 * Rounding rule (the one EN 16931 checks, and the one a French invoice shows):
 * 1. each line's net amount (HT) = quantity × unit price, rounded to the cent;
 * 2. total HT = the sum of the rounded line amounts (no further rounding);
 * 3. VAT is computed once per rate, on the sum of the lines at that rate, rounded to the cent
 *    (CGI art. 242 nonies A asks for "par taux d'imposition, le total hors taxe et la taxe
 *    correspondante"; EN 16931 BR-CO-17 checks VAT = base × rate, rounded, per rate);
 * 4. total VAT (TVA) = the sum of the per-rate amounts; TTC = HT + TVA.
 * Rounding is half away from zero (0.5 cent → 1 cent, −0.5 → −1), so a credit note is the exact
 * negative of the invoice it cancels. VAT per line, then summed, would drift from the XML's
 * per-rate VAT by a cent on long quotes; that is why it is not used.
 */

/** An amount in euro cents (an integer). */
export type Cents = number;

/** A VAT category of EN 16931 (UNTDID 5305): standard, zero-rated, exempt, reverse charge, outside scope. */
export type VatCategory = 'S' | 'Z' | 'E' | 'AE' | 'O';

export interface PricedLine {
  /** Quantity in thousandths (1.5 h → 1500; 2 pieces → 2000). */
  quantityMilli: number;
  /** Unit price excluding VAT, in cents. */
  unitPriceCents: Cents;
  /** VAT rate in basis points (20 % → 2000; 5.5 % → 550). */
  vatRateBp: number;
  /** Default 'S' (standard rate) when the rate is above zero. */
  vatCategory?: VatCategory;
}

export interface VatBreakdown {
  category: VatCategory;
  rateBp: number;
  /** Sum of the net amounts of the lines at this rate. */
  baseCents: Cents;
  /** base × rate, rounded once. */
  vatCents: Cents;
}

export interface Totals {
  /** Each line's net amount, in the order given. */
  lines: Cents[];
  ht: Cents;
  vat: VatBreakdown[];
  tva: Cents;
  ttc: Cents;
}

export class AmountError extends RangeError {
  override name = 'AmountError';
}

/** Quotient of two integers rounded half away from zero, exact for any size (BigInt). */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new AmountError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (2n * n + denominator) / (2n * denominator);
  return negative ? -q : q;
}

function checkInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) throw new AmountError(`${what} must be an integer, got ${value}`);
}

/** A line's net amount: quantity × unit price, rounded to the cent. */
export function lineNet(quantityMilli: number, unitPriceCents: Cents): Cents {
  checkInteger(quantityMilli, 'quantityMilli');
  checkInteger(unitPriceCents, 'unitPriceCents');
  return Number(divRound(BigInt(quantityMilli) * BigInt(unitPriceCents), 1000n));
}

/** VAT on a base at a rate in basis points, rounded to the cent. */
export function vatOn(baseCents: Cents, rateBp: number): Cents {
  checkInteger(baseCents, 'baseCents');
  checkInteger(rateBp, 'rateBp');
  return Number(divRound(BigInt(baseCents) * BigInt(rateBp), 10000n));
}

export const categoryOf = (l: Pick<PricedLine, 'vatRateBp' | 'vatCategory'>): VatCategory =>
  l.vatCategory ?? (l.vatRateBp > 0 ? 'S' : 'Z');

/** Totals HT, VAT per rate, TVA and TTC by the rule above. Rates are listed highest first. */
export function computeTotals(lines: readonly PricedLine[]): Totals {
  const nets = lines.map((l) => {
    checkInteger(l.vatRateBp, 'vatRateBp');
    if (l.vatRateBp < 0) throw new AmountError('a VAT rate cannot be negative');
    return lineNet(l.quantityMilli, l.unitPriceCents);
  });
  const groups = new Map<string, VatBreakdown>();
  lines.forEach((l, i) => {
    const category = categoryOf(l);
    const key = `${category}:${l.vatRateBp}`;
    const g = groups.get(key) ?? { category, rateBp: l.vatRateBp, baseCents: 0, vatCents: 0 };
    g.baseCents += nets[i]!;
    groups.set(key, g);
  });
  const vat = [...groups.values()]
    .map((g) => ({ ...g, vatCents: vatOn(g.baseCents, g.rateBp) }))
    .sort((a, b) => b.rateBp - a.rateBp || a.category.localeCompare(b.category));
  const ht = nets.reduce((a, b) => a + b, 0);
  const tva = vat.reduce((a, g) => a + g.vatCents, 0);
  return { lines: nets, ht, vat, tva, ttc: ht + tva };
}

/** Cents as a decimal string with two places ("1234.50", "-0.05"): the XML's amount format. */
export function centsToDecimal(cents: Cents): string {
  checkInteger(cents, 'cents');
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Thousandths as a decimal string with up to three places ("1.5", "2", "0.125"). */
export function milliToDecimal(milli: number): string {
  checkInteger(milli, 'milli');
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const frac = String(abs % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 1000)}${frac ? `.${frac}` : ''}`;
}

/** Basis points as a percentage string ("20", "5.5", "2.1"). */
export function bpToPercent(bp: number): string {
  checkInteger(bp, 'bp');
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${Math.floor(bp / 100)}${frac ? `.${frac}` : ''}`;
}

/**
 * A decimal typed by a person ("12,5", "1 234.56", "0.125") as an integer number of `scale`
 * units (100 for cents, 1000 for thousandths), or null when it is not a number with at most as
 * many decimals as the scale allows. No floating point on the way.
 */
export function parseDecimal(text: string, scale: 100 | 1000 | 10000): number | null {
  const t = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return null;
  const places = String(scale).length - 1;
  const frac = m[3] ?? '';
  if (frac.length > places) return null;
  const value = Number(m[2]) * scale + Number(frac.padEnd(places, '0') || '0');
  if (!Number.isSafeInteger(value)) return null;
  return m[1] ? -value : value;
}
