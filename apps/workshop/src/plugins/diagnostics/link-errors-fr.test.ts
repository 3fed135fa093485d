/**
 * A car whose engine ECU stays silent on its stored codes (the adapter says NO DATA), read through
 * the dashboard: the session page says why in French, the adapter's words quoted; the API keeps the
 * English message scripts read, and gains the French the page shows. The French is written by hand.
 */
import { DemoCar, Elm327Emulator, serveTcp } from '@atelier/elm327';
import type { Responder } from '@atelier/obd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareAdapter, type SessionHelpers, sessionHelpers } from '../../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../../testing.js';

let t: TestApp;
let post: SessionHelpers['post'];
beforeAll(async () => {
  t = await makeTestApp();
  ({ post } = sessionHelpers(t));
}, 60_000);
afterAll(() => t?.close());

describe('a link error on the session page', () => {
  it('NO DATA on the stored codes: « Pourquoi ? » in French, the English message kept in the API', async () => {
    const car = new DemoCar();
    const silentOn03: Responder = {
      ecus: () => car.ecus(),
      respond: (req) => (req.data[0] === 0x03 ? [] : car.respond(req)),
    };
    const emulator = new Elm327Emulator({ responder: silentOn03, baud: 0, latencyMs: 1 });
    const tcp = await serveTcp(emulator, { port: 0 });
    try {
      const res = await post('ines', '/diagnostics', {
        roId: String(t.demo.orderIds.diag!),
        adapter: await declareAdapter(t, `127.0.0.1:${tcp.port}`, 'ELM327 muet sur 03'),
      });
      expect(res.statusCode, res.body).toBe(303);
      const id = Number(/(\d+)$/.exec(res.headers.location as string)![1]);
      await post('ines', `/diagnostics/${id}/connect`);
      await post('ines', `/diagnostics/${id}/read`);

      const api = (await t.inject('ines', { method: 'GET', url: `/api/diagnostics/${id}` })).json();
      const unread = api.readings.find(
        (r: { kind: string; item: string; ecu: string }) =>
          r.kind === 'error' && r.item === 'dtcs.stored' && r.ecu === '7E8',
      );
      expect(unread.value).toMatchObject({
        code: 'no-response',
        status: 'no-answer',
        message: 'ElmNoDataError: no ECU answered to 03 (NO DATA)',
        fr: "aucun calculateur n'a répondu à 03 — l'adaptateur dit « NO DATA »",
      });

      const page = await t.inject('ines', { method: 'GET', url: `/diagnostics/${id}` });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<details class="not-read-why"><summary>Pourquoi ?</summary>');
      expect(page.body).toContain(
        '<li>Moteur (ECM) · 7E8 — codes mémorisé : aucun calculateur n&#39;a répondu à 03 — l&#39;adaptateur dit « NO DATA »</li>',
      );
      expect(page.body).not.toContain('ElmNoDataError');
      // In English, the message as it always was.
      const en = await t.inject('ines', { method: 'GET', url: `/diagnostics/${id}?lang=en` });
      expect(en.body).toContain('<summary>Why?</summary>');
      expect(en.body).toContain('ElmNoDataError: no ECU answered to 03 (NO DATA)</li>');
      await post('ines', `/diagnostics/${id}/disconnect`);
    } finally {
      emulator.close();
      await tcp.close();
    }
  }, 60_000);
});
