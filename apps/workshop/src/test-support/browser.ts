/**
 * Headless Chromium for the dashboard's browser tests: Debian's package driven by playwright-core,
 * launched with no network of its own (no updates, sync or background requests), and the steps
 * every walk through the dashboard repeats (log in, submit a form and wait for the page it leads to).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { fileExists, requireOracle } from '../../../../tests/support/index.js';
import type { Lang } from '../i18n.js';
import { DEMO_PASSWORD } from '../seed.js';
import { type RunningServer, type ServeOptions, startServer } from '../server.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is installed, by the one rule for oracles (tests/support): a skip with its reason, a failure under CI=true. */
export function haveChromium(): boolean {
  return !requireOracle('chromium', fileExists(CHROMIUM, 'apt-get install chromium')).missing;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The demo dashboard on a fresh temporary database and a Chromium, started before a test file's
 * tests and stopped after them (nothing started without Chromium: the tests skip themselves).
 * `options` adds to the server's (a clock, rate limits); `dir`, the temporary directory, takes the
 * test's own files too.
 */
export function demoInChromium(
  prefix: string,
  options: ServeOptions = {},
): { readonly server: RunningServer; readonly browser: Browser; readonly dir: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = { dir } as { server: RunningServer; browser: Browser; dir: string };
  beforeAll(async () => {
    if (!haveChromium()) return;
    env.server = await startServer({ db: join(dir, 'w.sqlite'), demo: true, port: 0, ...options });
    env.browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return env;
}

/**
 * A browser test's screenshots: test-artifacts/`name`/ (created), and `shot(page, file)` saving the
 * whole page there as `file`.png.
 */
export function screenshots(name: string): {
  dir: string;
  shot: (page: Page, file: string) => Promise<Buffer>;
} {
  const dir = fileURLToPath(new URL(`../../../../test-artifacts/${name}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  return { dir, shot: (page, file) => page.screenshot({ path: join(dir, `${file}.png`), fullPage: true }) };
}

/** Logs in as a demo user, in `lang`, and waits for the board. */
export async function login(page: Page, baseUrl: string, who: string, lang: Lang): Promise<void> {
  await page.goto(`${baseUrl}/login?lang=${lang}`);
  await page.fill('input[name=login]', who);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/board/), page.click('form[action="/login"] button[type=submit]')]);
}

export async function logout(page: Page): Promise<void> {
  await Promise.all([page.waitForURL(/\/login/), page.click('form[action="/logout"] button')]);
}

/** Clicks what submits a form and waits for the page it leads to (not the one already loaded). */
export async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/**
 * What does not fit: the page's sideways overflow, the elements past the right edge (outside a box
 * that scrolls by itself), the navigation's lines. Runs in the page (a string: this file is
 * type-checked without the DOM's types).
 */
const MEASURE = `(() => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const offenders = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement;
    let clipped = false;
    while (p && p !== document.body) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
      p = p.parentElement;
    }
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    if (!clipped) offenders.push(el.tagName.toLowerCase() + cls + ' (' + Math.round(r.right) + ' px)');
  }
  const tops = new Set(Array.from(document.querySelectorAll('header nav a')).map((a) => Math.round(a.getBoundingClientRect().top)));
  return { overflow: doc.scrollWidth - width, offenders: offenders.slice(0, 5), navLines: tops.size };
})()`;

export async function measure(
  page: Page,
): Promise<{ overflow: number; offenders: string[]; navLines: number }> {
  return page.evaluate(MEASURE);
}

/**
 * A test app (`makeTestApp`) served on a loopback port and a Chromium page logged in as `login`
 * (its session cookie): for browser tests that prepare the state through the app first. Page
 * errors are collected in `errors`.
 */
export async function appPageAs(
  t: {
    app: { listen(o: { port: number; host: string }): Promise<unknown>; server: { address(): unknown } };
    as(login: string): Promise<{ cookie: string }>;
  },
  browser: Browser,
  login: string,
  viewport = { width: 1280, height: 900 },
): Promise<{ page: Page; url: string; errors: string[]; close(): Promise<void> }> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  const [name, value] = (await t.as(login)).cookie.split('=');
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: name!, value: value!, url }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, url, errors, close: () => context.close() };
}
