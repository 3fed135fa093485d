/**
 * The guided diagnosis in the dashboard, right about the car and honest when it does not know
 * (issue 17): codes never read give no evidence and an EV gets no alternator; an unfinished
 * verification is incomplete, not failed; the customer report says what the page says, in words;
 * the instructor hides the probabilities per assignment; a scenario file is checked against its
 * true cause; a tree can be chosen when nothing picks one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCENARIO_DIR } from '@atelier/vehicle-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiagSession, saveReading } from '../../services/diagnostics.js';
import { createOrder } from '../../services/orders.js';
import { multipart, type SessionHelpers, sessionHelpers } from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

let t: TestApp;
let post: SessionHelpers['post'];
let startAssignment: SessionHelpers['startAssignment'];
beforeAll(async () => {
  t = await makeTestApp();
  ({ post, startAssignment } = sessionHelpers(t));
}, 60_000);
afterAll(() => t?.close());

/** A session on a new repair order for the demo vehicle of that energy, never read. */
async function orderSession(energy: string, complaint: string) {
  const chef = t.demo.users.chef!;
  const v = await t.store.get<{ id: number }>(
    'SELECT id FROM vehicles WHERE energy = ? AND site_id = ? ORDER BY id LIMIT 1',
    [energy, chef.site_id],
  );
  const ro = await createOrder(t.store, chef.site_id, { vehicleId: v!.id, complaint }, chef, t.clock.now());
  return createDiagSession(
    t.store,
    { roId: ro.id, adapter: { kind: 'serial', spec: '/dev/ttyUSB0' } },
    t.demo.users.ines!,
    t.clock.now(),
  );
}

const guided = (html: string) => html.slice(html.indexOf('id="guided"'));

describe('evidence that means what was read', () => {
  it('an EV whose codes were never read: no alternator, and the unread charging code is no evidence', async () => {
    const s = await orderSession('ev', 'Le voyant batterie s’allume en roulant.');
    expect((await post('ines', `/diagnostics/${s.id}/guided/start`)).statusCode).toBe(303);
    const page = await t.inject('ines', { method: 'GET', url: `/diagnostics/${s.id}` });
    const g = guided(page.body);
    expect(page.body).toContain('Pas encore lus.');
    expect(g).toContain('Charge et batterie 12 V');
    // Before: "✘ Code de charge (P0560…) — aucun → Alternateur ×0,2", the alternator ranked on an EV.
    expect(g).not.toContain('data-cause="alternator_fault"');
    expect(g).not.toContain('data-cause="belt_slipping"');
    expect(g).toContain('data-cause="dcdc_converter_fault"');
    expect(g).not.toMatch(/<li class="absent" data-sign="charging_code">/);
    expect(g).not.toMatch(/Alternateur/);
    // Listed among the signs without a reading, with why.
    expect(g).toMatch(/<details class="unread-signs">.*data-sign="charging_code">.*non lu/s);
  });

  it('when nothing read or said picks a tree, the page offers the vehicle’s trees to choose from', async () => {
    const s = await orderSession('petrol', 'Révision, rien à signaler.');
    const refused = await post('ines', `/diagnostics/${s.id}/guided/start`);
    expect(refused.statusCode).toBe(409);
    const page = await t.inject('ines', { method: 'GET', url: `/diagnostics/${s.id}` });
    expect(page.body).toMatch(/<select name="treeId">.*<option value="misfire">/s);
    expect(page.body).not.toContain('<option value="hv_isolation">');
    expect((await post('ines', `/diagnostics/${s.id}/guided/start`, { treeId: 'charging' })).statusCode).toBe(
      303,
    );
    expect(guided((await t.inject('ines', { method: 'GET', url: `/diagnostics/${s.id}` })).body)).toContain(
      'Charge et batterie 12 V',
    );
    // A tree the car cannot have is refused in words.
    const ev = await orderSession('ev', 'Révision.');
    const wrong = await post('ines', `/diagnostics/${ev.id}/guided/start`, { treeId: 'misfire' });
    expect(wrong.statusCode).toBe(409);
  });
});

describe('verification that knows what it has not seen, and a report from the same record', () => {
  it('repair, clear, read without the road test: incomplete, the cause kept; then road test: validated', async () => {
    const { sessionId: id } = await startAssignment('vacuum-leak', 'emma');
    expect((await post('emma', `/diagnostics/${id}/connect`)).statusCode).toBe(303);
    expect((await post('emma', `/diagnostics/${id}/read`)).statusCode).toBe(303);
    expect((await post('emma', `/diagnostics/${id}/guided/start`)).statusCode).toBe(303);
    expect(
      (
        await post('emma', `/diagnostics/${id}/guided/record`, {
          testId: 'smoke_test_intake',
          outcome: 'bad',
        })
      ).statusCode,
    ).toBe(303);
    expect(
      (await post('emma', `/diagnostics/${id}/guided/repair`, { causeId: 'vacuum_leak' })).statusCode,
    ).toBe(303);
    expect((await post('emma', `/diagnostics/${id}/guided/clear`)).statusCode).toBe(303);
    // Read at once, symptom box not ticked: before, the repaired cause dropped to 0 % and the search
    // restarted on another cause.
    expect((await post('emma', `/diagnostics/${id}/guided/verify`)).statusCode).toBe(303);
    let api = (await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${id}` })).json().guided;
    expect(api.state).toBe('verify');
    expect(api.steps.at(-1)).toMatchObject({
      kind: 'verify',
      result: 'incomplete',
      missing: { roadTest: true },
    });
    let page = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}` });
    expect(page.body).toContain('Vérification incomplète');
    expect(page.body).toContain('essai routier non fait');
    const meter =
      /data-cause="vacuum_leak"><td>[^<]*<\/td><td><meter min="0" max="1" value="([\d.e-]+)"/.exec(page.body);
    expect(Number(meter![1])).toBeGreaterThan(0.9);
    expect(page.body).toContain('id="guided-road-test"');
    // The report says the same thing, in words.
    let report = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}/report` });
    expect(report.body).toContain('vérification incomplète');
    expect(report.body).not.toMatch(/after\.\w+/);

    // Now the road test (simulated, fast-forwarded) and the read: validated.
    expect((await post('emma', `/diagnostics/${id}/guided/road-test`)).statusCode).toBe(303);
    expect((await post('emma', `/diagnostics/${id}/guided/verify`, { symptomGone: 'true' })).statusCode).toBe(
      303,
    );
    api = (await t.inject('emma', { method: 'GET', url: `/api/diagnostics/${id}` })).json().guided;
    expect(api.state).toBe('done');
    expect(api.outcome).toMatchObject({ kind: 'cause', cause: 'vacuum_leak' });
    expect(api.outcome.confidence).toBeGreaterThan(0.75);
    page = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}` });
    expect(page.body).toMatch(/class="confidence">\(confiance \d+(,\d)? %\)/);

    // A permanent code read after the repair (it stays until its monitor passes again) — before,
    // "Codes effacés et relus : P0171" stood next to "codes après : aucun", and the page showed
    // the key after.permanent.
    await saveReading(
      t.store,
      id,
      { kind: 'dtcs', ecu: '7E8', item: 'after.permanent', value: ['P0171'] },
      t.clock.now(),
    );
    page = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}` });
    expect(page.body).not.toContain('after.permanent');
    expect(page.body).toContain('permanent après réparation');
    for (const lang of ['fr', 'en'] as const) {
      report = await t.inject('emma', { method: 'GET', url: `/diagnostics/${id}/report?lang=${lang}` });
      expect(report.body).not.toMatch(/after\.\w+/);
      expect(report.body).not.toContain('Codes effacés et relus');
      const check = report.body.slice(report.body.indexOf('class="report-check"'));
      // Codes after: as the verification step recorded them, the same as the page's path.
      expect(check).toMatch(
        lang === 'fr'
          ? /Codes relus après l’essai<\/th><td>aucun/
          : /Codes read after the road test<\/th><td>none/,
      );
      expect(check).toMatch(
        lang === 'fr' ? /Essai routier<\/th><td>oui \(20 min\)/ : /Road test<\/th><td>yes \(20 min\)/,
      );
      expect(check).toContain(lang === 'fr' ? 'réparation validée' : 'repair validated');
      // Codes before, per memory, in words.
      expect(report.body).toMatch(
        lang === 'fr'
          ? /<code>P0171<\/code>.*mémorisé, en attente de confirmation, mémoire permanente/s
          : /<code>P0171<\/code>.*stored, pending confirmation, permanent/s,
      );
    }
    await post('emma', `/diagnostics/${id}/disconnect`);
  }, 60_000);
});

describe('training mode', () => {
  it('the instructor hides the probabilities for an assignment; the apprentice reasons without them', async () => {
    const { sessionId: id, scenarioId } = await startAssignment('misfire-cyl2', 'leo');
    // Re-assign with the probabilities hidden (an existing assignment keeps its progress).
    expect(
      (
        await post('formateur', '/training/assignments', {
          scenarioId: String(scenarioId),
          userIds: String(t.demo.users.leo!.id),
          dueOn: '2026-03-21',
          hideProbabilities: 'true',
        })
      ).statusCode,
    ).toBe(303);
    await saveReading(
      t.store,
      id,
      { kind: 'dtcs', ecu: '7E8', item: 'stored', value: ['P0302'] },
      t.clock.now(),
    );
    await saveReading(
      t.store,
      id,
      { kind: 'dtcs', ecu: '7E8', item: 'pending', value: ['P0302'] },
      t.clock.now(),
    );
    expect((await post('leo', `/diagnostics/${id}/guided/start`)).statusCode).toBe(303);
    const mine = guided((await t.inject('leo', { method: 'GET', url: `/diagnostics/${id}` })).body);
    expect(mine).toContain('class="causes no-probabilities"');
    expect(mine).not.toContain('<meter');
    expect(mine).not.toMatch(/porte \d+ % de la probabilité/);
    expect(mine).toContain('Probabilités masquées par le formateur');
    // The instructor watching the same session sees them.
    const theirs = guided((await t.inject('formateur', { method: 'GET', url: `/diagnostics/${id}` })).body);
    expect(theirs).toContain('<meter');
  }, 60_000);

  it('a scenario file is played as uploaded, its stated true cause checked against its faults', async () => {
    const text = readFileSync(join(SCENARIO_DIR, 'vacuum-leak.yaml'), 'utf8').replace(
      'name: vacuum-leak',
      'name: atelier-durite',
    );
    const upload = async (
      file: { name: string; content: string | Buffer },
      trueCause: string,
      query = '',
    ) => {
      const a = await t.as('formateur');
      const body = multipart({ _csrf: a.csrf, title: `Fichier ${file.name}`, trueCause }, file);
      return t.app.inject({
        method: 'POST',
        url: `/training/scenarios/file${query}`,
        headers: { cookie: a.cookie, ...body.headers },
        payload: body.payload,
      });
    };
    // A true cause the faults do not stand for: refused, naming the fault and the causes that fit.
    const wrong = await upload({ name: 'durite.yaml', content: text }, 'spark_plug');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('vacuum_leak');
    // A healthy car's file must say "no fault".
    const healthy = readFileSync(join(SCENARIO_DIR, 'healthy-petrol.yaml'), 'utf8');
    expect((await upload({ name: 'sain.yaml', content: healthy }, 'vacuum_leak')).statusCode).toBe(400);
    expect((await upload({ name: 'sain.yaml', content: healthy }, 'none')).statusCode).toBe(303);
    // A bad file: refused with its line and field, in the page's language.
    const bad = await upload({ name: 'bad.yaml', content: text.replace('severity: 0.6', 'severity: 7') }, '');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(
      'fichier de scénario refusé : bad.yaml, ligne 10, champ faults[0].severity : valeur attendue entre 0 et 1 (trouvé 7)',
    );
    const badEn = await upload(
      { name: 'bad.yaml', content: text.replace('severity: 0.6', 'severity: 7') },
      '',
      '?lang=en',
    );
    expect(badEn.statusCode).toBe(400);
    expect(badEn.body).toContain(
      'scenario file refused: bad.yaml:10: faults[0].severity: must be between 0 and 1 (got 7)',
    );
    // YAML that does not parse (a key written twice): line, column and reason in French.
    const twice = await upload({ name: 'twice.yaml', content: `${text}name: encore\n` }, '');
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain(
      `fichier de scénario refusé : twice.yaml, ligne ${text.split('\n').length} : YAML invalide, colonne 1 : clé en double : une clé ne peut figurer qu’une fois au même niveau`,
    );
    // Right: stored with its text, and its car is the one played.
    const ok = await upload({ name: 'durite.yaml', content: text }, '');
    expect(ok.statusCode).toBe(303);
    const scenarioId = Number(/\/training\/scenarios\/(\d+)/.exec(ok.headers.location as string)![1]);
    const row = await t.store.get<{ true_cause: string; sim_name: string; sim_file: string }>(
      'SELECT true_cause, sim_name, sim_file FROM training_scenarios WHERE id = ?',
      [scenarioId],
    );
    expect(row).toMatchObject({ true_cause: 'vacuum_leak', sim_name: 'durite.yaml' });
    expect(row!.sim_file).toContain('atelier-durite');
    // Saved as "ANSI" by Notepad on a French Windows (é is the single byte 0xE9, € is 0x80):
    // taken, and its complaint reads as written, not as "�".
    const ansi = Buffer.from(
      [
        ...text
          .replace('name: atelier-durite', 'name: atelier-ansi')
          .replace('allumé.', 'allumé, devis 90 €.'),
      ].map((c) => ({ é: 0xe9, '€': 0x80 })[c] ?? c.charCodeAt(0)),
    );
    expect(ansi.includes(0xc3)).toBe(false); // not UTF-8
    const fromAnsi = await upload({ name: 'ansi.yaml', content: ansi }, '');
    expect(fromAnsi.statusCode).toBe(303);
    const ansiRow = await t.store.get<{ sim_file: string }>(
      'SELECT sim_file FROM training_scenarios WHERE id = ?',
      [Number(/\/training\/scenarios\/(\d+)/.exec(fromAnsi.headers.location as string)![1])],
    );
    expect(ansiRow!.sim_file).toContain('voyant moteur allumé, devis 90 €.');
    // A binary file is still refused, saying where.
    const binary = await upload({ name: 'x.yaml', content: Buffer.from('name: x\n\u0000') }, '');
    expect(binary.statusCode).toBe(400);
    expect(binary.body).toContain('contenu binaire (octet 8)');
  });
});
