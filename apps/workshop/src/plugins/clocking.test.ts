/** The clocking page for a manager: who is in now, short rows with corrections folded away. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('clocking page', () => {
  it('shows who is clocked in now and on what', async () => {
    const ines = await t.as('ines');
    const inAt = await t.app.inject({
      method: 'POST',
      url: '/api/clock/in',
      headers: ines.headers,
      payload: {},
    });
    expect(inAt.statusCode).toBe(200);
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/clock/start',
      headers: ines.headers,
      payload: { code: 'cleaning' },
    });
    expect(start.statusCode).toBe(200);
    const page = await t.inject('chef', { method: 'GET', url: '/clock' });
    const present = page.body.slice(page.body.indexOf('<section class="card present">'));
    expect(present).toMatch(
      /<li><strong>Inès Moreau<\/strong> — depuis [^<]+ · Nettoyage \/ rangement<\/li>/,
    );
    // A technician does not see the others.
    expect((await t.inject('ines', { method: 'GET', url: '/clock' })).body).not.toContain(
      'Présents maintenant',
    );
  });

  it('folds each correction form, and unfolds the refused one with its message', async () => {
    const page = await t.inject('chef', { method: 'GET', url: '/clock' });
    const forms =
      page.body.match(
        /<details><summary>Corriger<\/summary><form method="post" action="\/clock\/entries\/\d+\/correction"/g,
      ) ?? [];
    expect(forms.length).toBeGreaterThan(0);
    const id = /action="\/clock\/entries\/(\d+)\/correction"/.exec(page.body)![1];
    const chef = await t.as('chef');
    const res = await t.app.inject({
      method: 'POST',
      url: `/clock/entries/${id}/correction`,
      headers: { cookie: chef.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: chef.csrf,
        _back: '/clock',
        startAt: '',
        endAt: '',
        reason: 'x',
      }).toString(),
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(
      new RegExp(
        `<details open><summary>Corriger</summary><form data-refused method="post" action="/clock/entries/${id}/correction"`,
      ),
    );
    expect(res.body).toMatch(/name="reason"[^>]*><span class="field-error"/);
  });
});
