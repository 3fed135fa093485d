import { it } from 'vitest';
import { makeTestApp } from '/work/wt/i19-ui/apps/workshop/src/testing.js';

it('peek', async () => {
  const t = await makeTestApp();
  for (const url of (process.env.PEEK ?? '').split(',')) {
    const res = await t.inject(process.env.WHO ?? 'formateur', { method: 'GET', url });
    const i = res.body.indexOf(process.env.NEEDLE ?? 'fuelSystem');
    console.log(url, res.statusCode, res.body.slice(Math.max(0, i - 600), i + 300));
  }
  await t.close();
});
