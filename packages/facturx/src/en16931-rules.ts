/**
 * A checker of EN 16931-1 business rules on a CII invoice, written from the norm's list of rules
 * (BR-nn, BR-CO-nn, BR-S-nn, BR-DEC-nn) and its CII syntax binding. It reads only the XML —
 * nothing from the writer (`cii.ts`) or from `money.ts` — and redoes the arithmetic in exact
 * decimals, so a writer that miscounts a cent, forgets a term or puts it in the wrong place is
 * caught. It is not the whole norm: the rules for allowances, charges and VAT categories other
 * than standard-rated (S) are the writer's limits too, and are named in the README.
 */
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';

const RSM = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';
const RAM = 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100';
const UDT = 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100';
const NSS: Record<string, string> = { rsm: RSM, ram: RAM, udt: UDT };

export interface RuleViolation {
  rule: string;
  message: string;
}

/** Children of `node` along a path of prefixed names: 'ram:A/ram:B' (every match at each step). */
function all(node: Element, path: string): Element[] {
  let nodes: Element[] = [node];
  for (const step of path.split('/')) {
    const [prefix, local] = step.split(':') as [string, string];
    const ns = NSS[prefix];
    nodes = nodes.flatMap((n) => {
      const out: Element[] = [];
      for (let c = n.firstChild; c; c = c.nextSibling)
        if (c.nodeType === 1 && (c as Element).localName === local && (c as Element).namespaceURI === ns)
          out.push(c as Element);
      return out;
    });
  }
  return nodes;
}

const one = (node: Element, path: string): Element | undefined => all(node, path)[0];
const text = (node: Element | undefined): string | undefined => node?.textContent?.trim() || undefined;

/** A decimal string as a scaled integer (`places` decimals); null when it has more decimals or is not a number. */
function scaled(value: string, places: number): bigint | null {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(value);
  if (!m) return null;
  const frac = m[3] ?? '';
  if (frac.length > places) return null;
  const n = BigInt(m[2]! + frac.padEnd(places, '0').slice(0, places));
  return m[1] === '-' ? -n : n;
}

const fmt = (cents: bigint): string => {
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
};

/** x / d rounded to the nearest integer, halves away from zero (the norm says "rounded to two decimals"). */
function roundDiv(x: bigint, d: bigint): bigint {
  const neg = x < 0n;
  const a = neg ? -x : x;
  const q = (a * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** Every violation found in `xml` (empty when the invoice passes every rule checked). */
export function checkEn16931(xml: string): RuleViolation[] {
  const out: RuleViolation[] = [];
  const fail = (rule: string, message: string) => out.push({ rule, message });
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (e) {
    return [{ rule: 'XML', message: `not well-formed XML: ${(e as Error).message}` }];
  }
  const root = doc.documentElement;
  if (root?.localName !== 'CrossIndustryInvoice' || root.namespaceURI !== RSM)
    return [{ rule: 'XML', message: 'the root element is not rsm:CrossIndustryInvoice' }];

  /** An amount in cents; a violation of the BR-DEC rule for that term when it has more than 2 decimals. */
  const amount = (node: Element | undefined, term: string, dec: string): bigint | undefined => {
    const t = text(node);
    if (t === undefined) return undefined;
    const exact = scaled(t, 20);
    if (exact === null) {
      fail('FORMAT', `${term} is not a decimal number: '${t}'`);
      return undefined;
    }
    const cents = scaled(t, 2);
    if (cents !== null) return cents;
    fail(dec, `${term} has more than two decimals: ${t}`);
    return roundDiv(exact, 10n ** 18n);
  };

  const spec = text(
    one(root, 'rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID'),
  );
  if (!spec) fail('BR-01', 'the specification identifier (BT-24) is missing');
  const header = one(root, 'rsm:ExchangedDocument');
  if (!header || !text(one(header, 'ram:ID'))) fail('BR-02', 'the invoice number (BT-1) is missing');
  const issue = header && text(one(header, 'ram:IssueDateTime/udt:DateTimeString'));
  if (!issue) fail('BR-03', 'the issue date (BT-2) is missing');
  else if (!/^\d{8}$/.test(issue)) fail('FORMAT', `the issue date (BT-2) is not CCYYMMDD: '${issue}'`);
  const typeCode = header && text(one(header, 'ram:TypeCode'));
  if (!typeCode) fail('BR-04', 'the invoice type code (BT-3) is missing');

  const tx = one(root, 'rsm:SupplyChainTradeTransaction');
  if (!tx) {
    fail('BR-16', 'there is no trade transaction, so no invoice line');
    return out;
  }
  const agreement = one(tx, 'ram:ApplicableHeaderTradeAgreement');
  const settlement = one(tx, 'ram:ApplicableHeaderTradeSettlement');
  if (!settlement || !text(one(settlement, 'ram:InvoiceCurrencyCode')))
    fail('BR-05', 'the invoice currency code (BT-5) is missing');

  const seller = agreement && one(agreement, 'ram:SellerTradeParty');
  const buyer = agreement && one(agreement, 'ram:BuyerTradeParty');
  if (!seller || !text(one(seller, 'ram:Name'))) fail('BR-06', 'the seller name (BT-27) is missing');
  if (!buyer || !text(one(buyer, 'ram:Name'))) fail('BR-07', 'the buyer name (BT-44) is missing');
  const sellerAddress = seller && one(seller, 'ram:PostalTradeAddress');
  if (!sellerAddress) fail('BR-08', 'the seller postal address (BG-5) is missing');
  else if (!text(one(sellerAddress, 'ram:CountryID')))
    fail('BR-09', 'the seller country code (BT-40) is missing');
  const buyerAddress = buyer && one(buyer, 'ram:PostalTradeAddress');
  if (!buyerAddress) fail('BR-10', 'the buyer postal address (BG-8) is missing');
  else if (!text(one(buyerAddress, 'ram:CountryID')))
    fail('BR-11', 'the buyer country code (BT-55) is missing');

  const vatIds = [seller, buyer].flatMap((p) =>
    p ? all(p, 'ram:SpecifiedTaxRegistration/ram:ID').filter((e) => e.getAttribute('schemeID') === 'VA') : [],
  );
  for (const id of vatIds) {
    const v = text(id) ?? '';
    if (!/^[A-Z]{2}[0-9A-Za-z+*.]{2,13}$/.test(v))
      fail('BR-CO-09', `the VAT identifier '${v}' does not start with an ISO 3166-1 alpha-2 country prefix`);
  }

  // Lines (BG-25)
  const lines = all(tx, 'ram:IncludedSupplyChainTradeLineItem');
  if (lines.length === 0) fail('BR-16', 'the invoice has no line (BG-25)');
  const lineNets: { category?: string; rate?: string; net: bigint }[] = [];
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (!text(one(line, 'ram:AssociatedDocumentLineDocument/ram:LineID')))
      fail('BR-21', `${where}: the line identifier (BT-126) is missing`);
    const qtyEl = one(line, 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity');
    const qty = text(qtyEl);
    if (!qty) fail('BR-22', `${where}: the invoiced quantity (BT-129) is missing`);
    if (!qtyEl?.getAttribute('unitCode')) fail('BR-23', `${where}: the unit of measure (BT-130) is missing`);
    const netEl = one(
      line,
      'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount',
    );
    const net = amount(netEl, `${where} net amount (BT-131)`, 'BR-DEC-23');
    if (net === undefined) fail('BR-24', `${where}: the line net amount (BT-131) is missing`);
    if (!text(one(line, 'ram:SpecifiedTradeProduct/ram:Name')))
      fail('BR-25', `${where}: the item name (BT-153) is missing`);
    const priceText = text(
      one(line, 'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount'),
    );
    if (!priceText) fail('BR-26', `${where}: the item net price (BT-146) is missing`);
    const price = priceText === undefined ? null : scaled(priceText, 10);
    if (price !== null && price < 0n) fail('BR-27', `${where}: the item net price (BT-146) is negative`);
    const tax = one(line, 'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax');
    const category = text(tax && one(tax, 'ram:CategoryCode'));
    const rate = text(tax && one(tax, 'ram:RateApplicablePercent'));
    if (!category) fail('BR-CO-04', `${where}: the invoiced item VAT category code (BT-151) is missing`);
    if (category === 'S' && !(rate && (scaled(rate, 4) ?? 0n) > 0n))
      fail('BR-S-05', `${where}: a standard-rated line has a VAT rate (BT-152) greater than zero`);
    // Not a BR of the core norm, but what every reader expects: net = quantity × price / base quantity.
    const base = text(
      one(line, 'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity'),
    );
    const hasLineAllowances =
      all(line, 'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge').length > 0;
    if (qty && price !== null && net !== undefined && !hasLineAllowances) {
      const q = scaled(qty, 10);
      const b = base ? scaled(base, 10) : 10n ** 10n;
      if (q !== null && b !== null && b !== 0n) {
        // q·10^10 × price·10^10 / (b·10^10) = value·10^10 → cents = / 10^8
        const expected = roundDiv(q * price, b * 10n ** 8n);
        if (expected !== net)
          fail(
            'LINE-CALC',
            `${where}: net amount ${fmt(net)} is not quantity ${qty} × price ${priceText} = ${fmt(expected)}`,
          );
      }
    }
    if (net !== undefined) lineNets.push({ category, rate, net });
  });

  if (!settlement) return out;
  const sums = one(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation');
  const get = (tag: string, term: string, dec: string) =>
    sums ? amount(one(sums, `ram:${tag}`), term, dec) : undefined;
  const lineTotal = get('LineTotalAmount', 'BT-106', 'BR-DEC-09');
  const allowances = get('AllowanceTotalAmount', 'BT-107', 'BR-DEC-10') ?? 0n;
  const charges = get('ChargeTotalAmount', 'BT-108', 'BR-DEC-11') ?? 0n;
  const taxBasis = get('TaxBasisTotalAmount', 'BT-109', 'BR-DEC-12');
  const taxTotalEls = sums ? all(sums, 'ram:TaxTotalAmount') : [];
  const currency = text(one(settlement, 'ram:InvoiceCurrencyCode'));
  const taxTotalEl = taxTotalEls.find((e) => e.getAttribute('currencyID') === currency) ?? taxTotalEls[0];
  const taxTotal = amount(taxTotalEl, 'BT-110', 'BR-DEC-13');
  const grand = get('GrandTotalAmount', 'BT-112', 'BR-DEC-14');
  const prepaid = get('TotalPrepaidAmount', 'BT-113', 'BR-DEC-16') ?? 0n;
  const rounding = get('RoundingAmount', 'BT-114', 'BR-DEC-17') ?? 0n;
  const due = get('DuePayableAmount', 'BT-115', 'BR-DEC-18');
  if (lineTotal === undefined) fail('BR-12', 'the sum of invoice line net amounts (BT-106) is missing');
  if (taxBasis === undefined) fail('BR-13', 'the invoice total without VAT (BT-109) is missing');
  if (grand === undefined) fail('BR-14', 'the invoice total with VAT (BT-112) is missing');
  if (due === undefined) fail('BR-15', 'the amount due for payment (BT-115) is missing');

  const sumNets = lineNets.reduce((a, l) => a + l.net, 0n);
  if (lineTotal !== undefined && lineTotal !== sumNets)
    fail('BR-CO-10', `BT-106 is ${fmt(lineTotal)} but the line net amounts add up to ${fmt(sumNets)}`);
  if (taxBasis !== undefined && lineTotal !== undefined && taxBasis !== lineTotal - allowances + charges)
    fail(
      'BR-CO-13',
      `BT-109 is ${fmt(taxBasis)}, not BT-106 − BT-107 + BT-108 = ${fmt(lineTotal - allowances + charges)}`,
    );

  // VAT breakdown (BG-23)
  const breakdown = all(settlement, 'ram:ApplicableTradeTax');
  if (lineNets.some((l) => l.category) && breakdown.length === 0)
    fail('BR-CO-18', 'the invoice has no VAT breakdown (BG-23)');
  let vatSum = 0n;
  breakdown.forEach((b, i) => {
    const where = `VAT breakdown ${i + 1}`;
    const base = amount(one(b, 'ram:BasisAmount'), `${where} BT-116`, 'BR-DEC-19');
    const vat = amount(one(b, 'ram:CalculatedAmount'), `${where} BT-117`, 'BR-DEC-20');
    const category = text(one(b, 'ram:CategoryCode'));
    const rateText = text(one(b, 'ram:RateApplicablePercent'));
    if (base === undefined) fail('BR-45', `${where}: the VAT category taxable amount (BT-116) is missing`);
    if (vat === undefined) fail('BR-46', `${where}: the VAT category tax amount (BT-117) is missing`);
    if (!category) fail('BR-47', `${where}: the VAT category code (BT-118) is missing`);
    if (!rateText && category !== 'O') fail('BR-48', `${where}: the VAT category rate (BT-119) is missing`);
    if (vat !== undefined) vatSum += vat;
    const rate = rateText ? scaled(rateText, 4) : null; // percent × 10^4
    if (base !== undefined && vat !== undefined && rate !== null) {
      const expected = roundDiv(base * rate, 100n * 10000n);
      if (expected !== vat)
        fail(
          'BR-CO-17',
          `${where}: VAT ${fmt(vat)} is not ${fmt(base)} × ${rateText} % rounded = ${fmt(expected)}`,
        );
    }
    if (category === 'S' && base !== undefined && rate !== null) {
      const atRate = lineNets
        .filter((l) => l.category === 'S' && l.rate !== undefined && scaled(l.rate, 4) === rate)
        .reduce((a, l) => a + l.net, 0n);
      // No document-level allowances or charges are written by this package; when present they count.
      if (allowances === 0n && charges === 0n && atRate !== base)
        fail(
          'BR-S-08',
          `${where}: taxable amount ${fmt(base)} is not the sum ${fmt(atRate)} of the lines at ${rateText} %`,
        );
    }
  });
  for (const l of lineNets)
    if (
      l.category === 'S' &&
      !breakdown.some(
        (b) =>
          text(one(b, 'ram:CategoryCode')) === 'S' &&
          scaled(text(one(b, 'ram:RateApplicablePercent')) ?? '', 4) === scaled(l.rate ?? '', 4),
      )
    )
      fail('BR-S-01', `a line at ${l.rate ?? '?'} % standard rate has no VAT breakdown at that rate`);
  if (lineNets.some((l) => l.category === 'S')) {
    const sellerVat =
      seller &&
      all(seller, 'ram:SpecifiedTaxRegistration/ram:ID').some((e) =>
        ['VA', 'FC'].includes(e.getAttribute('schemeID') ?? ''),
      );
    const representative = agreement && one(agreement, 'ram:SellerTaxRepresentativeTradeParty');
    if (!sellerVat && !representative)
      fail(
        'BR-S-02',
        'standard-rated lines need the seller VAT identifier (BT-31), tax registration (BT-32) or tax representative (BG-11)',
      );
  }
  if (taxTotal !== undefined && taxTotal !== vatSum)
    fail('BR-CO-14', `BT-110 is ${fmt(taxTotal)} but the VAT breakdown adds up to ${fmt(vatSum)}`);
  if (grand !== undefined && taxBasis !== undefined && grand !== taxBasis + (taxTotal ?? 0n))
    fail('BR-CO-15', `BT-112 is ${fmt(grand)}, not BT-109 + BT-110 = ${fmt(taxBasis + (taxTotal ?? 0n))}`);
  if (due !== undefined && grand !== undefined && due !== grand - prepaid + rounding)
    fail(
      'BR-CO-16',
      `BT-115 is ${fmt(due)}, not BT-112 − BT-113 + BT-114 = ${fmt(grand - prepaid + rounding)}`,
    );
  if (due !== undefined && due > 0n) {
    const terms = one(settlement, 'ram:SpecifiedTradePaymentTerms');
    const hasDue = terms && text(one(terms, 'ram:DueDateDateTime/udt:DateTimeString'));
    const hasTerms = terms && text(one(terms, 'ram:Description'));
    if (!hasDue && !hasTerms)
      fail('BR-CO-25', 'a positive amount due needs a payment due date (BT-9) or payment terms (BT-20)');
  }
  for (const ref of all(settlement, 'ram:InvoiceReferencedDocument'))
    if (!text(one(ref, 'ram:IssuerAssignedID')))
      fail('BR-55', 'a preceding invoice reference (BG-3) has no invoice number (BT-25)');
  if (typeCode === '381' && all(settlement, 'ram:InvoiceReferencedDocument').length === 0)
    fail(
      'FR-AVOIR',
      'a credit note names the invoice it corrects (BG-3; CGI art. 242 nonies A and BOI-TVA-DECLA-30-20-20)',
    );
  const legal = seller && text(one(seller, 'ram:SpecifiedLegalOrganization/ram:ID'));
  if (sellerAddress && text(one(sellerAddress, 'ram:CountryID')) === 'FR' && !legal)
    fail('FR-SIREN', 'a French seller gives its SIREN or SIRET (BT-30; Code de commerce R123-237)');
  return out;
}
