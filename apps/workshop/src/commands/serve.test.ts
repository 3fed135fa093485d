import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type CliContext, UsageError } from '@atelier/command';
import { afterAll, describe, expect, it } from 'vitest';
import { serveCommand } from './serve.js';

const dir = mkdtempSync(join(tmpdir(), 'atelier-cli-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ctx(signal: AbortSignal, lang: 'fr' | 'en' = 'fr') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const c: CliContext = { stdout, stderr, lang, cwd: dir, signal, stderrIsTTY: false };
  return { c, out: () => out, err: () => err };
}

// Starting the demo server (a database seeded, the app built) takes 4–5 s alone and far more in CI,
// where every package's tests run at once on two cores: the waits and the tests' time limits are
// generous so that only a server that never starts fails, not a slow machine.
async function waitFor(get: () => string, re: RegExp, ms = 90_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = re.exec(get());
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`never matched ${re} in ${ms} ms: ${get()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('atelier serve', { timeout: 240_000 }, () => {
  it('serves the demo until interrupted, then closes cleanly', async () => {
    const stop = new AbortController();
    const { c, out } = ctx(stop.signal);
    const running = serveCommand.run(['--demo', '--port', '0', '--db', join(dir, 'demo.sqlite')], c);
    const [, url] = await waitFor(out, /écoute sur (http:\/\/[\d.:]+)/);
    expect(out()).toContain('mot de passe « atelier-demo »');
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ ok: true });
    stop.abort();
    expect(await running).toBe(0);
  });

  it('removes the temporary demo database on exit', async () => {
    const stop = new AbortController();
    const { c, out } = ctx(stop.signal, 'en');
    const running = serveCommand.run(['--demo', '--port', '0'], c);
    const [, file] = await waitFor(out, /\(database (\S+)\)/);
    expect(existsSync(file!)).toBe(true);
    stop.abort();
    expect(await running).toBe(0);
    expect(existsSync(dirname(file!))).toBe(false);
  });

  it('creates a first admin with a printed password on an empty database', async () => {
    const stop = new AbortController();
    const { c, out, err } = ctx(stop.signal, 'en');
    const running = serveCommand.run(['--port', '0', '--db', join(dir, 'fresh.sqlite')], c);
    await waitFor(out, /listening on/);
    const [, password] = await waitFor(err, /admin \/ (\S+) \(change it\)/);
    expect(password!.length).toBeGreaterThanOrEqual(12);
    stop.abort();
    expect(await running).toBe(0);
  });

  it('behind a TLS proxy (--trust-proxy), sends Secure cookies and HSTS on requests that came over HTTPS only', async () => {
    const get = async (url: string, proto?: string) =>
      fetch(`${url}/login`, { headers: proto ? { 'x-forwarded-proto': proto } : {} });
    for (const trust of [true, false]) {
      const stop = new AbortController();
      const { c, out } = ctx(stop.signal, 'en');
      const running = serveCommand.run(
        [
          '--demo',
          '--port',
          '0',
          '--db',
          join(dir, `proxy-${trust}.sqlite`),
          ...(trust ? ['--trust-proxy'] : []),
        ],
        c,
      );
      const [, url] = await waitFor(out, /listening on (http:\/\/[\d.:]+)/);
      const https = await get(url!, 'https');
      const http = await get(url!);
      // Without --trust-proxy a client's X-Forwarded-Proto is not believed.
      expect(https.headers.get('set-cookie')).toMatch(trust ? /; Secure/ : /^(?!.*Secure)/);
      expect(https.headers.get('strict-transport-security')).toBe(
        trust ? 'max-age=15552000; includeSubDomains' : null,
      );
      expect(http.headers.get('set-cookie')).not.toMatch(/Secure/);
      expect(http.headers.get('strict-transport-security')).toBeNull();
      stop.abort();
      expect(await running).toBe(0);
    }
  });

  it('refuses a bad port', async () => {
    const { c } = ctx(new AbortController().signal, 'en');
    await expect(serveCommand.run(['--port', 'eighty'], c)).rejects.toBeInstanceOf(UsageError);
  });
});
