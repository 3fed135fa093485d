/**
 * An invoice as EN 16931 sees it (the business terms BT-n the CII carries), in integer money. The
 * same object feeds the CII XML and the PDF, so the two cannot say different things.
 */
import type { Cents, VatCategory } from './money.js';

export interface PostalAddress {
  line1: string;
  line2?: string;
  postcode: string;
  city: string;
  /** ISO 3166-1 alpha-2 (BT-40 / BT-55). */
  country: string;
}

export interface Party {
  /** Legal name (BT-27 / BT-44). */
  name: string;
  /** Trading name, when it differs (BT-28). */
  tradingName?: string;
  /** Legal form and share capital as printed ("SARL au capital de 8 000 €"). Shown, not in the XML. */
  legalForm?: string;
  /** SIREN (9 digits) or SIRET (14): the legal registration (BT-30 / BT-47, scheme 0002 / 0009). */
  siret?: string;
  /** Intra-community VAT number (BT-31 / BT-48), e.g. FR32123456789. */
  vatId?: string;
  /** Trade or crafts register as printed ("RCS Lyon 123 456 789", "RM 69"). Shown, not in the XML. */
  register?: string;
  address: PostalAddress;
  email?: string;
  phone?: string;
}

export interface InvoiceLine {
  /** Line identifier (BT-126), unique in the invoice. */
  id: string;
  /** Item name (BT-153). */
  name: string;
  /** Item description (BT-154). */
  description?: string;
  /** Seller's item identifier — the part reference (BT-155). */
  sellerRef?: string;
  /** Invoiced quantity in thousandths (BT-129). */
  quantityMilli: number;
  /** UN/ECE Recommendation 20 unit code (BT-130): HUR hour, C62 one (piece), LTR litre. */
  unitCode: string;
  /** Net unit price excluding VAT, in cents (BT-146). */
  unitPriceCents: Cents;
  /** VAT rate in basis points (BT-152). */
  vatRateBp: number;
  vatCategory?: VatCategory;
  /** Free note on the line (BT-127): how the time was billed, the origin of a part. */
  note?: string;
}

/** A note on the document (BG-1): BT-21 subject code (UNTDID 4451) and BT-22 text. */
export interface InvoiceNote {
  /** PMD late-payment penalties, PMT recovery indemnity, AAB discount, REG regulatory, AAI general. */
  subject?: 'PMD' | 'PMT' | 'AAB' | 'REG' | 'AAI' | 'SUR' | 'TXD';
  text: string;
}

export interface PaymentMeans {
  /** UNTDID 4461 (BT-81): 10 cash, 20 cheque, 30 credit transfer, 48 bank card, 58 SEPA transfer. */
  typeCode: '10' | '20' | '30' | '42' | '48' | '58' | '57' | '97';
  information?: string;
  iban?: string;
  bic?: string;
  accountName?: string;
}

export interface InvoiceDocument {
  /** 380 commercial invoice, 381 credit note (BT-3). */
  typeCode: '380' | '381';
  /** BT-1: the number of an unbroken sequence. */
  number: string;
  /** BT-2, YYYY-MM-DD. */
  issueDate: string;
  /** BT-72: when the work was delivered, YYYY-MM-DD. */
  deliveryDate?: string;
  /** BT-9, YYYY-MM-DD. */
  dueDate?: string;
  /** BT-20: payment terms in words. */
  paymentTerms?: string;
  /** BT-5: ISO 4217. */
  currency: 'EUR';
  seller: Party;
  buyer: Party;
  /** BT-10: the buyer's own reference (their order, the repair order number…). */
  buyerReference?: string;
  /** BT-13: purchase order reference. */
  orderReference?: string;
  /** BG-3: the invoice a credit note corrects. */
  preceding?: { number: string; issueDate: string };
  lines: InvoiceLine[];
  notes: InvoiceNote[];
  paymentMeans?: PaymentMeans;
}

/** The Factur-X profile this package writes: EN 16931 (the guideline identifier BT-24). */
export const EN16931_GUIDELINE = 'urn:cen.eu:en16931:2017';
