import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';
import { csvCell, csvDateTime, toCsv } from './csv.js';

/** An RFC 4180 reader written from the RFC's grammar, independent of the writer. */
function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('CSV cells', () => {
  it('quotes what needs it, doubles quotes, and keeps formulas out', () => {
    expect(csvCell('Dupont; Fils', 'fr')).toBe('"Dupont; Fils"');
    expect(csvCell('Dupont; Fils', 'en')).toBe('Dupont; Fils');
    expect(csvCell('a "b"', 'en')).toBe('"a ""b"""');
    expect(csvCell('deux\nlignes', 'fr')).toBe('"deux\nlignes"');
    for (const evil of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx'])
      expect(csvCell(evil, 'fr').replace(/^"/, '').startsWith("'")).toBe(true);
    // Numbers stay numbers: a decimal comma in French, a point in English, negatives unprefixed.
    expect(csvCell(7.25, 'fr')).toBe('7,25');
    expect(csvCell(7.25, 'en')).toBe('7.25');
    expect(csvCell(-1.5, 'fr')).toBe('-1,5');
    expect(csvCell(null, 'fr')).toBe('');
    expect(csvDateTime(Date.parse('2026-07-01T06:30:00Z'))).toBe('2026-07-01 08:30');
  });

  it('writes a BOM, a header and CRLF records that an RFC 4180 reader reads back', () => {
    const text = toCsv(
      ['Nom', 'Heures'],
      [
        ['Inès "la" Moreau', 3.5],
        ['=cmd', -2],
      ],
      'fr',
    );
    expect(text.startsWith('\uFEFFNom;Heures\r\n')).toBe(true);
    expect(parseCsv(text.slice(1), ';')).toEqual([
      ['Nom', 'Heures'],
      ['Inès "la" Moreau', '3,5'],
      ["'=cmd", '-2'],
    ]);
  });
});

describe('CSV exports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(() => t.close());

  it('exports every repair order, in French with ; and in English with ,', async () => {
    const fr = await t.inject('chef', { method: 'GET', url: '/orders.csv' });
    expect(fr.statusCode).toBe(200);
    expect(fr.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(fr.headers['content-disposition']).toBe('attachment; filename="ordres-de-reparation.csv"');
    const rows = parseCsv(fr.body.replace(/^\uFEFF/, ''), ';');
    expect(rows[0]!.slice(0, 3)).toEqual(['N° OR', 'État', 'Créé le']);
    const orders = (await t.inject('chef', { method: 'GET', url: '/api/orders' })).json();
    expect(rows.length - 1).toBe(orders.length);
    expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
    const en = await t.inject('chef', { method: 'GET', url: '/orders.csv?lang=en' });
    expect(parseCsv(en.body.replace(/^\uFEFF/, ''), ',')[0]!.slice(0, 2)).toEqual(['RO number', 'State']);
    expect((await t.inject('leo', { method: 'GET', url: '/orders.csv' })).statusCode).toBe(403);
  });

  it('exports clocking with durations in decimal hours, and KPIs per technician with the workshop total', async () => {
    const clock = await t.inject('chef', { method: 'GET', url: '/clock.csv' });
    expect(clock.statusCode).toBe(200);
    const rows = parseCsv(clock.body.replace(/^\uFEFF/, ''), ';');
    expect(rows[0]).toEqual(['Personne', 'Activité', 'N° OR', 'Début', 'Fin', 'Durée (h)', 'Corrections']);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows.slice(1)) {
      expect(r[3]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
      if (r[4]) {
        const hours = Number(r[5]!.replace(',', '.'));
        const span = (Date.parse(r[4].replace(' ', 'T')) - Date.parse(r[3]!.replace(' ', 'T'))) / 3600_000;
        expect(Math.abs(hours - span)).toBeLessThan(1 / 60 + 1e-9);
      }
    }
    const kpi = await t.inject('chef', { method: 'GET', url: '/kpi.csv?from=2026-02-01&to=2026-03-10' });
    const k = parseCsv(kpi.body.replace(/^\uFEFF/, ''), ';');
    expect(k.at(-1)![0]).toBe('Atelier');
    expect(k.at(-1)!.slice(1, 3)).toEqual(['2026-02-01', '2026-03-10']);
    const api = (
      await t.inject('chef', { method: 'GET', url: '/api/kpi?from=2026-02-01&to=2026-03-10' })
    ).json();
    expect(Number(k.at(-1)![4]!.replace(',', '.'))).toBeCloseTo(api.clockedHours, 3);
    expect((await t.inject('ines', { method: 'GET', url: '/clock.csv' })).statusCode).toBe(403);
  });
});
