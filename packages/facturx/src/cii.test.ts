import { DOMParser } from '@xmldom/xmldom';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvoiceDataError, NS, toCii, xmlSafe } from './cii.js';
import { checkEn16931 } from './en16931-rules.js';
import type { InvoiceLine } from './invoice.js';
import { missing, validateXsd, xmllint } from './test-support/oracles.js';
import { sampleInvoice } from './test-support/sample.js';

const rulesOf = (xml: string) => checkEn16931(xml).map((v) => v.rule);

describe('CII D16B, Factur-X EN 16931 profile', () => {
  it.skipIf(missing(xmllint))('writes an invoice the published XSD accepts', () => {
    const { xml } = toCii(sampleInvoice());
    expect(validateXsd(xml)).toEqual({ ok: true, messages: '- validates' });
  });

  it.skipIf(missing(xmllint))(
    'writes a credit note (381) that names the invoice it corrects, also valid',
    () => {
      const { xml } = toCii(
        sampleInvoice({
          typeCode: '381',
          number: 'AV-2026-000001',
          preceding: { number: 'FA-2026-000042', issueDate: '2026-03-10' },
        }),
      );
      expect(validateXsd(xml).ok).toBe(true);
      expect(xml).toContain('<ram:TypeCode>381</ram:TypeCode>');
      expect(xml).toMatch(/<ram:InvoiceReferencedDocument>\s*<ram:IssuerAssignedID>FA-2026-000042</);
      expect(checkEn16931(xml)).toEqual([]);
    },
  );

  it.skipIf(missing(xmllint))(
    'is refused by the XSD when an element is out of order (the oracle can say no)',
    () => {
      const { xml } = toCii(sampleInvoice());
      // TypeCode before ID breaks the ExchangedDocument sequence
      const broken = xml.replace(
        /(<ram:ID>FA-2026-000042<\/ram:ID>)(\s*)(<ram:TypeCode>380<\/ram:TypeCode>)/,
        '$3$2$1',
      );
      expect(broken).not.toBe(xml);
      const r = validateXsd(broken);
      expect(r.ok).toBe(false);
      expect(r.messages).toMatch(/TypeCode/);
    },
  );

  it('carries the totals of the integer arithmetic: HT, VAT per rate, TTC', () => {
    const { xml, totals } = toCii(sampleInvoice());
    // 1.5 h × 65.00 + 48.90 = 146.40 HT; 20 % = 29.28; TTC 175.68
    expect(totals).toMatchObject({ ht: 14640, tva: 2928, ttc: 17568 });
    expect(xml).toContain('<ram:LineTotalAmount>97.50</ram:LineTotalAmount>');
    expect(xml).toContain('<ram:TaxTotalAmount currencyID="EUR">29.28</ram:TaxTotalAmount>');
    expect(xml).toContain('<ram:GrandTotalAmount>175.68</ram:GrandTotalAmount>');
    expect(xml).toContain('<ram:BilledQuantity unitCode="HUR">1.5</ram:BilledQuantity>');
    expect(xml).toContain('<ram:ID schemeID="0009">12345678900014</ram:ID>');
    expect(xml).toContain('<ram:ID schemeID="VA">FR32123456789</ram:ID>');
    expect(xml).toContain('<ram:SubjectCode>PMD</ram:SubjectCode>');
  });

  it('escapes markup in free text', () => {
    const { xml } = toCii(sampleInvoice());
    expect(xml).toContain('<ram:SellerAssignedID>BP-4471 &amp; &lt;co&gt;</ram:SellerAssignedID>');
    expect(checkEn16931(xml)).toEqual([]);
  });

  it('writes NEL, LS and PS as character references, so no parser takes them for line ends', () => {
    // Found by the property test below (seed 1313116223): xmldom, like any parser that applies
    // XML 1.1's line-end rule, read a raw U+2028 back as \n.
    const doc = sampleInvoice();
    const given = 'Durite\u2028ligne 2\u0085fin\u2029.';
    const { xml } = toCii({ ...doc, lines: [{ ...doc.lines[0]!, name: given }, ...doc.lines.slice(1)] });
    expect(xml).toContain('Durite&#x2028;ligne 2&#x85;fin&#x2029;.');
    const parsed = new DOMParser().parseFromString(xml, 'text/xml');
    const name = parsed
      .getElementsByTagNameNS(NS.ram, 'SpecifiedTradeProduct')[0]!
      .getElementsByTagNameNS(NS.ram, 'Name')[0]!.textContent;
    expect(name).toBe(given);
    expect(checkEn16931(xml)).toEqual([]);
  });

  it('refuses, naming the business term, what EN 16931 cannot carry', () => {
    const at = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(InvoiceDataError);
        return (e as InvoiceDataError).term;
      }
      throw new Error('expected a refusal');
    };
    expect(at(() => toCii(sampleInvoice({ lines: [] })))).toBe('BG-25');
    expect(at(() => toCii(sampleInvoice({ issueDate: '2026-02-30x' })))).toBe('BT-2');
    const buyer = {
      ...sampleInvoice().buyer,
      address: { ...sampleInvoice().buyer.address, country: 'France' },
    };
    expect(at(() => toCii(sampleInvoice({ buyer })))).toBe('BG-7 buyer');
    const seller = { ...sampleInvoice().seller, siret: '123' };
    expect(at(() => toCii(sampleInvoice({ seller })))).toBe('BG-4 seller');
    const twice = sampleInvoice().lines.map((l) => ({ ...l, id: '1' }));
    expect(at(() => toCii(sampleInvoice({ lines: twice })))).toBe('BT-126');
  });
});

describe('EN 16931 business rules (the independent checker)', () => {
  const { xml } = toCii(sampleInvoice());

  it('finds nothing wrong with what the writer produces', () => {
    expect(checkEn16931(xml)).toEqual([]);
  });

  it('catches a line amount that does not add up (BR-CO-10 and the line arithmetic)', () => {
    const bad = xml.replace(
      '<ram:LineTotalAmount>97.50</ram:LineTotalAmount>',
      '<ram:LineTotalAmount>97.51</ram:LineTotalAmount>',
    );
    expect(rulesOf(bad)).toEqual(expect.arrayContaining(['LINE-CALC', 'BR-CO-10', 'BR-S-08']));
  });

  it('catches a VAT amount off by a cent (BR-CO-17, BR-CO-14)', () => {
    const bad = xml.replace(
      '<ram:CalculatedAmount>29.28</ram:CalculatedAmount>',
      '<ram:CalculatedAmount>29.29</ram:CalculatedAmount>',
    );
    expect(rulesOf(bad)).toEqual(expect.arrayContaining(['BR-CO-17', 'BR-CO-14']));
  });

  it('catches a grand total or amount due that is not the sum (BR-CO-15, BR-CO-16)', () => {
    const bad = xml.replace(
      '<ram:GrandTotalAmount>175.68</ram:GrandTotalAmount>',
      '<ram:GrandTotalAmount>175.00</ram:GrandTotalAmount>',
    );
    expect(rulesOf(bad)).toEqual(expect.arrayContaining(['BR-CO-15', 'BR-CO-16']));
  });

  it('catches missing parties, countries, numbers and three-decimal amounts', () => {
    expect(rulesOf(xml.replace(/<ram:CountryID>FR<\/ram:CountryID>/g, ''))).toEqual(
      expect.arrayContaining(['BR-09', 'BR-11']),
    );
    expect(rulesOf(xml.replace('<ram:ID>FA-2026-000042</ram:ID>', '<ram:ID></ram:ID>'))).toContain('BR-02');
    expect(rulesOf(xml.replace('<ram:DuePayableAmount>175.68<', '<ram:DuePayableAmount>175.680<'))).toContain(
      'BR-DEC-18',
    );
    expect(
      rulesOf(xml.replace(/<ram:SpecifiedTradePaymentTerms>[\s\S]*?<\/ram:SpecifiedTradePaymentTerms>/, '')),
    ).toContain('BR-CO-25');
    expect(
      rulesOf(xml.replace(/<ram:SpecifiedLegalOrganization>[\s\S]*?<\/ram:SpecifiedLegalOrganization>/, '')),
    ).toContain('FR-SIREN');
    expect(rulesOf(xml.replace('<rsm:CrossIndustryInvoice', '<rsm:CrossIndustryInvoice <'))).toEqual(['XML']);
  });

  it('asks a credit note for the invoice it corrects', () => {
    const credit = toCii(sampleInvoice({ typeCode: '381' })).xml;
    expect(rulesOf(credit)).toEqual(['FR-AVOIR']);
  });

  it('agrees with the writer on any quote: random lines, several VAT rates, any text (property)', () => {
    const text = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 30 })
      .filter((s) => xmlSafe(s).trim() !== '');
    const line = fc.record({
      quantityMilli: fc.integer({ min: 1, max: 500_000 }),
      unitPriceCents: fc.integer({ min: 0, max: 5_000_000 }),
      vatRateBp: fc.constantFrom(2000, 1000, 550, 210),
      unitCode: fc.constantFrom('HUR', 'C62', 'LTR'),
      name: text,
      sellerRef: fc.option(text, { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 25 }), (lines) => {
        const doc = sampleInvoice({
          lines: lines.map((l, i) => ({ ...l, id: String(i + 1) }) satisfies InvoiceLine),
        });
        const { xml } = toCii(doc);
        expect(checkEn16931(xml)).toEqual([]);
        // every name reads back as given (a separate parser; XML turns line ends into \n)
        const parsed = new DOMParser().parseFromString(xml, 'text/xml');
        const names = [...parsed.getElementsByTagNameNS(NS.ram, 'SpecifiedTradeProduct')].map(
          (p) => p.getElementsByTagNameNS(NS.ram, 'Name')[0]?.textContent,
        );
        expect(names).toEqual(lines.map((l) => xmlSafe(l.name).replace(/\r\n?/g, '\n')));
      }),
      { numRuns: 100 },
    );
  });
});
