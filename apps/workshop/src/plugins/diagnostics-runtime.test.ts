/**
 * The diagnostics runtime as an app plugin: built by `buildApp` from the app's store and clock,
 * declared as a dependency by the areas that need it, holding a scenario's car only while its
 * adapter is open (finished, disconnected or idle sessions release it — the runtime does not grow),
 * and releasing everything when the app closes: adapter links, emulators and their TCP servers,
 * pollers, timers and the browsers' event streams.
 */
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionHelpers, until } from '../test-support/diagnostics.js';
import { makeTestApp, type TestApp } from '../testing.js';
import { corePlugin } from './core.js';
import { guidedPlugin } from './diagnostics/guided.js';

describe('the runtime is a declared dependency', () => {
  it('an area that needs it does not start without it', async () => {
    const t = await makeTestApp();
    try {
      const bare = Fastify();
      await bare.register(cookie);
      await bare.register(corePlugin, { deps: { store: t.store, clock: t.clock } });
      await expect(bare.register(guidedPlugin).ready()).rejects.toThrow(
        /'diagnostics' required by 'atelier-guided-diagnosis'|atelier-diagnostics-runtime/,
      );
      await bare.close();
      // In the app, one runtime serves every area.
      expect(t.app.diagnostics.openSessions).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('cars of scenario sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Idle limit one minute of the app's (virtual) clock; writes flushed every 20 ms.
    t = await makeTestApp({ diagnostics: { flushMs: 20, idleMs: 60_000 } });
  }, 60_000);
  afterAll(() => t?.close());

  it('are released when their session finishes or disconnects: the runtime does not grow', async () => {
    const { post, startAssignment } = sessionHelpers(t);
    const runtime = t.app.diagnostics;
    const sessions: number[] = [];
    for (const [i, scenario] of ['vacuum-leak', 'misfire-cyl2', 'vacuum-leak', 'misfire-cyl2'].entries()) {
      const learner = i % 2 ? 'emma' : 'leo';
      const { sessionId } = await startAssignment(scenario, learner);
      sessions.push(sessionId);
      expect((await post(learner, `/diagnostics/${sessionId}/connect`)).statusCode).toBe(303);
      expect(runtime.isSimulated(sessionId)).toBe(true);
      expect(runtime.openSessions).toEqual([sessionId]);
      // Half are finished, half disconnected: either way the car goes with the adapter.
      const end = i % 2 ? 'disconnect' : 'finish';
      expect((await post(learner, `/diagnostics/${sessionId}/${end}`)).statusCode).toBe(303);
      expect(runtime.openSessions).toEqual([]);
      expect(runtime.isSimulated(sessionId)).toBe(false);
    }
    expect(new Set(sessions).size).toBe(4);
  }, 60_000);

  it('are released when nobody used or watched the session for the idle time (on the app clock)', async () => {
    const { post, startAssignment } = sessionHelpers(t);
    const runtime = t.app.diagnostics;
    const { sessionId } = await startAssignment('vacuum-leak', 'leo');
    expect((await post('leo', `/diagnostics/${sessionId}/connect`)).statusCode).toBe(303);
    expect(runtime.openSessions).toEqual([sessionId]);
    // Real time passes, the app's clock does not: the adapter stays open.
    await new Promise((r) => setTimeout(r, 200));
    expect(runtime.openSessions).toEqual([sessionId]);
    await t.clock.advance(61_000);
    await until('the idle adapter to close', () => runtime.openSessions.length === 0);
    expect(runtime.isSimulated(sessionId)).toBe(false);
    const state = (await t.inject('leo', { method: 'GET', url: `/api/diagnostics/${sessionId}` })).json();
    expect(state.connected).toBe(false);
  }, 60_000);
});

describe('closing the app', () => {
  it('releases every adapter, emulator, TCP server, timer and event stream', async () => {
    const tcp = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;
    const before = tcp();
    const t = await makeTestApp({ diagnostics: { flushMs: 20 } });
    const { post, startAssignment } = sessionHelpers(t);
    const runtime = t.app.diagnostics;
    const { sessionId } = await startAssignment('vacuum-leak', 'leo');
    expect((await post('leo', `/diagnostics/${sessionId}/connect`)).statusCode).toBe(303);
    expect(
      (await post('leo', `/diagnostics/${sessionId}/live`, { pids: ['0C'], periodMs: '50' })).statusCode,
    ).toBe(303);
    // A browser watching the session: the stream stays open until the app closes.
    const a = await t.as('leo');
    const stream = t.app.inject({
      method: 'GET',
      url: `/diagnostics/${sessionId}/events`,
      headers: { cookie: a.cookie },
    });
    await until('the browser to subscribe', () => runtime.hub.subscribers(`session:${sessionId}`) === 1);
    // The emulator's TCP server and the link's socket to it are open now.
    expect(tcp()).toBeGreaterThan(before);
    await t.app.close();
    const res = await stream;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.body).toContain('event: sample');
    expect(runtime.openSessions).toEqual([]);
    expect(runtime.hub.subscribers(`session:${sessionId}`)).toBe(0);
    await until('every socket to close', () => tcp() === before);
    // What was recorded was written before the adapter closed; the session is no longer connected.
    const row = await t.store.get<{ state: string; n: number }>(
      'SELECT d.state, (SELECT COUNT(*) FROM diag_samples s WHERE s.session_id = d.id) AS n FROM diag_sessions d WHERE d.id = ?',
      [sessionId],
    );
    expect(row!.state).toBe('new');
    expect(row!.n).toBeGreaterThan(0);
    // Nothing can be opened on a closed runtime.
    await expect(runtime.connect(sessionId, { kind: 'scenario', spec: '1' })).rejects.toThrow(/stopping/);
    await t.store.close();
  }, 60_000);
});
