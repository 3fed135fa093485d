import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { type PDFDict, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkEn16931 } from './en16931-rules.js';
import { facturxPdf } from './facturx-pdf.js';
import type { InvoiceLine } from './invoice.js';
import { missing, pdffonts, pdfinfo, qpdf, transicc, validateXsd, xmllint } from './test-support/oracles.js';
import { sampleInvoice } from './test-support/sample.js';

const dir = mkdtempSync(join(tmpdir(), 'facturx-'));
/** PDFs kept for a person to look at (test-artifacts/ is git-ignored). */
const ARTIFACTS = resolve(import.meta.dirname, '../../../test-artifacts/facturx');
mkdirSync(ARTIFACTS, { recursive: true });

const run = (cmd: string, args: string[], input?: string) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  return { status: r.status, out: `${r.stdout}`, err: `${r.stderr}` };
};
/** Numbers as pdftotext gives them: the narrow no-break space of French grouping may come out as any space. */
const spaced = (s: string) =>
  new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s\\u00a0\\u202f]'));

const DETAILS: [string, string][] = [
  ['Véhicule', 'Renault Clio V (2021)'],
  ['Immatriculation', 'AB-123-CD'],
  ['VIN', 'VF1RJA00012345678'],
  ['Kilométrage', '48 250 km'],
];

let file: string;
let result: Awaited<ReturnType<typeof facturxPdf>>;
beforeAll(async () => {
  result = await facturxPdf({
    doc: sampleInvoice(),
    lang: 'fr',
    details: DETAILS,
    mentions: ['Indemnité forfaitaire pour frais de recouvrement : 40 € (clients professionnels).'],
  });
  file = join(dir, 'invoice.pdf');
  writeFileSync(file, result.pdf);
  writeFileSync(join(ARTIFACTS, 'invoice-fr.pdf'), result.pdf);
});

describe('Factur-X PDF read by independent tools', () => {
  it.skipIf(missing(pdfinfo))('opens in poppler: one A4 page, its metadata, not encrypted', () => {
    const r = run('pdfinfo', [file]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^Pages:\s+1$/m);
    expect(r.out).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    expect(r.out).toMatch(/^Metadata Stream:\s+yes$/m);
    expect(r.out).toMatch(/^Encrypted:\s+no$/m);
    expect(r.out).toMatch(/^Title:\s+Garage des Apprentis SARL — FACTURE FA-2026-000042$/m);
  });

  it.skipIf(missing(pdfinfo, xmllint))(
    'carries factur-x.xml: listed, extracted byte for byte, valid against the XSD and the rules',
    () => {
      expect(run('pdfdetach', ['-list', file]).out).toMatch(/^1: factur-x\.xml$/m);
      const out = join(dir, 'extracted.xml');
      expect(run('pdfdetach', ['-save', '1', '-o', out, file]).status).toBe(0);
      const extracted = readFileSync(out, 'utf8');
      expect(extracted).toBe(result.xml);
      expect(validateXsd(extracted).ok).toBe(true);
      expect(checkEn16931(extracted)).toEqual([]);
    },
  );

  it.skipIf(missing(qpdf))('passes qpdf --check', () => {
    const r = run('qpdf', ['--check', file]);
    expect(r.status).toBe(0);
    expect(r.out).toContain('No syntax or stream encoding errors found');
  });

  it.skipIf(missing(pdffonts))(
    'embeds every font it uses (PDF/A): no standard font left to the reader',
    () => {
      const rows = run('pdffonts', [file]).out.split('\n').slice(2).filter(Boolean);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row).toMatch(/CID TrueType\s+Identity-H\s+yes/);
    },
  );

  it.skipIf(missing(pdfinfo))('shows what the XML says: parties, vehicle, lines, totals in French', () => {
    const text = run('pdftotext', ['-layout', file, '-']).out;
    for (const s of [
      'FACTURE',
      'N° FA-2026-000042',
      "Date d'émission : 10/03/2026",
      'SIRET 12345678900014',
      'N° TVA intracommunautaire FR32123456789',
      'RCS Lyon 123 456 789',
      'Camille Martin',
      '3 place Bellecour',
      'Immatriculation : AB-123-CD',
      'VIN : VF1RJA00012345678',
      'BP-4471 & <co>',
      'Temps barème constructeur',
      'Indemnité forfaitaire pour frais de recouvrement : 40 €',
    ])
      expect(text).toContain(s);
    expect(text).toMatch(/Total HT\s+146,40/);
    for (const s of ['97,50 €', '146,40 €', '29,28 €', '175,68 €']) expect(text).toMatch(spaced(s));
    expect(text).toMatch(/Net à payer\s+175,68/);
  });
});

/** The catalog's XMP packet and the Info dictionary, read back from the file's bytes. */
async function readBack(pdf: Uint8Array) {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const meta = doc.catalog.lookup(PDFName.of('Metadata'));
  expect(meta).toBeInstanceOf(PDFRawStream);
  const raw = meta as PDFRawStream;
  expect(raw.dict.get(PDFName.of('Filter')), 'the XMP stream is not compressed').toBeUndefined();
  const xmp = new TextDecoder().decode(raw.contents);
  const intents = doc.catalog.lookup(PDFName.of('OutputIntents')) as unknown as { asArray(): unknown[] };
  const intent = doc.context.lookup(intents.asArray()[0] as never) as PDFDict;
  return { doc, xmp, intent };
}

describe('PDF/A-3 and Factur-X structure', () => {
  it('declares PDF/A-3B and Factur-X EN 16931 in XMP, matching the Info dictionary', async () => {
    const { doc, xmp } = await readBack(result.pdf);
    expect(xmp.startsWith('<?xpacket begin="\ufeff"')).toBe(true);
    const x = new DOMParser().parseFromString(
      xmp.replace(/^<\?xpacket[^>]*>/, '').replace(/<\?xpacket[^>]*>$/, ''),
      'text/xml',
    );
    const val = (ns: string, name: string) => x.getElementsByTagNameNS(ns, name)[0]?.textContent?.trim();
    expect(val('http://www.aiim.org/pdfa/ns/id/', 'part')).toBe('3');
    expect(val('http://www.aiim.org/pdfa/ns/id/', 'conformance')).toBe('B');
    const FX = 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#';
    expect(val(FX, 'DocumentType')).toBe('INVOICE');
    expect(val(FX, 'DocumentFileName')).toBe('factur-x.xml');
    expect(val(FX, 'Version')).toBe('1.0');
    expect(val(FX, 'ConformanceLevel')).toBe('EN 16931');
    // the extension schema declares the fx properties PDF/A would otherwise refuse
    const declared = [...x.getElementsByTagNameNS('http://www.aiim.org/pdfa/ns/property#', 'name')].map(
      (e) => (e as unknown as Element).textContent,
    );
    expect(declared).toEqual(['DocumentFileName', 'DocumentType', 'Version', 'ConformanceLevel']);
    expect(val('http://www.aiim.org/pdfa/ns/schema#', 'namespaceURI')).toBe(FX);
    // PDF/A: Info and XMP say the same thing
    expect(val('http://purl.org/dc/elements/1.1/', 'title')).toBe(doc.getTitle());
    expect(val('http://ns.adobe.com/pdf/1.3/', 'Producer')).toBe(doc.getProducer());
    expect(val('http://ns.adobe.com/pdf/1.3/', 'Keywords')).toBe(doc.getKeywords());
    expect(val('http://ns.adobe.com/xap/1.0/', 'CreatorTool')).toBe(doc.getCreator());
    expect(new Date(val('http://ns.adobe.com/xap/1.0/', 'CreateDate')!).getTime()).toBe(
      doc.getCreationDate()!.getTime(),
    );
    expect(new Date(val('http://ns.adobe.com/xap/1.0/', 'ModifyDate')!).getTime()).toBe(
      doc.getModificationDate()!.getTime(),
    );
  });

  it('attaches the XML as an associated file (AF, AFRelationship Data, text/xml, ModDate) and has a file ID', async () => {
    const { doc } = await readBack(result.pdf);
    const af = doc.catalog.lookup(PDFName.of('AF')) as unknown as { asArray(): unknown[] };
    const spec = doc.context.lookup(af.asArray()[0] as never) as PDFDict;
    expect(spec.get(PDFName.of('AFRelationship'))?.toString()).toBe('/Data');
    expect(spec.get(PDFName.of('F'))?.toString()).toBe('(factur-x.xml)');
    const ef = spec.lookup(PDFName.of('EF')) as PDFDict;
    const stream = ef.lookup(PDFName.of('F')) as PDFRawStream;
    expect(stream.dict.get(PDFName.of('Subtype'))?.toString()).toBe('/text#2Fxml');
    const params = stream.dict.lookup(PDFName.of('Params')) as PDFDict;
    expect(params.get(PDFName.of('ModDate'))?.toString()).toBe('(D:20260310120000Z)');
    const id = doc.context.trailerInfo.ID as unknown as { asArray(): unknown[] };
    expect(id.asArray()).toHaveLength(2);
  });

  it.skipIf(missing(transicc, qpdf))(
    'declares an sRGB output intent whose profile LittleCMS reads as sRGB',
    async () => {
      const { intent } = await readBack(result.pdf);
      expect(intent.get(PDFName.of('S'))?.toString()).toBe('/GTS_PDFA1');
      const profileRef = intent.get(PDFName.of('DestOutputProfile'))!.toString().split(' ')[0];
      const icc = join(dir, 'profile.icc');
      const r = spawnSync('qpdf', [`--show-object=${profileRef}`, '--filtered-stream-data', file]);
      expect(r.status).toBe(0);
      writeFileSync(icc, r.stdout);
      const lab = (profile: string) =>
        run('transicc', ['-i', profile, '-o', '*Lab', '-n'], '255 0 0\n0 255 0\n0 0 255\n255 255 255\n')
          .out.trim()
          .split('\n')
          .slice(-4)
          .map((line) => line.trim().split(/\s+/).map(Number));
      const ours = lab(icc);
      const builtin = lab('*sRGB'); // LittleCMS's own sRGB
      expect(ours).toHaveLength(4);
      for (const [i, c] of ours.entries())
        for (const [k, v] of c.entries()) expect(Math.abs(v - builtin[i]![k]!)).toBeLessThan(0.6);
      // and the published CIELAB (D50) of sRGB red
      expect(ours[0]![0]).toBeCloseTo(54.29, 0);
      expect(ours[0]![1]).toBeCloseTo(80.8, 0);
    },
  );

  it('gives the same bytes for the same invoice (an issued document can be produced again, identical)', async () => {
    const again = await facturxPdf({
      doc: sampleInvoice(),
      lang: 'fr',
      details: DETAILS,
      mentions: ['Indemnité forfaitaire pour frais de recouvrement : 40 € (clients professionnels).'],
    });
    expect(Buffer.from(again.pdf).equals(Buffer.from(result.pdf))).toBe(true);
  });
});

describe('layouts', () => {
  it.skipIf(missing(pdfinfo))(
    'breaks a long invoice over pages, repeating the table header and numbering pages',
    async () => {
      const lines: InvoiceLine[] = Array.from({ length: 70 }, (_, i) => ({
        id: String(i + 1),
        name: `Opération ${i + 1} — ${'contrôle '.repeat((i % 4) + 1)}`,
        sellerRef: i % 3 ? `REF-${1000 + i}` : undefined,
        quantityMilli: 1000 + i * 125,
        unitCode: i % 2 ? 'C62' : 'HUR',
        unitPriceCents: 1234 + i,
        vatRateBp: i % 5 ? 2000 : 550,
      }));
      const { pdf, xml } = await facturxPdf({ doc: sampleInvoice({ lines }), lang: 'fr' });
      const f = join(dir, 'long.pdf');
      writeFileSync(f, pdf);
      writeFileSync(join(ARTIFACTS, 'invoice-long.pdf'), pdf);
      const pages = Number(/^Pages:\s+(\d+)$/m.exec(run('pdfinfo', [f]).out)![1]);
      expect(pages).toBeGreaterThanOrEqual(2);
      const text = run('pdftotext', ['-layout', f, '-']).out;
      expect(text.match(/Désignation/g)).toHaveLength(pages);
      expect(text).toContain(`Page ${pages} / ${pages}`);
      for (let i = 1; i <= 70; i++) expect(text).toContain(`Opération ${i} —`);
      expect(checkEn16931(xml)).toEqual([]);
    },
  );

  it.skipIf(missing(pdfinfo))('writes English and credit notes', async () => {
    const en = await facturxPdf({ doc: sampleInvoice(), lang: 'en' });
    const credit = await facturxPdf({
      doc: sampleInvoice({
        typeCode: '381',
        number: 'AV-2026-000001',
        preceding: { number: 'FA-2026-000042', issueDate: '2026-03-10' },
      }),
      lang: 'fr',
    });
    const fEn = join(dir, 'en.pdf');
    const fCredit = join(dir, 'credit.pdf');
    writeFileSync(fEn, en.pdf);
    writeFileSync(fCredit, credit.pdf);
    writeFileSync(join(ARTIFACTS, 'invoice-en.pdf'), en.pdf);
    writeFileSync(join(ARTIFACTS, 'credit-note-fr.pdf'), credit.pdf);
    const tEn = run('pdftotext', ['-layout', fEn, '-']).out;
    expect(tEn).toContain('INVOICE');
    expect(tEn).toMatch(/Total incl\. VAT\s+€175\.68/);
    const tCredit = run('pdftotext', ['-layout', fCredit, '-']).out;
    expect(tCredit).toContain('AVOIR');
    expect(tCredit).toContain('Avoir sur la facture FA-2026-000042 du 10/03/2026');
    expect(tCredit).not.toContain('Net à payer');
  });
});
