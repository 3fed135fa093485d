import { describe, expect, it } from 'vitest';
import {
  AmountError,
  bpToPercent,
  centsToDecimal,
  computeTotals,
  divRound,
  lineNet,
  milliToDecimal,
  parseDecimal,
  vatOn,
} from './money.js';

describe('rounding', () => {
  it('rounds half away from zero, exactly, at any size', () => {
    expect(divRound(5n, 10n)).toBe(1n);
    expect(divRound(4n, 10n)).toBe(0n);
    expect(divRound(-5n, 10n)).toBe(-1n);
    expect(divRound(-4n, 10n)).toBe(0n);
    expect(divRound(15n, 10n)).toBe(2n);
    // beyond 2^53: a float product would lose the last digits
    expect(divRound(9_007_199_254_740_993_000n, 1000n)).toBe(9_007_199_254_740_993n);
  });

  it('computes a line amount as a person would with a calculator, to the cent', () => {
    expect(lineNet(1500, 6500)).toBe(9750); // 1.5 h × 65.00 € = 97.50 €
    expect(lineNet(333, 1000)).toBe(333); // 0.333 × 10.00 € = 3.33 €
    expect(lineNet(1250, 1999)).toBe(2499); // 1.25 × 19.99 € = 24.9875 € → 24.99 €
    expect(lineNet(125, 2)).toBe(0); // 0.125 × 0.02 € = 0.0025 € → 0.00 €
    expect(lineNet(2500, 1)).toBe(3); // 2.5 × 0.01 € = 0.025 € → 0.03 € (half away from zero)
    expect(lineNet(-2500, 1)).toBe(-3);
  });

  it('computes VAT on a base', () => {
    expect(vatOn(9750, 2000)).toBe(1950);
    expect(vatOn(1005, 550)).toBe(55); // 10.05 × 5.5 % = 0.55275 → 0.55
    expect(vatOn(1010, 550)).toBe(56); // 0.5555 → 0.56
    expect(vatOn(-1010, 550)).toBe(-56);
  });

  it('refuses non-integer amounts rather than rounding them silently', () => {
    expect(() => lineNet(1.5, 100)).toThrow(AmountError);
    expect(() => vatOn(10.5, 2000)).toThrow(AmountError);
    expect(() => computeTotals([{ quantityMilli: 1000, unitPriceCents: 100, vatRateBp: -1 }])).toThrow(
      AmountError,
    );
  });
});

describe('totals', () => {
  it('sums rounded lines, then VAT once per rate (not per line)', () => {
    // Three lines of 0.333 × 0.10 € at 20 %: each 0.0333 € → 0.03 €, HT 0.09 €.
    // VAT per rate: 0.09 × 20 % = 0.018 → 0.02 €. VAT per line would give 3 × 0.006 → 3 × 0.01 = 0.03 €.
    const t = computeTotals(
      Array.from({ length: 3 }, () => ({ quantityMilli: 333, unitPriceCents: 10, vatRateBp: 2000 })),
    );
    expect(t.lines).toEqual([3, 3, 3]);
    expect(t.ht).toBe(9);
    expect(t.vat).toEqual([{ category: 'S', rateBp: 2000, baseCents: 9, vatCents: 2 }]);
    expect(t.tva).toBe(2);
    expect(t.ttc).toBe(11);
  });

  it('keeps one VAT line per rate, highest first, and adds up (a garage quote worked by hand)', () => {
    // Labour 1.5 h at 65.00 €, a brake kit 2 × 48.90 €, a child seat at 5.5 % (hypothetical).
    const t = computeTotals([
      { quantityMilli: 1500, unitPriceCents: 6500, vatRateBp: 2000 },
      { quantityMilli: 2000, unitPriceCents: 4890, vatRateBp: 2000 },
      { quantityMilli: 1000, unitPriceCents: 1999, vatRateBp: 550 },
    ]);
    // HT = 97.50 + 97.80 + 19.99 = 215.29; 20 % of 195.30 = 39.06; 5.5 % of 19.99 = 1.09945 → 1.10
    expect(t.ht).toBe(21529);
    expect(t.vat.map((v) => [v.rateBp, v.baseCents, v.vatCents])).toEqual([
      [2000, 19530, 3906],
      [550, 1999, 110],
    ]);
    expect(t.tva).toBe(4016);
    expect(t.ttc).toBe(25545);
  });

  it('gives an empty quote zero totals', () => {
    expect(computeTotals([])).toEqual({ lines: [], ht: 0, vat: [], tva: 0, ttc: 0 });
  });

  it('makes a credit note the exact negative of its invoice', () => {
    const lines = [
      { quantityMilli: 1250, unitPriceCents: 1999, vatRateBp: 2000 },
      { quantityMilli: 2500, unitPriceCents: 1, vatRateBp: 550 },
    ];
    const inv = computeTotals(lines);
    const credit = computeTotals(lines.map((l) => ({ ...l, quantityMilli: -l.quantityMilli })));
    expect(credit.ht).toBe(-inv.ht);
    expect(credit.tva).toBe(-inv.tva);
    expect(credit.ttc).toBe(-inv.ttc);
  });
});

describe('formats', () => {
  it('writes amounts, quantities and rates as the XML wants them', () => {
    expect(centsToDecimal(123450)).toBe('1234.50');
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(-5)).toBe('-0.05');
    expect(centsToDecimal(0)).toBe('0.00');
    expect(milliToDecimal(1500)).toBe('1.5');
    expect(milliToDecimal(2000)).toBe('2');
    expect(milliToDecimal(125)).toBe('0.125');
    expect(bpToPercent(2000)).toBe('20');
    expect(bpToPercent(550)).toBe('5.5');
    expect(bpToPercent(210)).toBe('2.1');
  });

  it('reads a decimal as typed in French or English, without floating point', () => {
    expect(parseDecimal('12,5', 100)).toBe(1250);
    expect(parseDecimal('1 234.56', 100)).toBe(123456);
    expect(parseDecimal('0.125', 1000)).toBe(125);
    expect(parseDecimal('0.1', 100)).toBe(10);
    expect(parseDecimal('-3', 100)).toBe(-300);
    expect(parseDecimal('1.234', 100)).toBeNull(); // more decimals than cents
    expect(parseDecimal('abc', 100)).toBeNull();
    expect(parseDecimal('', 100)).toBeNull();
    expect(parseDecimal('1e3', 100)).toBeNull();
  });
});
