import { createCustomer, createVehicle } from './services/customers.js';
import type { SiteRole, State } from './services/domain.js';
import { grantHabilitation, isoDate } from './services/habilitations.js';
import {
  addLine,
  approveQuote,
  assignOrder,
  createOrder,
  openComeback,
  receiveVehicle,
  transitionOrder,
} from './services/orders.js';
import { seedTraining } from './services/training-seed.js';
import { createUser, getUser, setGroupRole, type User } from './services/users.js';
import type { Store } from './store/store.js';

/**
 * The built-in demo: a small workshop with people and habilitations (one expiring soon, one
 * expired), customers, vehicles including a hybrid and two EVs, repair orders in every state and
 * three weeks of clocking, all dated relative to `now` so the KPIs are never empty.
 * Every demo account's password is DEMO_PASSWORD.
 */
export const DEMO_PASSWORD = 'atelier-demo';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface DemoData {
  users: Record<string, User>;
  vehicleIds: number[];
  orderIds: Record<string, number>;
}

const PATH: State[] = [
  'booked',
  'reception',
  'diagnosis',
  'quote',
  'awaiting_approval',
  'approved',
  'parts',
  'repair',
  'quality_control',
  'ready',
  'delivered',
];

export interface DemoOptions {
  /** The site the demo workshop is (1, the first site, by default); it must have no member yet. */
  site?: number;
  /** Appended to every login (`chef.lyon`) for a second demo site: logins are unique in a group. */
  loginSuffix?: string;
}

export async function seedDemo(store: Store, now: number, options: DemoOptions = {}): Promise<DemoData> {
  const site = options.site ?? 1;
  const suffix = options.loginSuffix ? `.${options.loginSuffix}` : '';
  const existing = await store.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM site_members WHERE site_id = ?',
    [site],
  );
  if (existing && existing.n > 0)
    throw new Error('seedDemo: the site already has people; demo data goes into an empty site');
  const today0 = Date.parse(`${isoDate(now)}T00:00:00Z`);
  const start = today0 - 20 * DAY;
  const day = (n: number) => start + n * DAY;

  const people: [string, string, SiteRole][] = [
    ['admin', 'Alice Admin', 'admin'],
    ['chef', 'Sophie Martin', 'manager'],
    ['formateur', 'Claire Dubois', 'instructor'],
    ['lucas', 'Lucas Bernard', 'technician'],
    ['ines', 'Inès Moreau', 'technician'],
    ['karim', 'Karim Haddad', 'technician'],
    ['leo', 'Léo Petit', 'apprentice'],
    ['emma', 'Emma Roux', 'apprentice'],
  ];
  const users: Record<string, User> = {};
  for (const [login, name, role] of people)
    users[login] = await createUser(
      store,
      { login: `${login}${suffix}`, name, role, password: DEMO_PASSWORD },
      start - 30 * DAY,
      site,
    );
  if (site === 1) {
    // The first site's administrator runs the group; the after-sales director sees every site.
    await setGroupRole(store, users.admin!.id, 'admin');
    users.admin = await getUser(store, users.admin!.id, site);
    const director = await createUser(
      store,
      { login: `directeur${suffix}`, name: 'Hélène Garnier', role: 'manager', password: DEMO_PASSWORD },
      start - 30 * DAY,
      site,
    );
    await store.run('DELETE FROM site_members WHERE user_id = ?', [director.id]);
    await setGroupRole(store, director.id, 'director');
    users.directeur = await getUser(store, director.id, site);
  }

  const renewalYears = 3;
  const hab = (login: string, symbol: string, issuedOn: string) =>
    store.transaction((tx) =>
      grantHabilitation(
        tx,
        site,
        { userId: users[login]!.id, symbol, issuedOn, issuedBy: 'INRS / organisme agréé' },
        renewalYears,
      ),
    );
  const yearsAgo = (y: number, extraDays = 0) => isoDate(now - y * 365.25 * DAY + extraDays * DAY);
  await hab('lucas', 'B2VL', yearsAgo(1));
  await hab('lucas', 'BCL', yearsAgo(1));
  await hab('ines', 'B1VL', yearsAgo(3, 40)); // renewal due in about 40 days: shows as an alert
  await hab('karim', 'B1VL', yearsAgo(3, -20)); // expired 20 days ago
  await hab('leo', 'B0L', yearsAgo(0, -60));
  await hab('emma', 'B0L', yearsAgo(0, -10));

  const customers = [];
  for (const [name, phone, email] of [
    ['Jeanne Lefèvre', '06 12 34 56 78', 'jeanne.lefevre@example.fr'],
    ['Marc Garnier', '06 98 76 54 32', 'marc.garnier@example.fr'],
    ['Société Transports Rhône', '04 78 00 00 00', 'atelier@transports-rhone.example'],
    ['Nadia Benali', '07 11 22 33 44', ''],
    ['Pierre Fontaine', '06 55 44 33 22', 'p.fontaine@example.fr'],
  ])
    customers.push(await createCustomer(store, site, { name: name!, phone, email }, start - 10 * DAY));

  const vehiclesIn: { vin: string; plate: string; model: string; energy: string; km: number; c: number }[] = [
    { vin: 'VF1RJA001L5432101', plate: 'FG-123-HJ', model: 'Clio V', energy: 'petrol', km: 42_150, c: 0 },
    { vin: 'VF3LBYHZPKS123456', plate: 'EK-456-LM', model: '308 SW', energy: 'diesel', km: 128_400, c: 1 },
    {
      vin: 'VNKKTUD3XMA123457',
      plate: 'GH-789-NP',
      model: 'Yaris Hybrid',
      energy: 'hybrid',
      km: 61_020,
      c: 2,
    },
    { vin: 'VF1AG0008K6123458', plate: 'FT-321-QR', model: 'Zoe R135', energy: 'ev', km: 35_800, c: 3 },
    { vin: '5YJ3E7EB2NF123459', plate: 'GA-654-ST', model: 'Model 3', energy: 'ev', km: 52_300, c: 4 },
    { vin: 'UU1DJF002J5123460', plate: 'DZ-987-UV', model: 'Sandero', energy: 'petrol', km: 97_640, c: 0 },
    { vin: 'VR3UPHNKSPT123461', plate: 'GK-147-WX', model: '208', energy: 'petrol', km: 12_900, c: 1 },
  ];
  const vehicleIds: number[] = [];
  for (const v of vehiclesIn)
    vehicleIds.push(
      (
        await createVehicle(
          store,
          site,
          {
            vin: v.vin,
            plate: v.plate,
            model: v.model,
            energy: v.energy,
            customerId: customers[v.c]!.id,
            odometerKm: v.km,
          },
          start - 5 * DAY,
        )
      ).id,
    );

  // Orders: vehicle index, target state, assignee, start day, HV requirement, complaint, step hours.
  const plans: {
    key: string;
    v: number;
    target: State;
    tech: string;
    d: number;
    hv?: string;
    complaint: string;
  }[] = [
    {
      key: 'd1',
      v: 0,
      target: 'delivered',
      tech: 'ines',
      d: 1,
      complaint: 'Bruit de frottement à l’avant en freinant.',
    },
    {
      key: 'd2',
      v: 1,
      target: 'delivered',
      tech: 'karim',
      d: 2,
      complaint: 'Voyant moteur allumé, perte de puissance en côte.',
    },
    {
      key: 'd3',
      v: 2,
      target: 'delivered',
      tech: 'lucas',
      d: 4,
      hv: 'B1VL',
      complaint: 'Message « contrôler système hybride ».',
    },
    {
      key: 'd4',
      v: 5,
      target: 'delivered',
      tech: 'leo',
      d: 5,
      complaint: 'Vidange et révision des 100 000 km.',
    },
    {
      key: 'd5',
      v: 4,
      target: 'delivered',
      tech: 'lucas',
      d: 7,
      hv: 'B2VL',
      complaint: 'Autonomie en baisse, charge lente.',
    },
    {
      key: 'ready',
      v: 6,
      target: 'ready',
      tech: 'ines',
      d: 12,
      complaint: 'Climatisation ne refroidit plus.',
    },
    {
      key: 'qc',
      v: 3,
      target: 'quality_control',
      tech: 'lucas',
      d: 13,
      hv: 'B1VL',
      complaint: 'Bruit de roulement à droite.',
    },
    {
      key: 'repair',
      v: 1,
      target: 'repair',
      tech: 'karim',
      d: 14,
      complaint: 'Fuite d’huile sous le moteur.',
    },
    {
      key: 'wparts',
      v: 0,
      target: 'waiting_parts',
      tech: 'ines',
      d: 15,
      complaint: 'Amortisseur arrière gauche qui cogne.',
    },
    {
      key: 'parts',
      v: 5,
      target: 'parts',
      tech: 'emma',
      d: 16,
      complaint: 'Essuie-glaces et balais à changer, pneus usés.',
    },
    { key: 'approved', v: 6, target: 'approved', tech: 'leo', d: 17, complaint: 'Révision annuelle.' },
    {
      key: 'awaiting',
      v: 2,
      target: 'awaiting_approval',
      tech: 'lucas',
      d: 17,
      complaint: 'Bruit sourd dans le train arrière.',
    },
    {
      key: 'quote',
      v: 4,
      target: 'quote',
      tech: 'lucas',
      d: 18,
      hv: 'B1VL',
      complaint: 'Prise de charge qui chauffe.',
    },
    {
      key: 'diag',
      v: 0,
      target: 'diagnosis',
      tech: 'ines',
      d: 19,
      complaint: 'Démarrage difficile le matin.',
    },
    {
      key: 'reception',
      v: 1,
      target: 'reception',
      tech: 'karim',
      d: 19,
      complaint: 'Pédale d’embrayage dure.',
    },
    {
      key: 'booked',
      v: 3,
      target: 'booked',
      tech: 'lucas',
      d: 20,
      hv: 'B1VL',
      complaint: 'Contrôle batterie haute tension avant vente.',
    },
  ];
  const stepHours: Partial<Record<State, number>> = {
    booked: 0.5,
    reception: 0.4,
    diagnosis: 1.6,
    quote: 0.5,
    awaiting_approval: 3,
    approved: 0.4,
    parts: 1.5,
    waiting_parts: 20,
    repair: 2.8,
    quality_control: 0.5,
    ready: 4,
  };
  const clocked: { user: number; ro: number; from: number; to: number }[] = [];
  const orderIds: Record<string, number> = {};
  const kms = vehiclesIn.map((v) => v.km);
  const manager = users.chef!;

  for (const [i, p] of plans.entries()) {
    // Work hours 08:00–17:00 UTC; each step moves the pointer on, rolling to the next morning.
    let t = Math.min(day(p.d) + 8.5 * HOUR + (i % 3) * HOUR, now - 2 * HOUR);
    const advance = (h: number) => {
      t += h * HOUR;
      const inDay = t - Date.parse(`${isoDate(t)}T00:00:00Z`);
      if (inDay > 17 * HOUR) t += 15 * HOUR;
      t = Math.min(t, now - 5 * 60_000);
    };
    const tech = users[p.tech]!;
    const ro = await createOrder(
      store,
      site,
      { vehicleId: vehicleIds[p.v]!, complaint: p.complaint, hvRequirement: p.hv ?? null },
      manager,
      t,
    );
    orderIds[p.key] = ro.id;
    const targetIndex = PATH.indexOf(p.target === 'waiting_parts' ? 'parts' : p.target);
    for (let s = 1; s <= targetIndex; s++) {
      const to = PATH[s]!;
      const from = PATH[s - 1]!;
      const enteredAt = t;
      advance((stepHours[from] ?? 1) * (0.8 + ((i * 7 + s) % 5) / 10));
      if (from === 'diagnosis' || from === 'repair')
        clocked.push({ user: tech.id, ro: ro.id, from: enteredAt + 5 * 60_000, to: t });
      if (to === 'reception') {
        kms[p.v]! += 300 + i * 50;
        await receiveVehicle(
          store,
          site,
          ro.id,
          { complaint: p.complaint, odometerKm: kms[p.v]!, condition: 'RAS, carburant 1/2' },
          manager,
          t,
        );
        await assignOrder(store, site, ro.id, tech.id, manager, t);
      } else if (to === 'approved') {
        const lines = await store.all<{ id: number }>('SELECT id FROM ro_lines WHERE ro_id = ? ORDER BY id', [
          ro.id,
        ]);
        // Every third order is approved in part: the last line is declined and kept as deferred work.
        const approved = i % 3 === 0 && lines.length > 1 ? lines.slice(0, -1) : lines;
        await approveQuote(
          store,
          site,
          ro.id,
          { approvedLineIds: approved.map((l) => l.id), followupOn: isoDate(now + 30 * DAY) },
          manager,
          t,
        );
      } else {
        if (to === 'quote' || to === 'awaiting_approval') {
          if (to === 'quote') {
            await addLine(store, site, ro.id, {
              kind: 'labour',
              description: 'Diagnostic et contrôle',
              soldHours: 1,
            });
            await addLine(store, site, ro.id, {
              kind: 'labour',
              description: 'Remplacement / réparation',
              soldHours: 2.5 + (i % 3) * 0.5,
            });
            await addLine(store, site, ro.id, {
              kind: 'part',
              description: 'Pièces et ingrédients',
              priceCents: 8900 + i * 1000,
            });
            await addLine(store, site, ro.id, {
              kind: 'labour',
              description: 'Travaux conseillés (non urgents)',
              soldHours: 1.2,
            });
          }
        }
        await transitionOrder(
          store,
          site,
          ro.id,
          to,
          to === 'quote' || to === 'diagnosis' || to === 'repair' ? tech : manager,
          t,
        );
      }
    }
    if (p.target === 'waiting_parts') {
      advance(1);
      await transitionOrder(store, site, ro.id, 'waiting_parts', tech, t, 'fournisseur : J+2');
    }
  }
  // Routine jobs (service, tyres, brakes): one afternoon per mechanic and working day, delivered the same day.
  const routine = [
    'Révision constructeur',
    'Remplacement pneus avant',
    'Plaquettes et disques avant',
    'Vidange + filtres',
    'Courroie accessoires',
  ];
  const mechanics = ['lucas', 'ines', 'karim', 'leo', 'emma'];
  let n = 0;
  for (let d = 0; d <= 19; d++) {
    const wd = new Date(day(d)).getUTCDay();
    if (wd === 0 || wd === 6 || day(d) + 17 * HOUR > now) continue;
    for (const login of mechanics) {
      n++;
      const tech = users[login]!;
      const v = [0, 1, 5, 6][n % 4]!;
      let t = day(d) + 13 * HOUR;
      const step = (ms: number) => {
        t += ms;
        return t;
      };
      const ro = await createOrder(
        store,
        site,
        { vehicleId: vehicleIds[v]!, complaint: routine[n % routine.length]! },
        manager,
        t,
      );
      kms[v]! += 40;
      await receiveVehicle(
        store,
        site,
        ro.id,
        { complaint: routine[n % routine.length]!, odometerKm: kms[v]!, condition: 'RAS' },
        manager,
        step(5 * 60_000),
      );
      await assignOrder(store, site, ro.id, tech.id, manager, t);
      await transitionOrder(store, site, ro.id, 'diagnosis', tech, step(5 * 60_000));
      const sold = 2.5 + (n % 4) * 0.25;
      await addLine(store, site, ro.id, {
        kind: 'labour',
        description: routine[n % routine.length]!,
        soldHours: sold,
      });
      await addLine(store, site, ro.id, {
        kind: 'part',
        description: 'Pièces',
        priceCents: 12000 + (n % 7) * 1500,
      });
      const diagEnd = t + (0.2 + (n % 3) * 0.1) * HOUR;
      clocked.push({ user: tech.id, ro: ro.id, from: t, to: diagEnd });
      t = diagEnd;
      await transitionOrder(store, site, ro.id, 'quote', tech, t);
      await transitionOrder(store, site, ro.id, 'awaiting_approval', manager, step(5 * 60_000));
      const lineIds = (
        await store.all<{ id: number }>('SELECT id FROM ro_lines WHERE ro_id = ?', [ro.id])
      ).map((l) => l.id);
      await approveQuote(store, site, ro.id, { approvedLineIds: lineIds }, manager, step(10 * 60_000));
      await transitionOrder(store, site, ro.id, 'repair', manager, step(5 * 60_000));
      // Apprentices take longer than the sold time, experienced technicians a little less.
      const worked = sold * (users[login]!.role === 'apprentice' ? 1.25 : 0.92) * HOUR;
      clocked.push({ user: tech.id, ro: ro.id, from: t, to: t + worked });
      await transitionOrder(store, site, ro.id, 'quality_control', tech, step(worked));
      await transitionOrder(store, site, ro.id, 'ready', manager, step(10 * 60_000));
      await transitionOrder(store, site, ro.id, 'delivered', manager, step(30 * 60_000));
    }
  }

  // A comeback on the diesel, opened two days after delivery.
  const cb = await openComeback(
    store,
    site,
    orderIds.d2!,
    'Le voyant moteur est revenu.',
    manager,
    Math.min(day(9) + 9 * HOUR, now - HOUR),
  );
  orderIds.comeback = cb.id;

  // Attendance for every mechanic on weekdays, 08:00–12:00 and 13:00–17:00 UTC, operations as recorded above.
  await store.transaction(async (tx) => {
    for (const login of ['lucas', 'ines', 'karim', 'leo', 'emma']) {
      const u = users[login]!;
      for (let d = 0; d <= 20; d++) {
        const wd = new Date(day(d)).getUTCDay();
        if (wd === 0 || wd === 6) continue;
        for (const [a, b] of [
          [8, 12],
          [13, 17],
        ] as const) {
          const from = day(d) + a * HOUR;
          const to = Math.min(day(d) + b * HOUR, now);
          if (from >= now) continue;
          await tx.run(
            "INSERT INTO clock_entries (site_id, user_id, kind, start_at, end_at) VALUES (?, ?, 'attendance', ?, ?)",
            [site, u.id, from, to],
          );
        }
        // Apprentices spend time in training: non-productive.
        if (u.role === 'apprentice' && day(d) + 15 * HOUR < now)
          await tx.run(
            "INSERT INTO clock_entries (site_id, user_id, kind, code, start_at, end_at) VALUES (?, ?, 'nonprod', 'training', ?, ?)",
            [site, u.id, day(d) + 15 * HOUR, day(d) + 16 * HOUR],
          );
      }
    }
    for (const c of clocked)
      if (c.to > c.from)
        await tx.run(
          "INSERT INTO clock_entries (site_id, user_id, kind, ro_id, start_at, end_at) VALUES (?, ?, 'operation', ?, ?, ?)",
          [site, c.user, c.ro, c.from, c.to],
        );
  });
  // Issue 10: a class, a scenario assigned to it, finished and ongoing diagnostic sessions.
  await seedTraining(store, users, orderIds, now);
  return { users, vehicleIds, orderIds };
}
