/**
 * Factur-X: the invoice drawn on A4 pages (pdf-lib, DejaVu Sans embedded) as a PDF/A-3b file with
 * its CII XML attached as `factur-x.xml` (AFRelationship Data, MIME text/xml), the XMP metadata
 * Factur-X asks for, an sRGB output intent and a document ID. The page and the XML come from the
 * same `InvoiceDocument` and the same totals.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import {
  AFRelationship,
  PDFDocument,
  type PDFFont,
  PDFHexString,
  PDFName,
  type PDFPage,
  PDFString,
  rgb,
} from 'pdf-lib';
import { toCii, xmlSafe } from './cii.js';
import { srgbIccProfile } from './icc.js';
import type { InvoiceDocument, Party } from './invoice.js';
import { bpToPercent, type Cents, type Totals } from './money.js';
import { facturxXmp } from './xmp.js';

export type DocLang = 'fr' | 'en';

export interface FacturxOptions {
  doc: InvoiceDocument;
  lang: DocLang;
  /** Rows printed under the parties: what the invoice is about (vehicle, plate, VIN, mileage, order). */
  details?: [label: string, value: string][];
  /** Paragraphs printed after the totals: the mentions the law asks for. */
  mentions?: string[];
  /** The instant the document was made (PDF and XMP dates); the issue date when absent. */
  createdAt?: Date;
  /** Written as the PDF's Creator (xmp:CreatorTool). */
  creator?: string;
}

export interface FacturxResult {
  pdf: Uint8Array;
  xml: string;
  totals: Totals;
}

const LABELS = {
  fr: {
    invoice: 'FACTURE',
    creditNote: 'AVOIR',
    number: 'N°',
    issueDate: "Date d'émission",
    deliveryDate: 'Date de la prestation',
    dueDate: "Date d'échéance",
    yourRef: 'Votre référence',
    corrects: 'Avoir sur la facture {number} du {date}',
    buyer: 'Client',
    ref: 'Réf.',
    designation: 'Désignation',
    qty: 'Qté',
    unitPrice: 'PU HT',
    vat: 'TVA',
    amount: 'Montant HT',
    totalHt: 'Total HT',
    vatAt: 'TVA {rate} % sur {base}',
    totalVat: 'Total TVA',
    totalTtc: 'Total TTC',
    netToPay: 'Net à payer',
    paymentTerms: 'Conditions de paiement',
    paymentMeans: 'Règlement',
    siret: 'SIRET',
    siren: 'SIREN',
    vatId: 'N° TVA intracommunautaire',
    page: 'Page {n} / {total}',
    units: { HUR: 'h', C62: 'u.', LTR: 'L', H87: 'u.' } as Record<string, string>,
    means: {
      '10': 'Espèces',
      '20': 'Chèque',
      '30': 'Virement',
      '42': 'Virement',
      '48': 'Carte bancaire',
      '57': 'Prélèvement',
      '58': 'Virement SEPA',
      '97': 'Compensation',
    } as Record<string, string>,
    subject: 'Facture',
  },
  en: {
    invoice: 'INVOICE',
    creditNote: 'CREDIT NOTE',
    number: 'No.',
    issueDate: 'Issue date',
    deliveryDate: 'Date of service',
    dueDate: 'Due date',
    yourRef: 'Your reference',
    corrects: 'Credit note on invoice {number} of {date}',
    buyer: 'Customer',
    ref: 'Ref.',
    designation: 'Description',
    qty: 'Qty',
    unitPrice: 'Unit price excl. VAT',
    vat: 'VAT',
    amount: 'Amount excl. VAT',
    totalHt: 'Total excl. VAT',
    vatAt: 'VAT {rate} % on {base}',
    totalVat: 'Total VAT',
    totalTtc: 'Total incl. VAT',
    netToPay: 'Amount due',
    paymentTerms: 'Payment terms',
    paymentMeans: 'Payment',
    siret: 'SIRET',
    siren: 'SIREN',
    vatId: 'VAT number',
    page: 'Page {n} / {total}',
    units: { HUR: 'h', C62: 'pc', LTR: 'L', H87: 'pc' } as Record<string, string>,
    means: {
      '10': 'Cash',
      '20': 'Cheque',
      '30': 'Bank transfer',
      '42': 'Bank transfer',
      '48': 'Bank card',
      '57': 'Direct debit',
      '58': 'SEPA transfer',
      '97': 'Clearing',
    } as Record<string, string>,
    subject: 'Invoice',
  },
};

const fill = (t: string, vars: Record<string, string>) =>
  t.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');

// Intl formatters are costly to build: one of each per language.
const FORMATS = {
  fr: {
    money: new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }),
    qty: new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3 }),
    date: new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'short' }),
  },
  en: {
    money: new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }),
    qty: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 }),
    date: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'short' }),
  },
};

export function formatEuros(cents: Cents, lang: DocLang): string {
  return FORMATS[lang].money.format(cents / 100);
}
const formatQty = (milli: number, lang: DocLang) => FORMATS[lang].qty.format(milli / 1000);
export function formatIsoDate(iso: string, lang: DocLang): string {
  return FORMATS[lang].date.format(new Date(`${iso}T00:00:00Z`));
}

const FONT_DIR = (() => {
  const req = createRequire(import.meta.url);
  return req.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf').replace(/DejaVuSans\.ttf$/, '');
})();
let fontBytes: { regular: Uint8Array; bold: Uint8Array } | undefined;
function fonts() {
  fontBytes ??= {
    regular: readFileSync(`${FONT_DIR}DejaVuSans.ttf`),
    bold: readFileSync(`${FONT_DIR}DejaVuSans-Bold.ttf`),
  };
  return fontBytes;
}

/**
 * fontkit with the two fonts parsed once: parsing DejaVu (750 kB) took most of an invoice's time.
 * A parsed font is only read afterwards (each document makes its own subset of it). Its OpenType
 * layout tables (GSUB, GPOS) are hidden from fontkit: Latin text needs no ligature or contextual
 * form to read right, and shaping every string through them was most of what remained; glyphs
 * then come from the character map with their advance widths (no kerning).
 */
const parsed = new Map<Uint8Array, { _layoutEngine: { engine: unknown } }>();
const cachedFontkit = {
  ...fontkit,
  create(data: Uint8Array, postscriptName?: string) {
    let font = parsed.get(data) as { _layoutEngine: { engine: unknown } } | undefined;
    if (!font) {
      font = fontkit.create(data, postscriptName) as unknown as { _layoutEngine: { engine: unknown } };
      // fontkit builds its layout engine once per font and keeps it: without its OpenType engine,
      // layout maps characters to glyphs and positions them by their advance widths.
      font._layoutEngine.engine = null;
      parsed.set(data, font);
    }
    return font;
  },
} as unknown as typeof fontkit;

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 42;
const INK = rgb(0.1, 0.1, 0.12);
const GREY = rgb(0.42, 0.42, 0.45);
const RULE = rgb(0.75, 0.75, 0.78);
const SHADE = rgb(0.93, 0.94, 0.96);

/** Pages, a cursor going down, fonts, and text that wraps. */
class Sheet {
  pages: PDFPage[] = [];
  page!: PDFPage;
  y = 0;
  readonly width = A4[0] - 2 * MARGIN;
  /** Space kept free at the bottom of each page for the footer. */
  readonly bottom = MARGIN + 30;

  constructor(
    readonly pdf: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    readonly onNewPage: () => void = () => {},
  ) {
    this.newPage(false);
  }

  newPage(repeat = true): void {
    this.page = this.pdf.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
    if (repeat) this.onNewPage();
  }

  /** Moves to a new page unless `height` fits above the footer. */
  ensure(height: number): void {
    if (this.y - height < this.bottom) this.newPage();
  }

  /** Safe text for the font: what XML cannot carry dropped, spaces the font lacks made plain. */
  clean(s: string, font: PDFFont): string {
    const out = xmlSafe(s).replace(/\t/g, ' ');
    const glyphs = (font as unknown as { embedder?: { font?: { hasGlyphForCodePoint(c: number): boolean } } })
      .embedder?.font;
    if (!glyphs) return out;
    return [...out]
      .map((ch) => {
        const c = ch.codePointAt(0)!;
        if (c === 10 || glyphs.hasGlyphForCodePoint(c)) return ch;
        return /\s/.test(ch) ? ' ' : '?';
      })
      .join('');
  }

  private widths = new Map<string, number>();
  /** Text width, remembered: shaping a string with fontkit is the costly part of a page. */
  widthOf(text: string, font: PDFFont, size: number): number {
    const key = `${font === this.bold ? 'b' : 'r'}${size}|${text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      w = font.widthOfTextAtSize(text, size);
      this.widths.set(key, w);
    }
    return w;
  }

  /**
   * `text` broken into lines no wider than `width`; words longer than a line are cut. A line's width
   * is the sum of its words' and spaces' widths (each word shaped once), not the line shaped again
   * for every word added.
   */
  wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    const space = this.widthOf(' ', font, size);
    for (const para of this.clean(text, font).split(/\r\n|\r|\n/)) {
      let line = '';
      let lineWidth = 0;
      for (const word of para.split(/ +/)) {
        const w = this.widthOf(word, font, size);
        const candidate = line ? lineWidth + space + w : w;
        if (candidate <= width) {
          line = line ? `${line} ${word}` : word;
          lineWidth = candidate;
          continue;
        }
        if (line) lines.push(line);
        let rest = word;
        while (this.widthOf(rest, font, size) > width && rest.length > 1) {
          let n = rest.length - 1;
          while (n > 1 && this.widthOf(rest.slice(0, n), font, size) > width) n--;
          lines.push(rest.slice(0, n));
          rest = rest.slice(n);
        }
        line = rest;
        lineWidth = this.widthOf(rest, font, size);
      }
      lines.push(line);
    }
    return lines;
  }

  text(
    s: string,
    x: number,
    y: number,
    opts: { size?: number; font?: PDFFont; color?: typeof INK } = {},
  ): void {
    const font = opts.font ?? this.regular;
    const t = this.clean(s, font);
    if (!t) return;
    this.page.drawText(t, { x, y, size: opts.size ?? 9, font, color: opts.color ?? INK });
  }

  right(
    s: string,
    xRight: number,
    y: number,
    opts: { size?: number; font?: PDFFont; color?: typeof INK } = {},
  ): void {
    const font = opts.font ?? this.regular;
    const size = opts.size ?? 9;
    this.text(s, xRight - this.widthOf(this.clean(s, font), font, size), y, opts);
  }

  /** A block of wrapped lines from the cursor down; returns the height used. */
  para(
    s: string,
    x: number,
    width: number,
    opts: { size?: number; font?: PDFFont; color?: typeof INK } = {},
  ): number {
    const size = opts.size ?? 9;
    const lead = size * 1.3;
    const lines = this.wrap(s, opts.font ?? this.regular, size, width);
    for (const line of lines) {
      this.ensure(lead);
      this.y -= lead;
      this.text(line, x, this.y + size * 0.25, opts);
    }
    return lines.length * lead;
  }

  hr(y: number, color = RULE): void {
    this.page.drawLine({
      start: { x: MARGIN, y },
      end: { x: MARGIN + this.width, y },
      thickness: 0.6,
      color,
    });
  }
}

function partyLines(p: Party, l: (typeof LABELS)['fr']): string[] {
  const out = [p.address.line1, p.address.line2 ?? '', `${p.address.postcode} ${p.address.city}`.trim()];
  if (p.address.country !== 'FR') out.push(p.address.country);
  if (p.siret) out.push(`${p.siret.length === 14 ? l.siret : l.siren} ${p.siret}`);
  if (p.vatId) out.push(`${l.vatId} ${p.vatId}`);
  return out.filter((s) => s.trim() !== '');
}

/** The Factur-X PDF of `doc`, its XML and its totals. */
export async function facturxPdf(opts: FacturxOptions): Promise<FacturxResult> {
  const { doc, lang } = opts;
  const l = LABELS[lang];
  const { xml, totals } = toCii(doc);
  const created = opts.createdAt ?? new Date(`${doc.issueDate}T12:00:00Z`);
  const money = (c: Cents) => formatEuros(c, lang);

  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.registerFontkit(cachedFontkit);
  const regular = await pdf.embedFont(fonts().regular, { subset: true });
  const bold = await pdf.embedFont(fonts().bold, { subset: true });

  // Table columns: ref | designation | qty | unit price | VAT | amount
  const x0 = MARGIN;
  const cols = {
    ref: x0 + 2,
    name: x0 + 74,
    qty: x0 + 318,
    price: x0 + 392,
    vat: x0 + 430,
    amount: x0 + 509,
  };
  const nameWidth = cols.qty - 40 - cols.name;
  const tableHeader = (s: Sheet) => {
    s.ensure(40);
    s.page.drawRectangle({ x: x0, y: s.y - 16, width: s.width, height: 16, color: SHADE });
    const ty = s.y - 11.5;
    s.text(l.ref, cols.ref, ty, { font: bold, size: 8 });
    s.text(l.designation, cols.name, ty, { font: bold, size: 8 });
    s.right(l.qty, cols.qty, ty, { font: bold, size: 8 });
    s.right(l.unitPrice, cols.price, ty, { font: bold, size: 8 });
    s.right(l.vat, cols.vat, ty, { font: bold, size: 8 });
    s.right(l.amount, cols.amount, ty, { font: bold, size: 8 });
    s.y -= 18;
  };
  let inTable = false;
  const sheet: Sheet = new Sheet(pdf, regular, bold, () => {
    if (inTable) tableHeader(sheet);
  });
  const s = sheet;
  const right = MARGIN + s.width;

  // Seller (top left)
  s.text(doc.seller.name, x0, s.y - 12, { font: bold, size: 13 });
  s.y -= 16;
  const sellerInfo = [
    doc.seller.tradingName && doc.seller.tradingName !== doc.seller.name ? doc.seller.tradingName : '',
    doc.seller.legalForm ?? '',
    ...partyLines(doc.seller, l),
    doc.seller.register ?? '',
    [doc.seller.phone, doc.seller.email].filter(Boolean).join(' · '),
  ].filter((x) => x.trim() !== '');
  const topY = s.y;
  for (const line of sellerInfo) s.para(line, x0, 250, { size: 8.5, color: GREY });
  const sellerBottom = s.y;

  // Title and references (top right)
  s.y = A4[1] - MARGIN;
  s.right(doc.typeCode === '381' ? l.creditNote : l.invoice, right, s.y - 16, { font: bold, size: 18 });
  let ry = s.y - 34;
  const refRow = (label: string, value: string) => {
    s.right(`${label} : ${value}`, right, ry, { size: 9 });
    ry -= 12;
  };
  s.right(`${l.number} ${doc.number}`, right, ry, { font: bold, size: 11 });
  ry -= 15;
  refRow(l.issueDate, formatIsoDate(doc.issueDate, lang));
  if (doc.deliveryDate) refRow(l.deliveryDate, formatIsoDate(doc.deliveryDate, lang));
  if (doc.dueDate) refRow(l.dueDate, formatIsoDate(doc.dueDate, lang));
  if (doc.buyerReference) refRow(l.yourRef, doc.buyerReference);
  if (doc.preceding)
    for (const line of s.wrap(
      fill(l.corrects, { number: doc.preceding.number, date: formatIsoDate(doc.preceding.issueDate, lang) }),
      bold,
      9,
      320,
    )) {
      s.right(line, right, ry, { font: bold, size: 9 });
      ry -= 12;
    }

  // Buyer (boxed, right)
  const buyerLines = [doc.buyer.name, doc.buyer.legalForm ?? '', ...partyLines(doc.buyer, l)].filter(Boolean);
  const boxTop = Math.min(ry - 6, topY - 40);
  const boxH = 18 + buyerLines.length * 11.5 + 6;
  const boxX = right - 240;
  s.page.drawRectangle({
    x: boxX,
    y: boxTop - boxH,
    width: 240,
    height: boxH,
    borderColor: RULE,
    borderWidth: 0.8,
  });
  s.text(l.buyer, boxX + 8, boxTop - 12, { size: 8, color: GREY });
  for (const [i, line] of buyerLines.entries())
    s.text(line, boxX + 8, boxTop - 25 - i * 11.5, { font: i === 0 ? bold : regular, size: 9.5 });
  s.y = Math.min(sellerBottom, boxTop - boxH) - 14;

  // Details (what the invoice is about)
  if (opts.details?.length) {
    const rows = opts.details.filter(([, v]) => v.trim() !== '');
    const colW = s.width / 2;
    for (let i = 0; i < rows.length; i += 2) {
      s.ensure(13);
      s.y -= 12;
      for (const [j, [label, value]] of rows.slice(i, i + 2).entries()) {
        const x = x0 + j * colW;
        s.text(`${label} :`, x, s.y, { size: 8.5, color: GREY });
        s.text(value, x + 4 + regular.widthOfTextAtSize(`${label} :`, 8.5), s.y, { size: 8.5 });
      }
    }
    s.y -= 10;
  }

  // Lines
  inTable = true;
  tableHeader(s);
  doc.lines.forEach((line, i) => {
    const nameLines = s.wrap(line.name, regular, 8.5, nameWidth);
    const extra = [line.description, line.note].filter((x): x is string => !!x && x.trim() !== '');
    const extraLines = extra.flatMap((x) => s.wrap(x, regular, 7.5, nameWidth));
    const refLines = s.wrap(line.sellerRef ?? '', regular, 7.5, cols.name - cols.ref - 6);
    const h = Math.max(nameLines.length * 11 + extraLines.length * 9.5, refLines.length * 9.5) + 6;
    s.ensure(h);
    const top = s.y - 9;
    for (const [k, r] of refLines.entries()) s.text(r, cols.ref, top - k * 9.5, { size: 7.5, color: GREY });
    for (const [k, n] of nameLines.entries()) s.text(n, cols.name, top - k * 11, { size: 8.5 });
    for (const [k, n] of extraLines.entries())
      s.text(n, cols.name, top - nameLines.length * 11 - k * 9.5 + 1, { size: 7.5, color: GREY });
    const unit = l.units[line.unitCode] ?? line.unitCode;
    s.right(`${formatQty(line.quantityMilli, lang)} ${unit}`, cols.qty, top, { size: 8.5 });
    s.right(money(line.unitPriceCents), cols.price, top, { size: 8.5 });
    s.right(`${bpToPercent(line.vatRateBp).replace('.', lang === 'fr' ? ',' : '.')} %`, cols.vat, top, {
      size: 8.5,
    });
    s.right(money(totals.lines[i]!), cols.amount, top, { size: 8.5 });
    s.y -= h;
    s.hr(s.y + 2);
  });
  inTable = false;

  // Totals (right)
  const rows: [string, string, boolean][] = [[l.totalHt, money(totals.ht), false]];
  for (const v of totals.vat)
    rows.push([
      fill(l.vatAt, {
        rate: bpToPercent(v.rateBp).replace('.', lang === 'fr' ? ',' : '.'),
        base: money(v.baseCents),
      }),
      money(v.vatCents),
      false,
    ]);
  rows.push([l.totalVat, money(totals.tva), false], [l.totalTtc, money(totals.ttc), true]);
  if (doc.typeCode === '380') rows.push([l.netToPay, money(totals.ttc), true]);
  s.ensure(rows.length * 14 + 12);
  s.y -= 8;
  for (const [label, value, strong] of rows) {
    s.y -= 14;
    if (strong) s.page.drawRectangle({ x: right - 250, y: s.y - 4, width: 250, height: 14, color: SHADE });
    s.text(label, right - 246, s.y, { size: 9, font: strong ? bold : regular });
    s.right(value, right - 4, s.y, { size: 9, font: strong ? bold : regular });
  }
  s.y -= 14;

  // Payment
  const pay: string[] = [];
  if (doc.paymentTerms) pay.push(`${l.paymentTerms} : ${doc.paymentTerms}`);
  if (doc.dueDate) pay.push(`${l.dueDate} : ${formatIsoDate(doc.dueDate, lang)}`);
  if (doc.paymentMeans) {
    const m = doc.paymentMeans;
    pay.push(
      [
        `${l.paymentMeans} : ${l.means[m.typeCode] ?? m.typeCode}`,
        m.iban ? `IBAN ${m.iban}` : '',
        m.bic ? `BIC ${m.bic}` : '',
      ]
        .filter(Boolean)
        .join(' — '),
    );
  }
  for (const p of pay) s.para(p, x0, s.width, { size: 8.5 });
  s.y -= 6;

  // Mentions and notes
  const paragraphs = [...(opts.mentions ?? []), ...doc.notes.map((n) => n.text)];
  const seen = new Set<string>();
  for (const p of paragraphs) {
    if (seen.has(p)) continue;
    seen.add(p);
    s.para(p, x0, s.width, { size: 7.5, color: GREY });
    s.y -= 2;
  }

  // Footer on every page
  const footer = [
    doc.seller.name,
    doc.seller.legalForm,
    doc.seller.siret ? `${l.siret} ${doc.seller.siret}` : '',
    doc.seller.vatId ? `${l.vatId} ${doc.seller.vatId}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  s.pages.forEach((page, i) => {
    s.page = page;
    s.hr(MARGIN + 18);
    for (const [k, line] of s
      .wrap(footer, regular, 7, s.width - 60)
      .slice(0, 2)
      .entries())
      s.text(line, x0, MARGIN + 6 - k * 9, { size: 7, color: GREY });
    s.right(fill(l.page, { n: String(i + 1), total: String(s.pages.length) }), right, MARGIN + 6, {
      size: 7,
      color: GREY,
    });
  });

  // PDF/A-3b and Factur-X
  const title = `${doc.seller.name} — ${doc.typeCode === '381' ? l.creditNote : l.invoice} ${doc.number}`;
  const subject = `${doc.typeCode === '381' ? l.creditNote : l.subject} ${doc.number} — ${doc.buyer.name}`;
  const keywords = `${doc.typeCode === '381' ? 'Credit note' : 'Invoice'}, Factur-X, EN 16931`;
  const producer = 'Atelier @atelier/facturx (pdf-lib)';
  const creator = opts.creator ?? 'Atelier';
  pdf.setTitle(title, { showInWindowTitleBar: true });
  pdf.setAuthor(doc.seller.name);
  pdf.setSubject(subject);
  pdf.setKeywords([keywords]);
  pdf.setCreator(creator);
  pdf.setProducer(producer);
  pdf.setCreationDate(created);
  pdf.setModificationDate(created);
  pdf.setLanguage(lang === 'fr' ? 'fr-FR' : 'en-GB');

  const xmlBytes = new TextEncoder().encode(xml);
  await pdf.attach(xmlBytes, 'factur-x.xml', {
    mimeType: 'text/xml',
    description: 'Factur-X invoice (CII D16B, EN 16931)',
    creationDate: created,
    modificationDate: created,
    afRelationship: AFRelationship.Data,
  });

  const ctx = pdf.context;
  const xmp = facturxXmp({
    title,
    author: doc.seller.name,
    subject,
    keywords,
    creator,
    producer,
    date: created,
    conformanceLevel: 'EN 16931',
    documentType: 'INVOICE',
    documentFileName: 'factur-x.xml',
  });
  // PDF/A: the metadata stream is not compressed, so any reader finds the identification.
  const metadata = ctx.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' });
  pdf.catalog.set(PDFName.of('Metadata'), ctx.register(metadata));
  const icc = ctx.flateStream(srgbIccProfile(), { N: 3 });
  const intent = ctx.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: ctx.register(icc),
  });
  pdf.catalog.set(PDFName.of('OutputIntents'), ctx.obj([ctx.register(intent)]));
  // PDF/A requires a file identifier; derived from the content, so the same invoice gives the same file.
  const id = createHash('md5').update(xml).update(doc.number).digest('hex');
  ctx.trailerInfo.ID = ctx.obj([PDFHexString.of(id), PDFHexString.of(id)]);

  const bytes = await pdf.save({ useObjectStreams: false });
  return { pdf: bytes, xml, totals };
}
