import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';
import { refillForm } from './refill.js';
import { LANG_COOKIE } from './types.js';

const PAGE = `<main><form method="post" action="/a"><input type="hidden" name="_csrf" value="t"><input type="hidden" name="to" value="x"><label>N <input name="name" value=""></label></form>
<form method="post" action="/things"><input type="hidden" name="_csrf" value="t"><input type="hidden" name="kind" value="car">
<label>Name <input name="name" required></label><label>Note <textarea name="note">old</textarea></label>
<label>Energy <select name="energy"><option value="petrol" selected>P</option><option value="ev">EV</option></select></label>
<label>Secret <input type="password" name="password"></label><label><input type="checkbox" name="hv" value="1"> HV</label>
<button type="submit">Go</button></form>
<form method="post" action="/things"><input type="hidden" name="_csrf" value="t"><input type="hidden" name="kind" value="bike"><input name="name"></form></main>`;

describe('refillForm', () => {
  it('fills the form that was sent (the one whose hidden fields match), never a password', () => {
    const out = refillForm(
      PAGE,
      '/things',
      {
        _csrf: 't',
        kind: 'car',
        name: 'A "quoted" <name>',
        note: 'new & more',
        energy: 'ev',
        password: 'p4ss',
        hv: '1',
      },
      { message: 'required!', field: 'note' },
    )!;
    const form = out.slice(out.indexOf('value="car"') - 200, out.indexOf('value="bike"'));
    expect(form).toContain('<input value="A &quot;quoted&quot; &lt;name&gt;" name="name" required>');
    expect(form).toContain(
      '>new &amp; more</textarea><span class="field-error" id="refused-message" role="alert">required!</span>',
    );
    expect(form).toMatch(
      /<textarea autofocus="" aria-describedby="refused-message" aria-invalid="true" name="note">/,
    );
    expect(form).toContain('<option value="petrol">P</option><option selected="" value="ev">EV</option>');
    expect(form).toContain('<input type="password" name="password">');
    expect(form).toContain('<input checked="" type="checkbox" name="hv" value="1">');
    // The other forms are as they were.
    expect(out).toContain(
      '<form method="post" action="/a"><input type="hidden" name="_csrf" value="t"><input type="hidden" name="to" value="x"><label>N <input name="name" value=""></label></form>',
    );
    expect(out).toContain('value="bike"><input name="name"></form>');
  });

  it('puts a refusal about no field of the form at its head, and answers null without the form', () => {
    const out = refillForm(PAGE, '/a', { to: 'x', name: 'n' }, { message: 'not now' })!;
    expect(out).toContain(
      '<form data-refused method="post" action="/a"><p class="error" role="alert" id="refused-message">not now</p>',
    );
    expect(refillForm(PAGE, '/nowhere', {}, { message: 'x' })).toBeNull();
  });
});

describe('a refused form comes back filled in (422), not on a dead-end page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(() => t.close());

  const post = async (
    login: string,
    url: string,
    back: string,
    fields: Record<string, string>,
    lang = 'fr',
  ) => {
    const s = await t.as(login);
    return t.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: `${s.cookie}; ${LANG_COOKIE}=${lang}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ ...fields, _csrf: s.csrf, _back: back }).toString(),
    });
  };

  it('a rule of the service (an existing login): the message beside the field, the values kept', async () => {
    const res = await post('admin', '/people', '/people', {
      login: 'chef',
      name: 'Nouveau Chef',
      role: 'manager',
      password: 'Pneus-hiver-Lyon-77',
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const form = res.body.slice(res.body.indexOf('<form data-refused'));
    expect(form).toMatch(/<input [^>]*aria-invalid="true" [^>]*name="login"[^>]*>/);
    expect(form).toContain('l&#39;identifiant « chef » existe déjà');
    expect(form).toMatch(/<input value="Nouveau Chef" name="name"/);
    expect(form).toMatch(/<option selected="" value="manager">/);
    expect(form).not.toContain('Pneus-hiver-Lyon-77');
    expect(res.body).not.toContain('<h1>Impossible</h1>');
  });

  it('a schema refusal: the rule in the page language beside the field, no internal name', async () => {
    const chef = t.demo.users.chef!;
    const karim = t.demo.users.karim!;
    const res = await post(
      'chef',
      '/people/habilitations',
      `/people/${karim.id}`,
      {
        userId: String(karim.id),
        symbol: 'B2L',
        issuedOn: '2026-02-30x',
        renewalOn: '',
        issuedBy: 'Centre de formation',
      },
      'en',
    );
    expect(res.statusCode).toBe(422);
    const form = res.body.slice(res.body.indexOf('<form data-refused'));
    expect(form).toMatch(
      /name="issuedOn"[^>]*><span class="field-error" id="refused-message" role="alert">invalid format<\/span>/,
    );
    expect(form).toContain('value="Centre de formation"');
    expect(form).toMatch(/<option selected="" value="B2L">/);
    expect(chef.id).toBeGreaterThan(0);
  });

  it('creates a vehicle without a mileage (the field is optional), and refuses a bad one beside its field', async () => {
    const ok = await post('ines', '/vehicles', '/vehicles', {
      vin: 'VF1RJA00165432101',
      plate: 'GH-123-JK',
      model: '',
      energy: 'petrol',
      customerId: '0',
      odometerKm: '',
    });
    expect(ok.statusCode).toBe(303);
    const bad = await post('ines', '/vehicles', '/vehicles', {
      vin: 'WVWZZZ1JZXW000001',
      plate: 'AB-987-CD',
      energy: 'petrol',
      customerId: '0',
      odometerKm: 'douze',
    });
    expect(bad.statusCode).toBe(422);
    const form = bad.body.slice(bad.body.indexOf('<form data-refused'));
    expect(form).toMatch(/name="odometerKm"[^>]*><span class="field-error"/);
    expect(form).toContain('value="AB-987-CD"');
    expect(form).not.toContain('odometerKm »');
  });

  it('without the page it came from, the refusal page still answers (and the API its JSON)', async () => {
    const res = await post('admin', '/people', '', {
      login: 'x',
      name: 'X',
      role: 'manager',
      password: 'Pneus-hiver-Lyon-77',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="error"');
    const api = await t.inject('admin', {
      method: 'POST',
      url: '/api/users',
      payload: { login: 'chef', name: 'X', role: 'manager', password: 'Pneus-hiver-Lyon-77' },
    });
    expect(api.statusCode).toBe(400);
    expect(api.json()).toMatchObject({ field: 'login' });
  });
});
