/**
 * The group administrator gives a person a role on another site from the page, in Chromium: a new
 * site from /sites, a person of the first site added to it, their role changed, the membership
 * withdrawn through the confirmation dialog; the page fits a phone (390 px) and a laptop (1,366 px).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { demoInChromium, haveChromium, login, measure, submit } from '../test-support/browser.js';

const env = demoInChromium('atelier-members-');
const SHOTS = process.env.ATELIER_SHOTS;

it.skipIf(!haveChromium())(
  'adds a person to a second site, changes the role, withdraws it after confirming; fits 390 and 1,366 px',
  async () => {
    const context = await env.browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await login(page, env.server.url, 'admin', 'fr');
    await page.goto(`${env.server.url}/sites`);
    await page.fill('form[action="/sites"] input[name=code]', 'lyon');
    await page.fill('form[action="/sites"] input[name=name]', 'Lyon Est');
    await submit(page, 'form[action="/sites"] button[type=submit]');
    await Promise.all([page.waitForURL(/\/sites\/\d+$/), page.click('a[data-site="lyon"]')]);
    const url = page.url();
    const site = url.split('/').pop()!;
    expect(await page.locator('table.members').count()).toBe(0);
    await page.selectOption('form.card select[name=userId]', { label: 'Inès Moreau (ines)' });
    await page.selectOption('form.card select[name=role]', 'manager');
    await submit(page, 'form.card button[type=submit]');
    expect(page.url()).toBe(url);
    const row = page.locator('tr[data-user="ines"]');
    expect(await row.locator('select[name=role]').inputValue()).toBe('manager');
    // She is the site's only administrator once made one: the page no longer offers to withdraw her.
    await row.locator('select[name=role]').selectOption('admin');
    await submit(page, 'tr[data-user="ines"] form button[type=submit]');
    expect(await page.locator('tr[data-user="ines"]').textContent()).toContain(
      'dernier administrateur du site',
    );
    await page.selectOption('form.card select[name=userId]', { label: 'Karim Haddad (karim)' });
    await page.selectOption('form.card select[name=role]', 'technician');
    await submit(page, 'form.card button[type=submit]');
    for (const width of [390, 1366]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      const m = await measure(page);
      expect(m.overflow, `${width} px: ${m.offenders.join(', ')}`).toBeLessThanOrEqual(0);
      const shot = join(env.dir, `members-${width}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      if (SHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        copyFileSync(shot, join(SHOTS, `members-${width}.png`));
      }
    }
    // Withdrawing Karim asks first; dismissed, nothing changes; accepted, he is gone.
    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.dismiss();
    });
    await page.click(`form[action="/sites/${site}/members/${await idOf(page, 'karim')}/withdraw"] button`);
    expect(asked).toBe('Retirer Karim Haddad de Lyon Est ?');
    expect(await page.locator('tr[data-user="karim"]').count()).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await submit(page, `form[action="/sites/${site}/members/${await idOf(page, 'karim')}/withdraw"] button`);
    expect(await page.locator('tr[data-user="karim"]').count()).toBe(0);
    await context.close();
  },
  120_000,
);

/** The user id in a member row's role form. */
async function idOf(page: import('playwright-core').Page, login: string): Promise<string> {
  return (await page.locator(`tr[data-user="${login}"] input[name=userId]`).getAttribute('value'))!;
}
