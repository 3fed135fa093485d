import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../store/migrations.js';
import { makeTestApp, type TestApp } from '../testing.js';
import { LANG_COOKIE } from './types.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const H = 3600_000;

describe('system routes', () => {
  it('answers /healthz with the schema version while the store is open', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ ok: true, schema: Math.max(...migrations.map((m) => m.version)) });
  });

  it('serves an OpenAPI 3 document built from the route schemas', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/orders', '/api/orders/{id}/transitions', '/api/kpi', '/api/clock/start']),
    );
    const create = doc.paths['/api/orders'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['vehicleId']);
    expect(create.responses['201']).toBeDefined();
    expect(doc.components.securitySchemes.csrf).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'x-csrf-token',
    });
  });

  it('serves uPlot and the app assets', async () => {
    const js = await t.app.inject({ method: 'GET', url: '/vendor/uplot/uPlot.iife.min.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect((await t.app.inject({ method: 'GET', url: '/static/../app.ts' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/vendor/uplot/package.json' })).statusCode).toBe(400);
  });
});

describe('languages', () => {
  it('is French by default, switches by query, and remembers the choice in a cookie', async () => {
    const fr = await t.inject('chef', { method: 'GET', url: '/board' });
    expect(fr.body).toContain('<html lang="fr">');
    expect(fr.body).toContain('Tableau des ordres de réparation');
    const en = await t.inject('chef', { method: 'GET', url: '/board?lang=en' });
    expect(en.body).toContain('Repair order board');
    expect(String(en.headers['set-cookie'])).toContain(`${LANG_COOKIE}=en`);
    const again = await t.inject('chef', {
      method: 'GET',
      url: '/kpi',
      headers: { cookie: `${(await t.as('chef')).cookie}; ${LANG_COOKIE}=en` },
    });
    expect(again.body).toContain('Workshop KPIs');
    expect(again.body).toContain('sold hours ÷ clocked hours');
  });

  it('gives refusals in the user’s language', async () => {
    const o = t.demo.orderIds.booked!;
    const karim = t.demo.users.karim!.id;
    const chef = await t.as('chef');
    const fr = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o}/assign`,
      headers: chef.headers,
      payload: { userId: karim },
    });
    expect(fr.statusCode).toBe(409);
    // an EV asks B0L of anyone working on it; Karim's B1VL (which covers it) has expired
    expect(fr.json().error).toMatch(/Karim Haddad couvrant B0L.*recyclage dépassé : B1VL/);
    const en = await t.app.inject({
      method: 'POST',
      url: `/api/orders/${o}/assign`,
      headers: { ...chef.headers, cookie: `${chef.cookie}; ${LANG_COOKIE}=en` },
      payload: { userId: karim },
    });
    expect(en.json()).toMatchObject({ field: 'userId' });
    expect(en.json().error).toMatch(
      /Karim Haddad's habilitation covering B0L is no longer valid \(renewal overdue: B1VL/,
    );
  });
});

describe('repair orders over the JSON API', () => {
  it('takes a new order through the whole process and shows it on the board and the printable order', async () => {
    const chef = await t.as('chef');
    const tech = await t.as('ines');
    const post = (who: typeof chef, url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: who.headers, payload });
    const created = await post(chef, '/api/orders', {
      vehicleId: t.demo.vehicleIds[6],
      complaint: 'Le moteur broute à froid',
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json().state).toBe('booked');
    expect(
      (
        await post(chef, `/api/orders/${id}/reception`, {
          complaint: 'Le moteur broute à froid',
          odometerKm: 200_000,
          condition: 'RAS',
        })
      ).json().state,
    ).toBe('reception');
    expect((await post(chef, `/api/orders/${id}/assign`, { userId: t.demo.users.ines!.id })).statusCode).toBe(
      200,
    );
    const move = async (to: string, who = tech) => {
      const r = await post(who, `/api/orders/${id}/transitions`, { to });
      expect(r.statusCode, `${to}: ${r.body}`).toBe(200);
      return r.json();
    };
    await move('diagnosis');
    // no diagnostic session found a cause on this order: nothing to propose, whatever the rate
    for (const body of [{}, { rateId: 1 }]) {
      const proposed = await post(tech, `/api/orders/${id}/propose-lines`, body);
      expect([proposed.statusCode, proposed.json().field]).toEqual([409, 'diagnosis']);
    }
    const rates = (await t.inject('chef', { method: 'GET', url: '/api/workshop' })).json().rates;
    const t1 = rates.find((r: { code: string }) => r.code === 'T1');
    const line = await post(tech, `/api/orders/${id}/lines`, {
      kind: 'labour',
      description: 'Bougies',
      rateId: t1.id,
      hours: 0.7,
    });
    expect(line.statusCode).toBe(201);
    expect(line.json()).toMatchObject({
      unit: 'hour',
      quantity_milli: 700,
      unit_price_cents: 6500,
      price_cents: 4550,
    });
    const declined = await post(tech, `/api/orders/${id}/lines`, {
      kind: 'part',
      description: 'Balais essuie-glace',
      unitPrice: '24,90',
    });
    expect(declined.json().price_cents).toBe(2490);
    // a diagnostic order is quoted on a diagnosis
    expect((await post(tech, `/api/orders/${id}/transitions`, { to: 'quote' })).statusCode).toBe(409);
    await post(tech, `/api/orders/${id}/notes`, { notes: 'bougies encrassées, allumage irrégulier à froid' });
    await move('quote');
    // the quote's totals in euros: 45.50 + 24.90 HT, 20 % VAT
    expect((await t.inject('chef', { method: 'GET', url: `/api/orders/${id}` })).json().totals).toEqual({
      ht: 70.4,
      tva: 14.08,
      ttc: 84.48,
    });
    await move('awaiting_approval', chef);
    const approved = await post(chef, `/api/orders/${id}/approval`, {
      approve: [line.json().id],
      followupOn: '2026-06-01',
      method: 'phone',
      signerName: 'Marc Garnier',
      reference: '06 98 76 54 32, le client',
    });
    expect(approved.json().lines.map((l: { status: string }) => l.status)).toEqual(['approved', 'declined']);
    // the declined line's follow-up day, as the pages write days
    const page = await t.inject('chef', { method: 'GET', url: `/orders/${id}` });
    expect(page.body).toContain('(relance 01/06/2026)');
    expect(page.body).not.toContain('2026-06-01');
    await move('repair');
    // the work is clocked before quality control
    expect((await post(tech, `/api/orders/${id}/transitions`, { to: 'quality_control' })).statusCode).toBe(
      409,
    );
    await post(tech, '/api/clock/in', {});
    await post(tech, '/api/clock/start', { roId: id });
    t.clock.advance(40 * 60_000);
    await post(tech, '/api/clock/stop', {});
    await move('quality_control');
    const qc = (await t.inject('ines', { method: 'GET', url: `/api/orders/${id}/quality` })).json();
    expect((await post(tech, `/api/orders/${id}/transitions`, { to: 'ready' })).statusCode).toBe(409);
    const checks = Object.fromEntries(qc.items.map((i: { id: string }) => [`result_${i.id}`, 'ok']));
    expect((await post(tech, `/api/orders/${id}/quality`, checks)).statusCode).toBe(200);
    await move('ready');
    const bad = await post(tech, `/api/orders/${id}/transitions`, { to: 'booked' });
    expect(bad.statusCode).toBe(409);
    const board = await t.inject('chef', { method: 'GET', url: '/board' });
    expect(board.body).toMatch(new RegExp(`data-state="ready">[\\s\\S]*?${created.json().number}`));
    // delivery waits for the invoice; the invoice is the approved line only
    expect((await post(chef, `/api/orders/${id}/transitions`, { to: 'delivered' })).json()).toMatchObject({
      field: 'invoice',
    });
    const invoice = await post(chef, `/api/orders/${id}/invoice`, {});
    expect(invoice.statusCode).toBe(201);
    expect(invoice.json()).toMatchObject({ kind: 'invoice', totals: { ht: 45.5, tva: 9.1, ttc: 54.6 } });
    const issued: string = invoice.json().issue_date;
    const list = await t.inject('chef', { method: 'GET', url: '/invoices' });
    expect(list.body).toContain(
      `<td>${issued.slice(8, 10)}/${issued.slice(5, 7)}/${issued.slice(0, 4)}</td>`,
    );
    const order = (await t.inject('chef', { method: 'GET', url: `/api/orders/${id}` })).json();
    expect(order.invoice).toMatchObject({
      number: invoice.json().number,
      totals: { ht: 45.5, tva: 9.1, ttc: 54.6 },
    });
    expect(order.invoice.issued_at).toBe(t.clock.now());
    const pdf = await t.inject('chef', { method: 'GET', url: `/api/orders/${id}/invoice.pdf` });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // the attachment is in the file: its name as PDF strings write it, and the XML itself (compressed)
    expect(pdf.rawPayload.includes(Buffer.from('(factur-x.xml)'))).toBe(true);
    const done = await move('delivered', chef);
    expect(done.state).toBe('delivered');
    const pageFr = await t.inject('chef', { method: 'GET', url: `/orders/${id}` });
    expect(pageFr.body).toContain('affecté à Inès Moreau');
    expect(pageFr.body).toContain('accord partiel : 1 ligne(s) refusée(s)');
    const pageEn = await t.inject('chef', { method: 'GET', url: `/orders/${id}?lang=en` });
    expect(pageEn.body).toContain('assigned to Inès Moreau');
    expect(pageEn.body).toContain('partial approval: 1 line(s) declined');
    const print = await t.inject('chef', { method: 'GET', url: `/orders/${id}/print` });
    expect(print.body).toContain('Le moteur broute à froid');
    expect(print.body).toContain('Signature du client');
    expect(print.body).toContain('refusée — travaux différés');
    const deferred = (
      await t.inject('chef', { method: 'GET', url: '/api/deferred-work?until=2026-06-01' })
    ).json();
    expect(deferred.map((d: { description: string }) => d.description)).toContain('Balais essuie-glace');
  });

  it('validates input against the schemas, naming the field', async () => {
    const chef = await t.as('chef');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/orders',
      headers: chef.headers,
      payload: { vehicleId: 'abc' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/vehicleId/);
    const missing = await t.inject('chef', { method: 'GET', url: '/api/orders/99999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('Ordre de réparation 99999 introuvable');
  });
});

describe('clocking and KPIs', () => {
  it('moves the KPIs when someone clocks on an order', async () => {
    const lucas = await t.as('lucas');
    const before = (await t.inject('lucas', { method: 'GET', url: '/api/kpi' })).json();
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/clock/in', headers: lucas.headers })).statusCode,
    ).toBe(200);
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/clock/start',
      headers: lucas.headers,
      payload: { roId: t.demo.orderIds.qc },
    });
    expect(start.statusCode, start.body).toBe(200);
    expect(start.json().activity.ro_number).toMatch(/^OR-/);
    await t.clock.advance(2 * H);
    await t.app.inject({ method: 'POST', url: '/api/clock/out', headers: lucas.headers });
    const after = (await t.inject('lucas', { method: 'GET', url: '/api/kpi' })).json();
    expect(after.clockedHours - before.clockedHours).toBeCloseTo(2);
    expect(after.attendedHours - before.attendedHours).toBeCloseTo(2);
    // A technician sees only their own figures, even when asking for someone else's.
    const other = (
      await t.inject('lucas', { method: 'GET', url: `/api/kpi?userId=${t.demo.users.ines!.id}` })
    ).json();
    expect(other.userId).toBe(t.demo.users.lucas!.id);
  });

  it('shows each KPI with its formula, and a chart fed by the daily series', async () => {
    const page = await t.inject('chef', { method: 'GET', url: '/kpi' });
    for (const s of [
      'Efficacité',
      'heures vendues ÷ heures pointées',
      'heures pointées ÷ heures de présence',
      'heures vendues ÷ heures de présence',
      'Taux de retours atelier',
      'Durée moyenne de diagnostic',
      'Durée moyenne dans chaque état',
    ])
      expect(page.body).toContain(s);
    expect(page.body).toContain('/vendor/uplot/uPlot.iife.min.js');
    const data = JSON.parse(
      /<script type="application\/json" id="kpi-data">([^<]*)<\/script>/.exec(page.body)![1]!,
    );
    expect(data.daily.day).toHaveLength(30);
    expect(data.daily.clocked.some((h: number) => h > 0)).toBe(true);
  });

  it('lets a manager correct an entry, and keeps the audit trail', async () => {
    const chef = await t.as('chef');
    const entries = (
      await t.inject('chef', { method: 'GET', url: `/api/clock/entries?userId=${t.demo.users.leo!.id}` })
    ).json();
    const e = entries.find(
      (x: { kind: string; end_at: number | null }) => x.kind === 'attendance' && x.end_at,
    );
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/clock/entries/${e.id}/correction`,
      headers: chef.headers,
      payload: { startAt: String(e.start_at - 15 * 60_000), reason: 'arrivé plus tôt, badge oublié' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const trail = (
      await t.inject('chef', { method: 'GET', url: `/api/clock/entries/${e.id}/corrections` })
    ).json();
    expect(trail).toEqual([
      expect.objectContaining({
        field: 'start_at',
        old_value: e.start_at,
        new_value: e.start_at - 15 * 60_000,
        by_name: 'Sophie Martin',
      }),
    ]);
  });
});

describe('people and GDPR pages', () => {
  it('lists habilitation alerts (expiring and expired) for managers', async () => {
    const page = await t.inject('chef', { method: 'GET', url: '/people' });
    expect(page.body).toContain('Habilitations à renouveler');
    expect(page.body).toMatch(/Karim Haddad — B1VL : expirée depuis le/);
    expect(page.body).toMatch(/Inès Moreau — B1VL : recyclage avant le/);
    // Also on the manager's board; not on a technician's.
    expect((await t.inject('chef', { method: 'GET', url: '/board' })).body).toContain(
      '2 habilitation(s) NF C18-550 à renouveler',
    );
    expect((await t.inject('ines', { method: 'GET', url: '/board' })).body).not.toContain('NF C18-550');
  });

  it('exports a customer as a JSON download and erases them', async () => {
    const chef = await t.as('chef');
    const exp = await t.inject('chef', { method: 'GET', url: '/api/customers/5/export' });
    expect(exp.headers['content-disposition']).toBe('attachment; filename="customer-5.json"');
    expect(exp.json().customer.name).toBe('Pierre Fontaine');
    const erase = await t.app.inject({
      method: 'POST',
      url: '/customers/5/erase',
      headers: chef.headers,
      payload: {},
    });
    expect(erase.statusCode).toBe(303);
    expect(
      JSON.stringify((await t.inject('chef', { method: 'GET', url: '/api/customers/5/export' })).json()),
    ).not.toContain('Fontaine');
  });
});
