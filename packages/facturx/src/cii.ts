/**
 * An invoice as a UN/CEFACT Cross Industry Invoice (CII D16B), Factur-X profile EN 16931: the XML a
 * buyer's software reads. Elements are written in the order of the Factur-X EN 16931 schema's
 * sequences; amounts come from `computeTotals`, so the XML carries the same cents as the page.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { EN16931_GUIDELINE, type InvoiceDocument, type Party } from './invoice.js';
import {
  bpToPercent,
  categoryOf,
  centsToDecimal,
  computeTotals,
  milliToDecimal,
  type Totals,
} from './money.js';

export const NS = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
} as const;

/** A document that cannot be written as EN 16931 says (a missing country, a bad date…): names the term. */
export class InvoiceDataError extends Error {
  override name = 'InvoiceDataError';
  constructor(
    readonly term: string,
    message: string,
  ) {
    super(`${term}: ${message}`);
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** YYYY-MM-DD → CII format 102 (CCYYMMDD). */
function date102(term: string, iso: string): string {
  const m = DATE.exec(iso);
  if (!m || Number.isNaN(Date.parse(`${iso}T00:00:00Z`)))
    throw new InvoiceDataError(term, `not a date: '${iso}'`);
  return `${m[1]}${m[2]}${m[3]}`;
}

type Prefix = keyof typeof NS;

/**
 * Free text as an invoice may carry it: what XML 1.0 cannot hold at all (C0 controls but tab and
 * line ends, lone surrogates, U+FFFE/U+FFFF — a pasted control character) is dropped.
 */
export function xmlSafe(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000
    )
      out += ch;
  }
  return out;
}

/**
 * xmlbuilder2 leaves `&name;` in text as an entity reference instead of escaping its `&` (a part
 * reference "A&B;" would come out as an undefined entity, "&amp;" as "&"). Escaping every `&`
 * first makes each one an `&amp;` it keeps as it is: the text reads back exactly as given. The
 * property test in cii.test.ts round-trips arbitrary strings through a separate parser.
 */
const textFor = (s: string): string => xmlSafe(s).replace(/&/g, '&amp;');

/**
 * NEL, LS and PS are plain characters in XML 1.0 but line ends to a parser that applies XML 1.1's
 * rule (xmldom turns them into \n). Written as character references they read back as given by
 * every parser. Done on the serialised document (xmlbuilder2 escapes a `&#x…;` given as text);
 * only text and attribute values can hold them, the names are ASCII.
 */
const lineSeparatorsAsReferences = (xml: string): string =>
  xml.replace(/[\u0085\u2028\u2029]/g, (c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`);

/** `parent` gets `<prefix:name>` with `text`; empty optional values are left out by the callers. */
function el(parent: XMLBuilder, qname: `${Prefix}:${string}`, text?: string, attrs?: Record<string, string>) {
  const prefix = qname.split(':')[0] as Prefix;
  const node = parent.ele(NS[prefix], qname, attrs);
  if (text !== undefined) node.txt(textFor(text));
  return node;
}

const present = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

function checkParty(term: string, p: Party): void {
  if (!present(p.name)) throw new InvoiceDataError(term, 'name is required');
  if (!/^[A-Z]{2}$/.test(p.address.country))
    throw new InvoiceDataError(
      term,
      `country must be an ISO 3166-1 alpha-2 code, got '${p.address.country}'`,
    );
  if (p.siret !== undefined && p.siret !== '' && !/^\d{9}(\d{5})?$/.test(p.siret))
    throw new InvoiceDataError(term, `SIREN has 9 digits and SIRET 14, got '${p.siret}'`);
}

function party(parent: XMLBuilder, tag: 'ram:SellerTradeParty' | 'ram:BuyerTradeParty', p: Party): void {
  const node = el(parent, tag);
  el(node, 'ram:Name', p.name);
  if (present(p.siret) || present(p.tradingName)) {
    const org = el(node, 'ram:SpecifiedLegalOrganization');
    // ISO 6523 ICD 0002 is SIRENE (a SIREN); 0009 is a SIRET.
    if (present(p.siret)) el(org, 'ram:ID', p.siret, { schemeID: p.siret.length === 14 ? '0009' : '0002' });
    if (present(p.tradingName)) el(org, 'ram:TradingBusinessName', p.tradingName);
  }
  if (present(p.phone) || present(p.email)) {
    const contact = el(node, 'ram:DefinedTradeContact');
    if (present(p.phone))
      el(el(contact, 'ram:TelephoneUniversalCommunication'), 'ram:CompleteNumber', p.phone);
    if (present(p.email)) el(el(contact, 'ram:EmailURIUniversalCommunication'), 'ram:URIID', p.email);
  }
  const a = el(node, 'ram:PostalTradeAddress');
  if (present(p.address.postcode)) el(a, 'ram:PostcodeCode', p.address.postcode);
  if (present(p.address.line1)) el(a, 'ram:LineOne', p.address.line1);
  if (present(p.address.line2)) el(a, 'ram:LineTwo', p.address.line2);
  if (present(p.address.city)) el(a, 'ram:CityName', p.address.city);
  el(a, 'ram:CountryID', p.address.country);
  if (present(p.email))
    el(el(node, 'ram:URIUniversalCommunication'), 'ram:URIID', p.email, { schemeID: 'EM' });
  if (present(p.vatId)) el(el(node, 'ram:SpecifiedTaxRegistration'), 'ram:ID', p.vatId, { schemeID: 'VA' });
}

/** The CII XML of `doc` (UTF-8, with its declaration) and the totals it carries. */
export function toCii(doc: InvoiceDocument): { xml: string; totals: Totals } {
  if (!present(doc.number)) throw new InvoiceDataError('BT-1', 'the invoice number is required');
  if (doc.lines.length === 0) throw new InvoiceDataError('BG-25', 'an invoice has at least one line');
  checkParty('BG-4 seller', doc.seller);
  checkParty('BG-7 buyer', doc.buyer);
  const ids = new Set<string>();
  for (const l of doc.lines) {
    if (ids.has(l.id)) throw new InvoiceDataError('BT-126', `line id '${l.id}' is used twice`);
    ids.add(l.id);
    if (!present(l.name)) throw new InvoiceDataError('BT-153', `line ${l.id} has no item name`);
    if (l.unitPriceCents < 0)
      throw new InvoiceDataError('BT-146', `line ${l.id}: a net price cannot be negative`);
  }
  const totals = computeTotals(doc.lines);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.rsm, 'rsm:CrossIndustryInvoice', {
    'xmlns:rsm': NS.rsm,
    'xmlns:qdt': NS.qdt,
    'xmlns:ram': NS.ram,
    'xmlns:udt': NS.udt,
  });

  const context = el(root, 'rsm:ExchangedDocumentContext');
  el(el(context, 'ram:GuidelineSpecifiedDocumentContextParameter'), 'ram:ID', EN16931_GUIDELINE);

  const header = el(root, 'rsm:ExchangedDocument');
  el(header, 'ram:ID', doc.number);
  el(header, 'ram:TypeCode', doc.typeCode);
  el(el(header, 'ram:IssueDateTime'), 'udt:DateTimeString', date102('BT-2', doc.issueDate), {
    format: '102',
  });
  for (const n of doc.notes) {
    const note = el(header, 'ram:IncludedNote');
    el(note, 'ram:Content', n.text);
    if (n.subject) el(note, 'ram:SubjectCode', n.subject);
  }

  const tx = el(root, 'rsm:SupplyChainTradeTransaction');
  doc.lines.forEach((l, i) => {
    const item = el(tx, 'ram:IncludedSupplyChainTradeLineItem');
    const lineDoc = el(item, 'ram:AssociatedDocumentLineDocument');
    el(lineDoc, 'ram:LineID', l.id);
    if (present(l.note)) el(el(lineDoc, 'ram:IncludedNote'), 'ram:Content', l.note);
    const product = el(item, 'ram:SpecifiedTradeProduct');
    if (present(l.sellerRef)) el(product, 'ram:SellerAssignedID', l.sellerRef);
    el(product, 'ram:Name', l.name);
    if (present(l.description)) el(product, 'ram:Description', l.description);
    const agreement = el(item, 'ram:SpecifiedLineTradeAgreement');
    el(el(agreement, 'ram:NetPriceProductTradePrice'), 'ram:ChargeAmount', centsToDecimal(l.unitPriceCents));
    el(el(item, 'ram:SpecifiedLineTradeDelivery'), 'ram:BilledQuantity', milliToDecimal(l.quantityMilli), {
      unitCode: l.unitCode,
    });
    const settlement = el(item, 'ram:SpecifiedLineTradeSettlement');
    const tax = el(settlement, 'ram:ApplicableTradeTax');
    el(tax, 'ram:TypeCode', 'VAT');
    el(tax, 'ram:CategoryCode', categoryOf(l));
    el(tax, 'ram:RateApplicablePercent', bpToPercent(l.vatRateBp));
    el(
      el(settlement, 'ram:SpecifiedTradeSettlementLineMonetarySummation'),
      'ram:LineTotalAmount',
      centsToDecimal(totals.lines[i]!),
    );
  });

  const agreement = el(tx, 'ram:ApplicableHeaderTradeAgreement');
  if (present(doc.buyerReference)) el(agreement, 'ram:BuyerReference', doc.buyerReference);
  party(agreement, 'ram:SellerTradeParty', doc.seller);
  party(agreement, 'ram:BuyerTradeParty', doc.buyer);
  if (present(doc.orderReference))
    el(el(agreement, 'ram:BuyerOrderReferencedDocument'), 'ram:IssuerAssignedID', doc.orderReference);

  const delivery = el(tx, 'ram:ApplicableHeaderTradeDelivery');
  if (doc.deliveryDate)
    el(
      el(el(delivery, 'ram:ActualDeliverySupplyChainEvent'), 'ram:OccurrenceDateTime'),
      'udt:DateTimeString',
      date102('BT-72', doc.deliveryDate),
      { format: '102' },
    );

  const settlement = el(tx, 'ram:ApplicableHeaderTradeSettlement');
  el(settlement, 'ram:InvoiceCurrencyCode', doc.currency);
  if (doc.paymentMeans) {
    const pm = el(settlement, 'ram:SpecifiedTradeSettlementPaymentMeans');
    el(pm, 'ram:TypeCode', doc.paymentMeans.typeCode);
    if (present(doc.paymentMeans.information)) el(pm, 'ram:Information', doc.paymentMeans.information);
    if (present(doc.paymentMeans.iban)) {
      const account = el(pm, 'ram:PayeePartyCreditorFinancialAccount');
      el(account, 'ram:IBANID', doc.paymentMeans.iban.replace(/\s+/g, ''));
      if (present(doc.paymentMeans.accountName)) el(account, 'ram:AccountName', doc.paymentMeans.accountName);
    }
    if (present(doc.paymentMeans.bic))
      el(el(pm, 'ram:PayeeSpecifiedCreditorFinancialInstitution'), 'ram:BICID', doc.paymentMeans.bic);
  }
  for (const v of totals.vat) {
    const tax = el(settlement, 'ram:ApplicableTradeTax');
    el(tax, 'ram:CalculatedAmount', centsToDecimal(v.vatCents));
    el(tax, 'ram:TypeCode', 'VAT');
    el(tax, 'ram:BasisAmount', centsToDecimal(v.baseCents));
    el(tax, 'ram:CategoryCode', v.category);
    el(tax, 'ram:RateApplicablePercent', bpToPercent(v.rateBp));
  }
  if (present(doc.paymentTerms) || doc.dueDate) {
    const terms = el(settlement, 'ram:SpecifiedTradePaymentTerms');
    if (present(doc.paymentTerms)) el(terms, 'ram:Description', doc.paymentTerms);
    if (doc.dueDate)
      el(el(terms, 'ram:DueDateDateTime'), 'udt:DateTimeString', date102('BT-9', doc.dueDate), {
        format: '102',
      });
  }
  const sums = el(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation');
  el(sums, 'ram:LineTotalAmount', centsToDecimal(totals.ht));
  el(sums, 'ram:TaxBasisTotalAmount', centsToDecimal(totals.ht));
  el(sums, 'ram:TaxTotalAmount', centsToDecimal(totals.tva), { currencyID: doc.currency });
  el(sums, 'ram:GrandTotalAmount', centsToDecimal(totals.ttc));
  el(sums, 'ram:DuePayableAmount', centsToDecimal(totals.ttc));
  if (doc.preceding) {
    const ref = el(settlement, 'ram:InvoiceReferencedDocument');
    el(ref, 'ram:IssuerAssignedID', doc.preceding.number);
    el(
      el(ref, 'ram:FormattedIssueDateTime'),
      'qdt:DateTimeString',
      date102('BT-26', doc.preceding.issueDate),
      {
        format: '102',
      },
    );
  }
  return { xml: lineSeparatorsAsReferences(root.end({ prettyPrint: true })), totals };
}
