import { deflateSync } from 'node:zlib';
import { crc32 } from './services/crc32.js';
import { createCustomer, createVehicle } from './services/customers.js';
import type { SiteRole, State } from './services/domain.js';
import { grantHabilitation, isoDate } from './services/habilitations.js';
import type { HvWork } from './services/hv.js';
import { issueCreditNote, issueInvoice } from './services/invoices.js';
import {
  approveQuote,
  assignOrder,
  createOrder,
  openComeback,
  receiveVehicle,
  setDiagnosisNotes,
  transitionOrder,
} from './services/orders.js';
import { PastAppointments, seedAppointments, seedPromises } from './services/planning-seed.js';
import { qualityStatus, recordQualityChecks } from './services/quality.js';
import { type AgreementMethod, addLine } from './services/quotes.js';
import { seedTraining } from './services/training-seed.js';
import { createUser, getUser, setGroupRole, type User } from './services/users.js';
import { saveRate, updateProfile } from './services/workshop-profile.js';
import type { Store } from './store/store.js';

/**
 * The built-in demo: a small workshop with its identity and posted rates, people and habilitations
 * (one expiring soon, one expired), customers with addresses (one a business), vehicles including a
 * hybrid and two EVs, repair orders in every state — quoted, agreed (signature, phone, e-mail),
 * clocked, quality-checked and invoiced as the process asks, one invoice corrected by a credit
 * note — and three weeks of clocking, all dated relative to `now` so the KPIs are never empty.
 * Every demo account's password is DEMO_PASSWORD.
 */
export const DEMO_PASSWORD = 'atelier-demo';
/** The demo workshop's SIRET and VAT number: made up, but they pass their checks (Luhn, VAT key). */
export const DEMO_SIRET = '12345678200028';
export const DEMO_VAT = 'FR11123456782';

/** A signature as the tablet's canvas gives it: a PNG (grey scribble on white), made here. */
export function signaturePng(seed: number): string {
  const w = 160;
  const h = 48;
  const rows: number[] = [];
  for (let y = 0; y < h; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < w; x++) {
      const curve = h / 2 + Math.sin((x + seed * 7) / 9) * 12 * Math.sin(x / 37 + seed);
      rows.push(Math.abs(y - curve) < 1.6 && x > 8 && x < w - 8 ? 40 : 255);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

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
  // The battery option: the site's one person who may open a traction battery (pack-opened tests).
  await hab('lucas', 'B2XL', yearsAgo(1));
  await hab('ines', 'B1VL', yearsAgo(3, 40)); // renewal due in about 40 days: shows as an alert
  await hab('karim', 'B1VL', yearsAgo(3, -20)); // expired 20 days ago
  await hab('leo', 'B0L', yearsAgo(0, -60));
  await hab('emma', 'B0L', yearsAgo(0, -10));

  const customers = [];
  for (const [name, phone, email, line1, postcode, city, business] of [
    [
      'Jeanne Lefèvre',
      '06 12 34 56 78',
      'jeanne.lefevre@example.fr',
      '14 rue Garibaldi',
      '69006',
      'Lyon',
      '',
    ],
    [
      'Marc Garnier',
      '06 98 76 54 32',
      'marc.garnier@example.fr',
      '2 chemin des Vignes',
      '69290',
      'Craponne',
      '',
    ],
    [
      'Société Transports Rhône',
      '04 78 00 00 00',
      'atelier@transports-rhone.example',
      '85 avenue Tony Garnier',
      '69007',
      'Lyon',
      'yes',
    ],
    ['Nadia Benali', '07 11 22 33 44', '', '9 place Guichard', '69003', 'Lyon', ''],
    [
      'Pierre Fontaine',
      '06 55 44 33 22',
      'p.fontaine@example.fr',
      '31 rue Victor Hugo',
      '69600',
      'Oullins',
      '',
    ],
  ])
    customers.push(
      await createCustomer(
        store,
        site,
        {
          name: name!,
          phone,
          email,
          addressLine1: line1,
          postcode,
          city,
          isBusiness: business === 'yes',
          // made-up numbers that pass their checks (Luhn, VAT key)
          siret: business ? '98765432400001' : undefined,
          vatId: business ? 'FR14987654324' : undefined,
        },
        start - 10 * DAY,
      ),
    );

  // The workshop's identity on its documents, and its posted hourly rates (excl. VAT).
  await updateProfile(
    store,
    site,
    {
      legal_name: 'Garage des Apprentis SARL',
      trading_name: 'Atelier des Apprentis',
      legal_form: 'SARL au capital de 20 000 €',
      siret: DEMO_SIRET,
      vat_id: DEMO_VAT,
      register: 'RCS Lyon 123 456 782',
      address_line1: '12 rue des Ateliers',
      postcode: '69007',
      city: 'Lyon',
      phone: '04 72 00 00 00',
      email: 'atelier@apprentis.example',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'AGRIFRPP',
      payment_days: 0,
      quote_validity_days: 30,
      time_billing: 'schedule',
      mediator: 'Médiateur du CNPA/Mobilians, 43 bis route de Vaugirard, 92197 Meudon',
    },
    users.admin!.id,
    start - 30 * DAY,
  );
  const rates: Record<string, number> = {};
  for (const [code, fr, en, cents] of [
    ['T1', 'Mécanique', 'Mechanics', 6500],
    ['T2', 'Électricité / électronique', 'Electrics / electronics', 7500],
    ['T3', 'Haute tension (véhicules électrifiés)', 'High voltage (electrified vehicles)', 9000],
    ['DIAG', 'Diagnostic', 'Diagnosis', 8000],
  ] as const)
    rates[code] = (await saveRate(store, site, { code, labelFr: fr, labelEn: en, rateCents: cents })).id;

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
    /** What the quote's labour does to the HV system (the requirement is derived from it). */
    hv?: HvWork[];
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
      hv: ['hv_lockout', 'hv_deenergised'],
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
      hv: ['hv_lockout', 'hv_deenergised'],
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
      hv: ['hv_lockout', 'hv_deenergised'],
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
  const orderIds: Record<string, number> = {};
  const kms = vehiclesIn.map((v) => v.km);
  const manager = users.chef!;
  // Work clocked on an order, recorded at once: leaving repair for quality control checks it.
  const clockOn = (user: number, ro: number, from: number, to: number) =>
    to > from
      ? store.run(
          "INSERT INTO clock_entries (site_id, user_id, kind, ro_id, start_at, end_at) VALUES (?, ?, 'operation', ?, ?, ?)",
          [site, user, ro, from, to],
        )
      : Promise.resolve();
  const methods: AgreementMethod[] = ['signature', 'phone', 'email'];
  /** The customer's agreement, as it was given: signed on the tablet, by phone or by e-mail. */
  const agree = async (roId: number, lineIds: number[], i: number, at: number, followupOn?: string) => {
    const method = methods[i % 3]!;
    const parts = await store.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM ro_lines WHERE ro_id = ? AND kind = 'part'",
      [roId],
    );
    await approveQuote(
      store,
      site,
      roId,
      {
        approvedLineIds: lineIds,
        followupOn,
        method,
        signerName: 'Le client',
        signature: method === 'signature' ? signaturePng(i) : undefined,
        reference:
          method === 'phone'
            ? 'appel au numéro de la fiche client, accord du client lui-même'
            : method === 'email'
              ? `e-mail du client « Accord pour le devis » du ${isoDate(at)}`
              : undefined,
        piecChoice: Number(parts?.n) ? (i % 2 ? 'piec' : 'new') : undefined,
        agreedAt: at,
      },
      manager,
      at,
    );
  };
  /** The quality-control checklist passed, item by item, and the order ready. */
  const passQualityControl = async (roId: number, at: number, checker: User) => {
    const qc = await qualityStatus(store, site, roId);
    await recordQualityChecks(
      store,
      site,
      roId,
      qc.items.map((item) => ({ item: item.id, result: 'ok' })),
      checker,
      at,
    );
    await transitionOrder(store, site, roId, 'ready', manager, at);
  };

  const diary = new PastAppointments();
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
    // booked for a morning at or before it came in: the planning of past weeks shows it
    const ro = await createOrder(
      store,
      site,
      {
        vehicleId: vehicleIds[p.v]!,
        complaint: p.complaint,
        bookedFor: diary.morning(p.tech, t, 8 * 60 + (i % 3) * 30),
      },
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
      if (from === 'diagnosis' || from === 'repair') await clockOn(tech.id, ro.id, enteredAt + 5 * 60_000, t);
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
        await agree(
          ro.id,
          approved.map((l) => l.id),
          i,
          t,
          isoDate(now + 30 * DAY),
        );
      } else {
        if (to === 'quote') {
          const hv = p.hv ?? [];
          if (hv.includes('hv_lockout'))
            await addLine(store, site, ro.id, {
              kind: 'labour',
              description: 'Consignation et déconsignation du système haute tension',
              rateId: rates.T3,
              hours: 0.5,
              hvWork: 'hv_lockout',
            });
          await addLine(store, site, ro.id, {
            kind: 'labour',
            description: 'Diagnostic et contrôle',
            rateId: rates.DIAG,
            hours: 1,
            timeBasis: 'actual',
          });
          await addLine(store, site, ro.id, {
            kind: 'labour',
            description: hv.includes('hv_deenergised')
              ? 'Remplacement du composant haute tension'
              : 'Remplacement / réparation',
            rateId: hv.includes('hv_deenergised') ? rates.T3 : rates.T1,
            hours: 2.5 + (i % 3) * 0.5,
            scheduleRef: `BAR-${1000 + i * 17}`,
            hvWork: hv.includes('hv_deenergised') ? 'hv_deenergised' : 'none',
          });
          await addLine(store, site, ro.id, {
            kind: 'part',
            description: 'Pièces et ingrédients',
            partRef: `REF-${4400 + i}`,
            quantity: 1,
            unitPriceCents: 8900 + i * 1000,
            origin: i % 4 === 1 ? 'exchange' : 'new',
          });
          await addLine(store, site, ro.id, {
            kind: 'labour',
            description: 'Travaux conseillés (non urgents)',
            rateId: rates.T1,
            hours: 1.2,
          });
          await setDiagnosisNotes(
            store,
            site,
            ro.id,
            `Constat : ${p.complaint.replace(/\.$/, '')} — cause identifiée à l’essai et au contrôle.`,
          );
        }
        if (to === 'ready') await passQualityControl(ro.id, t, manager);
        else if (to === 'delivered') {
          await issueInvoice(store, site, ro.id, manager, t);
          await transitionOrder(store, site, ro.id, to, manager, t);
        } else
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
  // An invoice corrected: the first one went out with the customer's old address; a credit note
  // cancels it and the order is invoiced again.
  {
    const first = await store.get<{ id: number; issued_at: number }>(
      "SELECT id, issued_at FROM invoices WHERE ro_id = ? AND kind = 'invoice'",
      [orderIds.d1!],
    );
    await issueCreditNote(
      store,
      site,
      first!.id,
      'adresse de facturation erronée',
      manager,
      first!.issued_at + HOUR,
    );
    await issueInvoice(store, site, orderIds.d1!, manager, first!.issued_at + 2 * HOUR);
  }
  // Issue 19: the cars in the workshop were promised back on a day; two of those days have passed.
  await seedPromises(
    store,
    manager,
    ['ready', 'qc', 'repair', 'wparts', 'parts', 'approved'].map((k) => orderIds[k]!),
    now,
  );
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
      const job = routine[n % routine.length]!;
      // known work: a service order, quoted at once after a quick check
      const ro = await createOrder(
        store,
        site,
        { vehicleId: vehicleIds[v]!, complaint: job, kind: 'service', bookedFor: diary.afternoon(login, t) },
        manager,
        t,
      );
      kms[v]! += 40;
      await receiveVehicle(
        store,
        site,
        ro.id,
        { complaint: job, odometerKm: kms[v]!, condition: 'RAS' },
        manager,
        step(5 * 60_000),
      );
      await assignOrder(store, site, ro.id, tech.id, manager, t);
      await transitionOrder(store, site, ro.id, 'diagnosis', tech, step(5 * 60_000));
      const sold = 2.5 + (n % 4) * 0.25;
      await addLine(store, site, ro.id, { kind: 'labour', description: job, rateId: rates.T1, hours: sold });
      await addLine(store, site, ro.id, {
        kind: 'part',
        description: 'Pièces',
        partRef: `KIT-${200 + (n % 7)}`,
        quantity: 1,
        unitPriceCents: 12000 + (n % 7) * 1500,
      });
      const diagEnd = t + (0.2 + (n % 3) * 0.1) * HOUR;
      await clockOn(tech.id, ro.id, t, diagEnd);
      t = diagEnd;
      await transitionOrder(store, site, ro.id, 'quote', tech, t);
      await transitionOrder(store, site, ro.id, 'awaiting_approval', manager, step(5 * 60_000));
      const lineIds = (
        await store.all<{ id: number }>('SELECT id FROM ro_lines WHERE ro_id = ?', [ro.id])
      ).map((l) => l.id);
      await agree(ro.id, lineIds, n, step(10 * 60_000));
      await transitionOrder(store, site, ro.id, 'repair', manager, step(5 * 60_000));
      // Apprentices take longer than the sold time, experienced technicians a little less.
      const worked = sold * (users[login]!.role === 'apprentice' ? 1.25 : 0.92) * HOUR;
      await clockOn(tech.id, ro.id, t, t + worked);
      await transitionOrder(store, site, ro.id, 'quality_control', tech, step(worked));
      await passQualityControl(ro.id, step(10 * 60_000), manager);
      await issueInvoice(store, site, ro.id, manager, step(20 * 60_000));
      await transitionOrder(store, site, ro.id, 'delivered', manager, step(10 * 60_000));
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
  });
  // Issue 19: the coming appointments of the planning, one overlap among them.
  const booked = await seedAppointments(store, users, vehicleIds, now);
  orderIds.appointment = booked[0]!;
  // Issue 10: a class, a scenario assigned to it, finished and ongoing diagnostic sessions.
  await seedTraining(store, users, orderIds, now);
  return { users, vehicleIds, orderIds };
}
