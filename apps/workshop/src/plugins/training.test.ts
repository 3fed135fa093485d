/**
 * Training routes (inject): uploads refused with a message (wrong format, oversize, binary junk,
 * path tricks), real CAN logs and ELM327 transcripts accepted, a recording made into a scenario and
 * replayed, the demo class and its assessment.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { markOriginFile, readLog, readOriginFile, writeLog } from '@atelier/can';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { maskTranscriptVin, truncateVin } from '../services/assessment.js';
import { readingsOf, samplesOf } from '../services/diagnostics.js';
import { checkRecordingName, MAX_RECORDING_BYTES, UploadRefused } from '../services/recordings.js';
import { multipart, recordTranscript, until, uploadRecording } from '../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../testing.js';

const SAVVY = fixturePath('can/savvycan_example_candump.log');
const LEAF = fixturePath('can/nissan_leaf_uds_2022-01-06.log');

let t: TestApp;
let transcript: string;
beforeAll(async () => {
  t = await makeTestApp();
  transcript = await recordTranscript('vacuum-leak');
}, 60_000);
afterAll(() => t?.close());

const upload = (name: string, content: Buffer | string, login = 'formateur') =>
  uploadRecording(t, name, content, login);

/** The refusal as the browser shows it: the error page's alert, as text. */
const alertText = (page: string) =>
  (/<p class="error" role="alert">([^<]*)<\/p>/.exec(page)?.[1] ?? '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('recording uploads', () => {
  it.each([
    [
      'wrong format',
      'notes.txt',
      'Bonjour, ceci est une note de cours.\nRien à voir avec le CAN.\n',
      400,
      /format non reconnu/,
    ],
    [
      'binary junk',
      'capture.log',
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe]),
      400,
      /contenu binaire \(octet 0x02 à la position 4\)/,
    ],
    [
      'a NUL byte',
      'capture.log',
      Buffer.from('(1.0) can0 123#00\n\u0000'),
      400,
      /contenu binaire \(octet nul à la position 18\)/,
    ],
    [
      // Not UTF-8, so read as Windows-1252 ("ANSI"): text, but no log in it.
      'text that is neither UTF-8 nor a log',
      'capture.log',
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x0a]),
      400,
      /journal candump invalide : capture\.log, ligne 1, colonne 1 : « \( » et un horodatage attendus, trouvé/,
    ],
    ['path tricks (parent)', '../../etc/passwd.log', '(1.0) can0 123#00\n', 400, /nom de fichier refusé/],
    ['path tricks (absolute)', '/etc/cron.d/x.log', '(1.0) can0 123#00\n', 400, /nom de fichier refusé/],
    ['path tricks (backslash)', '..\\..\\boot.ini', '(1.0) can0 123#00\n', 400, /nom de fichier refusé/],
    ['hidden name', '.bashrc', '(1.0) can0 123#00\n', 400, /nom de fichier refusé/],
    [
      'a bad line in a candump log',
      'bad.log',
      '(1.000000) can0 7E8#0441\n(1.1) can0 ZZZ#00\n',
      400,
      /journal candump invalide : bad\.log, ligne 2, colonne 12 : « Z » inattendu dans l'identifiant$/,
    ],
    [
      'a broken transcript',
      'session.txt',
      '0.000\ttx\t"ATZ\\r"\n12\trx\tnot json\n',
      400,
      /^transcript ELM327 illisible : session\.txt, ligne 2 : ligne illisible : format attendu « <ms>\\t<tx\|rx\|note>\\t"<texte JSON>" » \(temps en ms, sens, données\)$/,
    ],
    [
      'a transcript whose data is not JSON',
      'session.txt',
      '0.000\ttx\t"ATZ\\r"\n12\trx\t"ELM327 \\v1.5"\n',
      400,
      /^transcript ELM327 illisible : session\.txt, ligne 2 : les données ne sont pas un texte JSON \(entre guillemets, caractères spéciaux échappés\)$/,
    ],
    [
      'a transcript with no answered request',
      'session.txt',
      '0.000\trx\t"ELM327 v1.5\\r\\r>"\n',
      400,
      /^transcript ELM327 illisible : session\.txt : aucun échange OBD\/UDS avec une réponse dans le transcript : rien à rejouer$/,
    ],
    ['empty', 'empty.log', '', 400, /fichier vide/],
    // Recordings that read fine but can answer nothing an apprentice could ask.
    [
      'too few frames (and no diagnostic exchange)',
      'three.log',
      '(1.000000) can0 123#01\n(1.100000) can0 123#02\n(1.200000) can0 123#03\n',
      400,
      /enregistrement inutilisable : trop peu de trames \(3, il en faut au moins 20/,
    ],
    [
      'broadcast frames that never change',
      'constant.log',
      Array.from(
        { length: 40 },
        (_, i) => `(${(1 + i / 10).toFixed(6)}) can0 ${i % 2 ? '321' : '123'}#00FF00FF\n`,
      ).join(''),
      400,
      /aucun échange de diagnostic .* et aucun signal diffusé qui varie \(2 identifiant\(s\), données constantes\)/,
    ],
    [
      'requests nobody answered',
      'unanswered.log',
      Array.from({ length: 30 }, (_, i) => `(${(1 + i).toFixed(6)}) can0 7DF#02010C0000000000\n`).join(''),
      400,
      /aucune requête suivie d'une réponse positive/,
    ],
  ])('refuses %s with a message', async (_what, name, content, status, message) => {
    const res = await upload(name, content);
    expect(res.statusCode).toBe(status);
    expect(alertText(res.body)).toMatch(message);
    expect(await t.store.get('SELECT id FROM recordings WHERE name = ?', [name])).toBeUndefined();
  });

  it('takes logs saved as Windows-1252 ("ANSI") or UTF-16, as Windows tools and editors save them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-encodings-'));
    // The Leaf log as a German CANoe would write it: ASC, "Mär" and a comment in single bytes.
    const asc = join(dir, 'leaf.asc');
    await writeLog(asc, readLog(LEAF), 'asc');
    const german = readFileSync(asc, 'utf8')
      .replace(/^date .*$/m, 'date Don Mär 4 10:12:33.123 2021')
      .replace(/^(base .*)$/m, '$1\n// Prüfstand Halle 2, Bremsenprüfung');
    const cp1252 = Buffer.from(german, 'latin1');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(cp1252)).toThrow();
    const res = await upload('leaf-de.asc', cp1252);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: 'leaf-de.asc', format: 'asc' });
    // The candump log saved by Notepad as "Unicode" (UTF-16 LE with its BOM)
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(readFileSync(LEAF, 'utf8'), 'utf16le'),
    ]);
    const res16 = await upload('leaf-utf16.log', utf16);
    expect(res16.statusCode, res16.body).toBe(201);
    expect(res16.json()).toMatchObject({ format: 'candump' });
    expect(JSON.parse(res16.json().summary).frames).toBe(JSON.parse(res.json().summary).frames);
  });

  it('refuses an oversized file with its size and the limit', async () => {
    const line = '(1700000000.000000) can0 123#0011223344556677\n';
    const big = line.repeat(Math.ceil((MAX_RECORDING_BYTES + 1000) / line.length));
    const res = await upload('big.log', big);
    expect(res.statusCode).toBe(413);
    expect(alertText(res.body)).toMatch(/fichier trop volumineux.*limite 4096 Kio/);
  });

  it('a gzip-compressed log is read as the log inside (name without .gz); a corrupt one or one too large once decompressed is refused', async () => {
    const res = await upload('leaf-archive.log.gz', gzipSync(readFileSync(LEAF)));
    expect(res.statusCode, res.body).toBe(201);
    const rec = res.json();
    expect(rec.name).toBe('leaf-archive.log');
    expect(rec.format).toBe('candump');
    // The file as uploaded is named beside the log inside, with its compressed size.
    const gz = gzipSync(readFileSync(LEAF));
    expect(JSON.parse(rec.summary).compressed).toEqual({ name: 'leaf-archive.log.gz', size: gz.length });
    const list = await t.inject('formateur', { method: 'GET', url: '/training?lang=en' });
    expect(list.body).toContain(
      `<span class="compressed">(uploaded gzip-compressed: leaf-archive.log.gz, ${Math.ceil(gz.length / 1024)} KiB)</span>`,
    );
    expect(JSON.parse(rec.summary).frames).toBe(5588);
    const cut = gzipSync(readFileSync(LEAF)).subarray(0, 2000);
    const bad = await upload('cut.log.gz', cut);
    expect(bad.statusCode).toBe(400);
    // zlib's reason in French on the page; in English as zlib wrote it.
    expect(alertText(bad.body)).toBe(
      'fichier gzip illisible : les données compressées s’arrêtent avant leur fin (fichier coupé)',
    );
    const a = await t.as('formateur');
    const body = multipart({ _csrf: a.csrf }, { name: 'cut.log.gz', content: cut });
    const en = await t.app.inject({
      method: 'POST',
      url: '/training/recordings?lang=en',
      headers: { cookie: a.cookie, ...body.headers },
      payload: body.payload,
    });
    expect(en.statusCode).toBe(400);
    expect(alertText(en.body)).toBe('unreadable gzip file: unexpected end of file');
    // A few KiB that inflate past the limit: refused before anything is parsed.
    const bomb = gzipSync(Buffer.alloc(MAX_RECORDING_BYTES + 4096, 0x41));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const big = await upload('bomb.log.gz', bomb);
    expect(big.statusCode).toBe(413);
    expect(alertText(big.body)).toMatch(/trop volumineux une fois décompressé/);
  });

  it('refuses uploads from roles other than instructors and admins', async () => {
    const res = await upload('leaf.log', readFileSync(LEAF), 'leo');
    expect(res.statusCode).toBe(403);
  });

  it('accepts a real candump log, makes it a scenario, and replays it with per-id statistics', async () => {
    const res = await upload('nissan_leaf_uds.log', readFileSync(LEAF));
    expect(res.statusCode, res.body).toBe(201);
    const rec = res.json();
    expect(rec.kind).toBe('can');
    expect(rec.format).toBe('candump');
    const summary = JSON.parse(rec.summary);
    expect(summary.frames).toBeGreaterThan(1000);
    const replay = (
      await t.inject('formateur', { method: 'GET', url: `/api/training/recordings/${rec.id}/replay` })
    ).json();
    const ids = replay.stats.ids.map((s: { id: number }) => s.id.toString(16).toUpperCase());
    expect(ids).toEqual(expect.arrayContaining(['79B', '7BB']));
    expect(replay.frames[0].t).toBe(0);
    const page = await t.inject('formateur', { method: 'GET', url: `/training/recordings/${rec.id}` });
    expect(page.body).toContain('data-id="7BB"');
    expect(page.body).toContain('id="replay-speed"');
  });

  it('accepts an ELM327 transcript and makes it a scenario with complaint, true cause and notes', async () => {
    const res = await upload('clio-ralenti.elm327.txt', transcript);
    expect(res.statusCode, res.body).toBe(201);
    const rec = res.json();
    expect(rec.kind).toBe('elm327');
    const a = await t.as('formateur');
    const created = await t.app.inject({
      method: 'POST',
      url: '/training/scenarios',
      headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: a.csrf,
        title: 'Clio : ralenti',
        source: 'recording',
        recordingId: String(rec.id),
        vehicleType: 'petrol',
        complaint: 'Ralenti instable',
        trueCause: 'vacuum_leak',
        notes: 'Enregistré en atelier',
      }).toString(),
    });
    expect(created.statusCode, created.body).toBe(303);
    const page = await t.inject('formateur', { method: 'GET', url: created.headers.location as string });
    expect(page.body).toContain('Prise d&#39;air à l&#39;admission');
    // A scenario needs a true cause the knowledge base knows.
    const bad = await t.app.inject({
      method: 'POST',
      url: '/training/scenarios',
      headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: a.csrf,
        title: 'x',
        source: 'recording',
        recordingId: String(rec.id),
        vehicleType: 'petrol',
        trueCause: 'flux_capacitor',
      }).toString(),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('vraie cause inconnue');
  });
});

describe('real recordings: MF4 upload, what a recording can answer, the battery report', () => {
  const LEAF_MF4 = fixturePath('can/nissan_leaf_uds_2022-01-06.MF4');

  it('the Leaf MF4 uploads, is analysed (KWP 21 01/21 04 on 0x79B → 0x7BB, a battery read) and reads as its candump twin', async () => {
    const res = await upload('nissan_leaf.MF4', readFileSync(LEAF_MF4));
    expect(res.statusCode, res.body).toBe(201);
    const rec = res.json();
    expect(rec.format).toBe('mf4');
    const summary = JSON.parse(rec.summary);
    expect(summary.frames).toBe(5588);
    expect(summary.ecus).toEqual([
      { request: '79B', response: '7BB', requests: ['21 01', '21 04'], answered: 26 },
    ]);
    expect(summary.battery).toEqual({ vehicle: 'nissan-leaf', reads: 26, requests: ['21 01', '21 04'] });
    expect(summary.obd).toEqual({ services: [], pids: [] });
    const a = await t.as('formateur');
    const mf4 = await t.app.inject({
      method: 'GET',
      url: `/api/training/recordings/${rec.id}/replay`,
      headers: { cookie: a.cookie },
    });
    const log = (await upload('nissan_leaf.log', readFileSync(LEAF, 'utf8'))).json();
    const text = await t.app.inject({
      method: 'GET',
      url: `/api/training/recordings/${log.id}/replay`,
      headers: { cookie: a.cookie },
    });
    expect(mf4.json().frames).toEqual(text.json().frames);
    const page = await t.app.inject({ method: 'GET', url: '/training', headers: { cookie: a.cookie } });
    expect(page.body).toContain(`href="/training/recordings/${rec.id}/battery"`);
  });

  it('the battery report page and API: SoC, pack voltage, missing cells said, the NF C18-550 note', async () => {
    const rec = (await upload('leaf-report.MF4', readFileSync(LEAF_MF4))).json();
    const a = await t.as('formateur');
    const api = await t.app.inject({
      method: 'GET',
      url: `/api/training/recordings/${rec.id}/battery`,
      headers: { cookie: a.cookie },
    });
    expect(api.statusCode, api.body).toBe(200);
    expect(api.json().soc.value).toBe(89.1029);
    expect(api.json().packVoltage.value).toBe(390.14);
    const page = await t.app.inject({
      method: 'GET',
      url: `/training/recordings/${rec.id}/battery`,
      headers: { cookie: a.cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('NF C18-550');
    expect(page.body).toMatch(/data-quantity="soc"><th>État de charge \(SoC\)<\/th><td>89,1 %/);
    expect(page.body).toContain('la requête 21 02 n&#39;est pas dans l&#39;enregistrement');
    // Where the figures come from: the file, "enregistrement" (the real Leaf's file says nothing
    // of its origin), the answers used and the date of the recording; on screen and in print.
    expect(api.json().source).toMatchObject({
      kind: 'recording',
      name: 'leaf-report.MF4',
      origin: 'unknown',
    });
    expect(page.body).toContain(
      '<p class="card battery-source" id="battery-source" data-source="recording" data-origin="unknown"><strong>Source des valeurs :</strong> fichier « leaf-report.MF4 » (enregistrement) ; réponses utilisées de 0 s à 62 s de l&#39;enregistrement, débutant le 2022-01-06 11:46:01 UTC</p>',
    );
    expect(page.body).not.toMatch(/simulé|réel/);
    const savvy = (await upload('no-battery.log', readFileSync(SAVVY, 'utf8'))).json();
    const none = await t.app.inject({
      method: 'GET',
      url: `/api/training/recordings/${savvy.id}/battery`,
      headers: { cookie: a.cookie },
    });
    expect(none.statusCode).toBe(400);
    expect(none.body).toMatch(/aucune lecture de batterie de traction connue/);
  });

  /**
   * A scenario made from an uploaded recording, assigned to Léo, started and connected: `check` runs
   * on the connected session, which is disconnected afterwards.
   */
  async function recordedClassSession(
    /** A recording's id, or a built-in simulated scenario. */
    recordingId: number | { sim: string },
    fields: { title: string; complaint: string; trueCause: string },
    check: (sessionId: number, scenarioId: number) => Promise<void>,
  ): Promise<void> {
    const f = await t.as('formateur');
    const form = (a: { csrf: string }, values: Record<string, string>) =>
      new URLSearchParams({ _csrf: a.csrf, ...values }).toString();
    const headers = (a: { cookie: string }) => ({
      cookie: a.cookie,
      'content-type': 'application/x-www-form-urlencoded',
    });
    let res = await t.app.inject({
      method: 'POST',
      url: '/training/scenarios',
      headers: headers(f),
      payload: form(f, {
        title: fields.title,
        ...(typeof recordingId === 'number'
          ? { source: 'recording', recordingId: String(recordingId) }
          : { source: 'sim', simName: recordingId.sim }),
        vehicleType: 'ev',
        complaint: fields.complaint,
        trueCause: fields.trueCause,
      }),
    });
    expect(res.statusCode, res.body).toBe(303);
    const scenarioId = Number(/\/training\/scenarios\/(\d+)/.exec(res.headers.location as string)![1]);
    res = await t.app.inject({
      method: 'POST',
      url: '/training/assignments',
      headers: headers(f),
      payload: form(f, {
        scenarioId: String(scenarioId),
        userIds: String(t.demo.users.leo!.id),
        dueOn: '2026-03-20',
      }),
    });
    expect(res.statusCode, res.body).toBe(303);
    // The apprentice's list gives the day as the rest of the pages do, not as stored.
    const list = await t.inject('leo', { method: 'GET', url: '/training' });
    expect(list.body).toContain('<td>20/03/2026</td>');
    expect(list.body).not.toContain('2026-03-20');
    const row = (await t.store.get<{ id: number }>(
      'SELECT id FROM training_assignments WHERE scenario_id = ? AND user_id = ?',
      [scenarioId, t.demo.users.leo!.id],
    ))!;
    const leo = await t.as('leo');
    res = await t.app.inject({
      method: 'POST',
      url: `/training/assignments/${row.id}/start`,
      headers: headers(leo),
      payload: form(leo, {}),
    });
    expect(res.statusCode, res.body).toBe(303);
    const sessionId = Number(/\/diagnostics\/(\d+)/.exec(res.headers.location as string)![1]);
    res = await t.app.inject({
      method: 'POST',
      url: `/diagnostics/${sessionId}/connect`,
      headers: headers(leo),
      payload: form(leo, {}),
    });
    expect(res.statusCode, res.body).toBeLessThan(400);
    try {
      await until(
        'the recorded car connected',
        async () =>
          (await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}` })).body.includes(
            'data-state="connected"',
          ),
        30_000,
      );
      await check(sessionId, scenarioId);
    } finally {
      await t.app.inject({
        method: 'POST',
        url: `/diagnostics/${sessionId}/disconnect`,
        headers: headers(leo),
        payload: form(leo, {}),
      });
    }
  }

  it('a scenario from the Leaf MF4 is a working battery session: labelled a recording, the apprentice reads the battery report', async () => {
    const rec = (await upload('leaf-class.MF4', readFileSync(LEAF_MF4))).json();
    await recordedClassSession(
      rec.id,
      { title: 'Leaf : état de la batterie', complaint: 'Autonomie en baisse', trueCause: 'battery_weak' },
      async (sessionId) => {
        const page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}` });
        // A real car's recording, but nothing in the file proves it: "a recording", never "real".
        expect(page.body).toContain('Scénario de formation (enregistrement)');
        expect(page.body).not.toContain('réel');
        expect(page.body).not.toContain('véhicule simulé');
        const en = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}?lang=en` });
        expect(en.body).toContain('Training scenario (recording)');
        expect(en.body).not.toMatch(/real vehicle|simulated vehicle/);
        expect(page.body).toContain('id="battery-report"');
        expect(page.body).toContain('79B → 7BB : 21 01, 21 04');
        const api = await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${sessionId}/battery` });
        expect(api.statusCode, api.body).toBe(200);
        const r = api.json();
        // The apprentice's report says its figures are the recording's, replayed in the session.
        expect(r.source).toMatchObject({
          kind: 'recording',
          name: 'leaf-class.MF4',
          origin: 'unknown',
          via: 'Leaf : état de la batterie',
        });
        expect(r.vehicle.id).toBe('nissan-leaf');
        expect(r.soc.value).toBeGreaterThan(89);
        expect(r.packVoltage.value / 96).toBeGreaterThan(3.7);
        const report = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}/battery` });
        expect(report.body).toContain('NF C18-550');
        expect(report.body).toContain(
          '<strong>Source des valeurs :</strong> session « Leaf : état de la batterie » rejouant le fichier « leaf-class.MF4 » (enregistrement)</p>',
        );
      },
    );
  });

  it('a recording whose logger polled PIDs and never asked 01 00 is a working session: reached over ISO-TP, its PIDs read and offered', async () => {
    // As CSS Electronics' OBD2 samples are: PIDs asked on 7E0 one at a time, the VIN and the codes
    // once, no 01 00 (written for the tests). Behind the ELM327 emulator its search would find no car.
    const rec = (
      await upload('polling.log', readFileSync(fixturePath('can/obd_polling_without_0100.log')))
    ).json();
    await recordedClassSession(
      rec.id,
      { title: 'Relevé de routine', complaint: 'Contrôle', trueCause: 'none' },
      async (sessionId) => {
        const leo = await t.as('leo');
        const res = await t.app.inject({
          method: 'POST',
          url: `/diagnostics/${sessionId}/read`,
          headers: { cookie: leo.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: leo.csrf }).toString(),
        });
        expect(res.statusCode, res.body).toBe(303);
        const readings = await readingsOf(t.store, sessionId);
        expect(readings.find((r) => r.kind === 'vin')?.value).toBe('TMBJP7NX5NY084923');
        expect(readings.find((r) => r.kind === 'live' && r.item === '0C')).toMatchObject({
          ecu: '7E8',
          value: 1726,
        });
        expect(readings.find((r) => r.kind === 'live' && r.item === '0D')).toMatchObject({
          ecu: '7E8',
          value: 50,
        });
        const page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}` });
        expect(page.body).toContain('id="no-pid-bitmap"');
        // Reached over ISO-TP, not through an ELM327: the raw traffic is CAN frames, and says so.
        expect(page.body).toContain('Trafic brut (trames CAN, candump)');
        // The live-data choice is what the recording answers, not a default list.
        const offered = [...page.body.matchAll(/name="pids" value="([0-9A-F]{2})"/g)].map((m) => m[1]);
        expect(offered).toEqual(['01', '05', '0C', '0D']);
        // Live data asks its PIDs in one request (01 0C 0D 05) that the logger never sent: the
        // recording answers it from its one-by-one answers (before: no sample, "no ECU answered").
        const form = (extra: Record<string, string | string[]>) => {
          const p = new URLSearchParams({ _csrf: leo.csrf });
          for (const [k, v] of Object.entries(extra)) for (const x of [v].flat()) p.append(k, x);
          return p.toString();
        };
        const post = (url: string, extra: Record<string, string | string[]> = {}) =>
          t.app.inject({
            method: 'POST',
            url,
            headers: { cookie: leo.cookie, 'content-type': 'application/x-www-form-urlencoded' },
            payload: form(extra),
          });
        const live = await post(`/diagnostics/${sessionId}/live`, {
          pids: ['0C', '0D', '05'],
          periodMs: '50',
        });
        expect(live.statusCode, live.body).toBe(303);
        // Samples are written every 250 ms of real time; the poller's first request goes at once.
        await until('the first live samples', async () => {
          const pids = new Set((await samplesOf(t.store, sessionId)).map((x) => x.pid));
          return ['0C', '0D', '05'].every((p) => pids.has(p));
        });
        expect((await post(`/diagnostics/${sessionId}/live/stop`)).statusCode).toBe(303);
      },
    );
  }, 60_000);

  it('a guided diagnosis on the Leaf recording reads its battery through the replay, and says what the recording lacks', async () => {
    const rec = (await upload('leaf-guided.MF4', readFileSync(LEAF_MF4))).json();
    await recordedClassSession(
      rec.id,
      { title: 'Leaf : autonomie', complaint: 'Autonomie en baisse', trueCause: 'battery_weak' },
      async (sessionId) => {
        const leo = await t.as('leo');
        const res = await t.app.inject({
          method: 'POST',
          url: `/diagnostics/${sessionId}/guided/start`,
          headers: { cookie: leo.cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: leo.csrf, treeId: 'traction_battery' }).toString(),
        });
        expect(res.statusCode, res.body).toBe(303);
        const g = (await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${sessionId}` })).json()
          .guided;
        // The recorded 21 01 / 21 04 answers: temperatures and current, but the recording never asked
        // for the cells (21 02) nor holds an SoH: those signs stay unknown, and the page says so.
        expect(g.facts.battery.module_temp_max).toBeGreaterThan(0);
        expect(g.facts.battery.cell_spread).toBeUndefined();
        expect(g.facts.battery.soh).toBeUndefined();
        const page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}` });
        expect(page.body).toMatch(
          /class="battery-read-note" data-read="true">Batterie de traction lue : tensions des cellules non lues, SoH non lu — Nissan Leaf[^<]*rejouant le fichier « leaf-guided\.MF4 »/,
        );
      },
    );
  }, 60_000);

  it('a scenario from the simulated Kona recording is a working battery session without a knowledge-base cause, assessed on the report read: the BMS read live from the recording, cell 37 the weak one', async () => {
    const KONA = fixturePath('ev/sim_kona_weak_cell_battery.log');
    const res = await upload('sim_kona_weak_cell_battery.log', readFileSync(KONA, 'utf8'));
    expect(res.statusCode, res.body).toBe(201);
    const rec = res.json();
    expect(JSON.parse(rec.summary).origin).toEqual({
      source: 'atelier-simulator',
      scenario: 'kona-weak-cell',
    });
    // The whole 0101 answer in the battery report, French and English.
    const report = await t.inject('formateur', {
      method: 'GET',
      url: `/training/recordings/${rec.id}/battery`,
    });
    for (const row of [
      'data-quantity="auxBatteryVoltage"><th>Batterie 12 V (auxiliaire)</th><td>14,2 V',
      'data-quantity="cumulativeChargeKwh"><th>Énergie cumulée reçue</th><td>12890,3 kWh',
      'data-quantity="cellMinReportedNumber"><th>N° de la cellule la plus basse (BMS)</th><td>37</td>',
      'data-quantity="isolationResistance"><th>Résistance d&#39;isolement (HT / masse)</th><td>5000 kΩ',
    ])
      expect(report.body).toContain(row);
    expect(report.body).toMatch(/le BMS donne la plus haute n° 9 à 3,76 V \(liste : 3,76 V\)/);
    // The drive as the BMS gives it, apart from the battery: the car stood READY.
    expect(report.body).toMatch(
      /<section class="card" id="battery-drive"><h2>Moteur et onduleur<\/h2>.*data-quantity="inverterCapacitorVoltage"><th>Onduleur : tension du bus continu \(condensateur\)<\/th><td>3\d\d V<\/td>.*data-quantity="motorSpeed"><th>Moteur de traction : régime<\/th><td>0 tr\/min<\/td>/s,
    );
    expect(report.body).toMatch(
      /<li class="ok" data-check="dc-link">✔ bus continu de l&#39;onduleur à 3\d\d V, pack 3\d\d(,\d)? V/,
    );
    // The cell chart's tooltips write volts as the page's language does.
    expect(report.body).toContain('<title>37 : 3,6 V</title>');
    // The file's mark, read at upload, is in the report's source line.
    expect(report.body).toContain(
      'data-source="recording" data-origin="atelier-simulator"><strong>Source des valeurs :</strong> fichier « sim_kona_weak_cell_battery.log » (enregistrement d&#39;un véhicule simulé (Atelier), scénario kona-weak-cell) ; réponses utilisées de 1,2 s à 111,6 s de l&#39;enregistrement</p>',
    );
    const reportEn = await t.inject('formateur', {
      method: 'GET',
      url: `/training/recordings/${rec.id}/battery?lang=en`,
    });
    expect(reportEn.body).toContain('data-quantity="operatingTime"><th>Operating time</th><td>2107.3 h');
    expect(reportEn.body).toContain('data-quantity="motorSpeed"><th>Drive motor: speed</th><td>0 rpm</td>');
    expect(reportEn.body).toContain(
      '<strong>Where the figures come from:</strong> file “sim_kona_weak_cell_battery.log” (recording of a simulated vehicle (Atelier), scenario kona-weak-cell); answers used from 1.2 s to 111.6 s into the recording</p>',
    );
    expect(reportEn.body).toContain(
      'data-quantity="availableDischargePower"><th>Available discharge power</th><td>205.6 kW',
    );
    expect(JSON.parse(rec.summary).battery).toEqual({
      vehicle: 'hyundai-kona-ioniq',
      reads: 60,
      requests: ['22 01 01', '22 01 02', '22 01 03', '22 01 04', '22 01 05'],
    });
    // No true cause: the recording is a battery read, not a fault to find.
    await recordedClassSession(
      rec.id,
      { title: 'Kona : état de la batterie', complaint: 'Autonomie en baisse', trueCause: '' },
      async (sessionId, scenarioId) => {
        const assessments = async () =>
          (
            await t.inject('formateur', {
              method: 'GET',
              url: `/api/training/scenarios/${scenarioId}/assessments`,
            })
          ).json()[0];
        expect((await assessments()).battery).toEqual({ read: false, at: null, value: null });
        const page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}` });
        // The file says it was made by Atelier's simulator: the session says so, in both languages.
        expect(page.body).toContain(
          'Scénario de formation (enregistrement d&#39;un véhicule simulé (Atelier))',
        );
        expect(page.body).not.toContain('réel');
        const en = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}?lang=en` });
        expect(en.body).toContain('Training scenario (recording of a simulated vehicle (Atelier))');
        expect(page.body).toContain('id="battery-report"');
        // The BMS answers the battery reads among the session's other requests (UDS fault memory, VIN).
        expect(page.body).toMatch(/7E4 → 7EC : [^;<]*22 01 01, 22 01 02, 22 01 03, 22 01 04, 22 01 05/);
        const api = await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${sessionId}/battery` });
        expect(api.statusCode, api.body).toBe(200);
        const r = api.json();
        expect(r.source).toMatchObject({
          kind: 'recording',
          origin: 'atelier-simulator',
          scenario: 'kona-weak-cell',
          via: 'Kona : état de la batterie',
        });
        expect(r.source.description.fr).toBe(
          "session « Kona : état de la batterie » rejouant le fichier « sim_kona_weak_cell_battery.log » (enregistrement d'un véhicule simulé (Atelier), scénario kona-weak-cell)",
        );
        expect(r.vehicle.id).toBe('hyundai-kona-ioniq');
        expect(r.answers).toBe(5);
        expect(r.cells.minCell).toBe(37);
        expect(r.cells.voltages.filter((v: number | null) => v !== null)).toHaveLength(98);
        const assessed = await assessments();
        expect(assessed.battery.read).toBe(true);
        expect(assessed.battery.value).toMatchObject({ answers: 5, minCell: 37 });
        expect(assessed.assessment).toBeNull();
        const scenarioPage = await t.inject('formateur', {
          method: 'GET',
          url: `/training/scenarios/${scenarioId}`,
        });
        expect(scenarioPage.body).toContain(
          'session batterie de traction : évaluée sur la lecture du rapport',
        );
        expect(scenarioPage.body).toContain('✔ rapport lu');
      },
    );
  }, 60_000);

  it('a scenario on the simulated Kona (not a recording): the battery report says it is the simulator, read live, in French and English', async () => {
    await recordedClassSession(
      // The healthy Kona: the knowledge base has no cause for a weak cell to make a scenario of.
      { sim: 'healthy-kona' },
      { title: 'Kona simulé', complaint: 'Contrôle batterie', trueCause: 'none' },
      async (sessionId) => {
        const api = await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${sessionId}/battery` });
        expect(api.statusCode, api.body).toBe(200);
        const r = api.json();
        expect(r.source).toMatchObject({ kind: 'simulator', name: 'Kona simulé', scenario: 'healthy-kona' });
        expect(r.cells.voltages.filter((v: number | null) => v !== null)).toHaveLength(98);
        const page = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}/battery` });
        expect(page.body).toMatch(
          /data-source="simulator"><strong>Source des valeurs :<\/strong> véhicule simulé \(Atelier\), scénario healthy-kona : lu en direct par [^<]+ — pas une voiture réelle<\/p>/,
        );
        const en = await t.inject('leo', { method: 'GET', url: `/diagnostics/${sessionId}/battery?lang=en` });
        expect(en.body).toMatch(
          /simulated vehicle \(Atelier\), scenario healthy-kona: read live through [^<]+ — not a real car/,
        );
      },
    );
  }, 60_000);

  it('origin: a simulated recording as candump, BLF, MF4 or pcapng (made by can convert) says "simulated (Atelier)", a real one just "recording" — in French and English', async () => {
    const KONA = fixturePath('ev/sim_kona_weak_cell_battery.log');
    const dir = mkdtempSync(join(tmpdir(), 'atelier-origin-'));
    const a = await t.as('formateur');
    for (const ext of ['blf', 'mf4', 'pcapng'] as const) {
      const out = join(dir, `kona.${ext}`);
      const frames = [];
      for await (const f of readLog(KONA)) frames.push(f);
      await writeLog(out, frames, ext);
      // What `atelier can convert` does with a marked input (apps/cli convert.ts).
      await markOriginFile(out, ext, readOriginFile(KONA, 'candump')!);
      const rec = (await upload(`kona-sim.${ext}`, readFileSync(out))).json();
      expect(JSON.parse(rec.summary).origin, ext).toEqual({
        source: 'atelier-simulator',
        scenario: 'kona-weak-cell',
      });
    }
    const real = (await upload('leaf-origin.MF4', readFileSync(LEAF_MF4))).json();
    expect(JSON.parse(real.summary).origin).toBeUndefined();
    const item = (body: string, name: string) =>
      new RegExp(
        `<strong>${name.replace('.', '\\.')}</strong>[\\s\\S]*?<li class="origin">([^<]*)</li>`,
      ).exec(body)?.[1];
    const fr = (await t.app.inject({ method: 'GET', url: '/training', headers: { cookie: a.cookie } })).body;
    expect(item(fr, 'kona-sim.blf')).toBe('Origine : enregistrement d&#39;un véhicule simulé (Atelier)');
    expect(item(fr, 'kona-sim.mf4')).toBe('Origine : enregistrement d&#39;un véhicule simulé (Atelier)');
    expect(item(fr, 'kona-sim.pcapng')).toBe('Origine : enregistrement d&#39;un véhicule simulé (Atelier)');
    expect(item(fr, 'leaf-origin.MF4')).toBe('Origine : enregistrement');
    const en = (
      await t.app.inject({ method: 'GET', url: '/training?lang=en', headers: { cookie: a.cookie } })
    ).body;
    expect(item(en, 'kona-sim.blf')).toBe('Origin: recording of a simulated vehicle (Atelier)');
    expect(item(en, 'leaf-origin.MF4')).toBe('Origin: recording');
    expect(fr).not.toContain('véhicule réel');
  });

  it('a Wireshark capture (pcapng, or classic pcap as tcpdump writes it) of the Leaf reads as its candump log and offers the battery report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-pcap-'));
    const frames = [];
    for await (const f of readLog(LEAF)) frames.push(f);
    const pcapng = join(dir, 'leaf.pcapng');
    await writeLog(pcapng, frames, 'pcapng');
    const rec = (await upload('leaf-capture.pcapng', readFileSync(pcapng))).json();
    expect(rec.format).toBe('pcapng');
    const summary = JSON.parse(rec.summary);
    expect(summary.frames).toBe(frames.length);
    expect(summary.battery).toMatchObject({ vehicle: 'nissan-leaf' });
    // A classic pcap (LINKTYPE_CAN_SOCKETCAN, little-endian, µs) written here by hand from its
    // published layout: one OBD request on can0.
    const head = Buffer.alloc(24);
    head.writeUInt32LE(0xa1b2c3d4, 0);
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
    head.writeUInt32LE(65535, 16);
    head.writeUInt32LE(227, 20);
    const packet = Buffer.alloc(16 + 16);
    packet.writeUInt32LE(1641469561, 0);
    packet.writeUInt32LE(949700, 4);
    packet.writeUInt32LE(16, 8);
    packet.writeUInt32LE(16, 12);
    packet.writeUInt32BE(0x7df, 16); // the CAN id, in network order
    packet[20] = 8;
    Buffer.from([0x02, 0x01, 0x00, 0, 0, 0, 0, 0]).copy(packet, 24);
    const refused = await upload('one-request.pcap', Buffer.concat([head, packet]));
    // Read, and refused for what it is: one unanswered request answers nothing an apprentice asks.
    expect(refused.statusCode).toBe(400);
    expect(alertText(refused.body)).toBe(
      'enregistrement inutilisable : trop peu de trames (1, il en faut au moins 20 pour rejouer ou tracer) et aucun échange de diagnostic',
    );
  }, 60_000);

  it('a bad BLF is refused naming the byte offset, the reason in the page language', async () => {
    const blf = join(mkdtempSync(join(tmpdir(), 'atelier-blf-')), 'leaf.blf');
    await writeLog(blf, readLog(LEAF), 'blf');
    // The file header of a real BLF, then no object where one must start.
    const junk = Buffer.concat([
      readFileSync(blf).subarray(0, 144),
      Buffer.from('pas un objet du tout, désolé'),
    ]);
    const fr = await upload('junk.blf', junk);
    expect(fr.statusCode).toBe(400);
    expect(alertText(fr.body)).toBe(
      'fichier BLF invalide : junk.blf, octet 144 (0x90) : objet attendu (« LOBJ »), trouvé « pas  »',
    );
    const a = await t.as('formateur');
    const body = multipart({ _csrf: a.csrf }, { name: 'junk.blf', content: junk });
    const en = await t.app.inject({
      method: 'POST',
      url: '/training/recordings?lang=en',
      headers: { cookie: a.cookie, ...body.headers },
      payload: body.payload,
    });
    expect(en.statusCode).toBe(400);
    expect(alertText(en.body)).toBe(
      "invalid BLF file: junk.blf: byte 144 (0x90): expected an object ('LOBJ'), found 'pas '",
    );
    // A compressed container damaged in the file: zlib's reason in French.
    const damaged = Buffer.from(readFileSync(blf));
    damaged.fill(0x33, 15_600, 16_000);
    const z = await upload('damaged.blf', damaged);
    expect(z.statusCode).toBe(400);
    expect(alertText(z.body)).toBe(
      'fichier BLF invalide : damaged.blf, octet 15546 (0x3cba) : conteneur corrompu (zlib : table des littéraux et longueurs invalide)',
    );
  });

  it('a stored recording that no longer reads: the replay page says which line and why, in the page language', async () => {
    const rec = (await upload('stale.log', readFileSync(LEAF, 'utf8'))).json();
    // Checked at upload; damaged in the store since (a restore gone wrong, a hand edit).
    await t.store.run('UPDATE recordings SET content = ? WHERE id = ?', ['gâché\n', rec.id]);
    const fr = await t.inject('formateur', { method: 'GET', url: `/training/recordings/${rec.id}` });
    expect(fr.statusCode).toBe(500);
    expect(alertText(fr.body)).toBe(
      'fichier illisible : stale.log, ligne 1, colonne 1 : « ( » et un horodatage attendus, trouvé « g »',
    );
    const en = await t.inject('formateur', { method: 'GET', url: `/training/recordings/${rec.id}?lang=en` });
    expect(alertText(en.body)).toBe(
      "unreadable file: stale.log:1:1: expected '(' and a timestamp, found 'g'",
    );
  });

  it('a truncated MF4 is refused with the reason, nothing stored', async () => {
    const before = (await t.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM recordings'))!.n;
    const res = await upload('cut.MF4', readFileSync(LEAF_MF4).subarray(0, 3000));
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/MF4/);
    expect((await t.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM recordings'))!.n).toBe(before);
  });
});

describe('DBC signals on a replay', () => {
  const DBC = `VERSION ""
BU_: A
BO_ 258 Msg102: 6 A
 SG_ Counter : 0|8@1+ (1,0) [0|255] "" A
 SG_ Word : 8|16@1+ (0.5,0) [0|32767.5] "" A
`;
  async function postDbc(recordingId: number, name: string, content: string) {
    const a = await t.as('formateur');
    const body = multipart({ _csrf: a.csrf }, { name, content });
    return t.app.inject({
      method: 'POST',
      url: `/training/recordings/${recordingId}/dbc`,
      headers: { cookie: a.cookie, ...body.headers },
      payload: body.payload,
    });
  }

  it('decodes every frame the DBC describes and plots its signals', async () => {
    const text = readFileSync(SAVVY, 'utf8');
    const rec = (await upload('savvycan.log', text)).json();
    const res = await postDbc(rec.id, 'bench.dbc', DBC);
    expect(res.statusCode, res.body).toBe(200);
    const data = JSON.parse(
      /<script type="application\/json" id="dbc-data">([^<]*)<\/script>/.exec(res.body)![1]!,
    );
    // Expected values straight from the log's text: id 102, byte 0, and bytes 1–2 little-endian × 0.5.
    const frames = text
      .split('\n')
      .filter((l) => / 102#/.test(l))
      .map((l) => Buffer.from(l.split('#')[1]!, 'hex'));
    expect(data.decoded).toBe(frames.length);
    expect(data.series['Msg102.Counter'].map((p: number[]) => p[1])).toEqual(frames.map((b) => b[0]));
    expect(data.series['Msg102.Word'][0][1]).toBe(frames[0]!.readUInt16LE(1) * 0.5);
    expect(res.body).toContain('id="dbc-chart"');
  });

  it('a DBC of diagnostic payloads (CSS tp_uds, Nissan Leaf) plots SoC and temperatures from the reassembled answers', async () => {
    const rec = (await upload('leaf.log', readFileSync(LEAF, 'utf8'))).json();
    const res = await postDbc(
      rec.id,
      'css_tp_uds_nissan_leaf.dbc',
      readFileSync(fixturePath('can/css_tp_uds_nissan_leaf.dbc'), 'utf8'),
    );
    expect(res.statusCode, res.body).toBe(200);
    const data = JSON.parse(
      /<script type="application\/json" id="dbc-data">([^<]*)<\/script>/.exec(res.body)![1]!,
    );
    // 13 answers to 21 01 and 13 to 21 04: 26 payloads, not the 0x7BB frames one by one.
    expect(data.decoded).toBe(26);
    const soc = data.series['SoC_Temp.SoC'].map((p: number[]) => p[1]);
    expect(soc).toHaveLength(13);
    expect(soc[0]).toBe(89.2286);
    for (const v of soc) expect(v).toBeGreaterThan(85);
    expect(data.series['SoC_Temp.BatPackTemp1']).toHaveLength(13);
  });

  it('refuses a DBC that does not parse, naming the line, the reason in the page language', async () => {
    const rec = (await t.store.get<{ id: number }>(
      "SELECT id FROM recordings WHERE kind = 'can' ORDER BY id LIMIT 1",
    ))!;
    const res = await postDbc(rec.id, 'bad.dbc', 'BO_ 258 Msg: 8 A\n SG_ bad : x|8@1+ (1,0) [0|1] "" A\n');
    expect(res.statusCode).toBe(400);
    expect(alertText(res.body)).toBe(
      'DBC illisible : bad.dbc, ligne 2 : attendu : bit de départ (un entier positif), trouvé « x|8@1+ »',
    );
  });
});

describe('names and anonymisation', () => {
  it('keeps ordinary names, accents included', () => {
    expect(checkRecordingName('Clio V — ralenti.log')).toBe('Clio V — ralenti.log');
    expect(() => checkRecordingName('a\u0000b.log')).toThrow(UploadRefused);
  });
  it('truncates a VIN to its first 11 characters', () => {
    expect(truncateVin('VF1RJA00165432101')).toBe('VF1RJA00165******');
    expect(truncateVin(null)).toBeNull();
  });
  it('removes the VIN answer from a transcript, and only it', () => {
    const masked = maskTranscriptVin(transcript);
    expect(masked).toContain('VIN answer removed');
    expect(masked.split('\n').length).toBe(transcript.split('\n').length);
    // The VIN of the vacuum-leak scenario no longer appears as hex bytes in the rx lines after 0902.
    const after = masked.split('\n');
    const i = after.findIndex((l) => /\ttx\t"0902/.test(l));
    expect(after[i + 1]).toContain('\tnote\t');
  });
});

describe('the demo class', () => {
  it('shows who started and finished, and assesses the finished path against the expert path', async () => {
    const scenarios = (
      await t.store.all<{ id: number }>("SELECT id FROM training_scenarios WHERE sim_name = 'vacuum-leak'")
    )[0]!;
    const view = (
      await t.inject('formateur', {
        method: 'GET',
        url: `/api/training/scenarios/${scenarios.id}/assessments`,
      })
    ).json();
    const leo = view.find(
      (x: { assignment: { user_name: string } }) => x.assignment.user_name === 'Léo Petit',
    );
    const emma = view.find(
      (x: { assignment: { user_name: string } }) => x.assignment.user_name === 'Emma Roux',
    );
    expect(leo.assignment.finished_at).not.toBeNull();
    expect(leo.assessment.rightCause).toBe(true);
    // Léo ran one test the expert did not need: more tests and a higher cost than the expert.
    expect(leo.assessment.tests.apprentice).toBe(leo.assessment.tests.expert + 1);
    expect(leo.assessment.cost.apprentice).toBeGreaterThan(leo.assessment.cost.expert);
    expect(emma.assignment.started_at).toBeNull();
    expect(emma.assessment).toBeNull();
    const page = await t.inject('formateur', { method: 'GET', url: `/training/scenarios/${scenarios.id}` });
    expect(page.body).toContain('pas commencé');
    expect(page.body).toContain('terminé le');
    // Léo sees his own assessment, not Emma's: forbidden (403), not a conflict of state (issue 15).
    const own = await t.inject('leo', { method: 'GET', url: `/training/assignments/${leo.assignment.id}` });
    expect(own.statusCode).toBe(200);
    expect(
      (await t.inject('leo', { method: 'GET', url: `/training/assignments/${emma.assignment.id}` }))
        .statusCode,
    ).toBe(403);
  });
});
