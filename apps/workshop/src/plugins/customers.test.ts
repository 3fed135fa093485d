/** Finding a customer or a vehicle, and a vehicle's service history. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('search', () => {
  it('finds vehicles by plate with or without dashes, by VIN, by model and by owner', async () => {
    const plates = async (q: string) =>
      (await t.inject('ines', { method: 'GET', url: `/api/vehicles?q=${encodeURIComponent(q)}` }))
        .json()
        .map((v: { plate: string }) => v.plate);
    expect(await plates('FT-321')).toEqual(['FT-321-QR']);
    expect(await plates('ft321qr')).toEqual(['FT-321-QR']);
    expect(await plates('5YJ3E7')).toEqual(['GA-654-ST']);
    expect(await plates('zoe')).toEqual(['FT-321-QR']);
    expect(await plates('%')).toEqual([]);
    const page = await t.inject('ines', { method: 'GET', url: '/vehicles?q=zoe' });
    expect(page.body).toContain('value="zoe"');
    expect(page.body).toContain('FT-321-QR');
    expect(page.body).not.toContain('GA-654-ST');
    expect((await t.inject('ines', { method: 'GET', url: '/vehicles?q=nothing-like-it' })).body).toContain(
      'Aucun véhicule ne correspond.',
    );
  });

  it('finds customers by part of their name, their e-mail or their phone digits', async () => {
    const all = (await t.inject('ines', { method: 'GET', url: '/api/customers' })).json();
    const someone = all[0] as { name: string; phone: string; email: string };
    const names = async (q: string) =>
      (await t.inject('ines', { method: 'GET', url: `/api/customers?q=${encodeURIComponent(q)}` }))
        .json()
        .map((c: { name: string }) => c.name);
    expect(await names(someone.name.split(' ')[1]!.toLowerCase())).toContain(someone.name);
    if (someone.phone)
      expect(await names(someone.phone.replace(/\D/g, '').slice(-4))).toContain(someone.name);
    if (someone.email) expect(await names(someone.email.toUpperCase())).toContain(someone.name);
    expect(await names('zzzz')).toEqual([]);
  });
});

describe('vehicle service history', () => {
  it('lists the repair orders of the vehicle, newest first, with mileage and the request', async () => {
    const vehicles = (await t.inject('chef', { method: 'GET', url: '/api/vehicles' })).json();
    const orders = (await t.inject('chef', { method: 'GET', url: '/api/orders' })).json() as {
      id: number;
      vehicle_id: number;
      number: string;
    }[];
    const withOrders = vehicles.find((v: { id: number }) => orders.some((o) => o.vehicle_id === v.id));
    const mine = orders.filter((o) => o.vehicle_id === withOrders.id);
    const api = (await t.inject('chef', { method: 'GET', url: `/api/vehicles/${withOrders.id}` })).json();
    expect(api.visits.map((v: { number: string }) => v.number).sort()).toEqual(
      mine.map((o) => o.number).sort(),
    );
    const created = api.visits.map((v: { created_at: number }) => v.created_at);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    const page = await t.inject('chef', { method: 'GET', url: `/vehicles/${withOrders.id}` });
    expect(page.body).toContain('Historique d’entretien');
    for (const o of mine) expect(page.body).toContain(`<a href="/orders/${o.id}">${o.number}</a>`);
    // Where each odometer reading came from, in words.
    expect(page.body).not.toMatch(/<td>(registration|manual|reception [^<]*)<\/td>/);
  });
});
