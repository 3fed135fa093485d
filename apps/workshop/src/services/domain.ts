import type { Text } from '../i18n.js';

/** The roles a person holds on a site of the group (one per site they belong to). */
export const SITE_ROLES = ['apprentice', 'technician', 'manager', 'instructor', 'admin'] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

/**
 * The roles a request acts with: the person's role on the current site, or `director` — the group's
 * after-sales director, who sees every site's board and KPIs side by side and changes nothing. A
 * group administrator acts as `admin` on every site.
 */
export const ROLES = [...SITE_ROLES, 'director'] as const;
export type Role = (typeof ROLES)[number];

export const GROUP_ROLES = ['director', 'admin'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export const ROLE_LABEL: Record<Role, Text> = {
  apprentice: { fr: 'Apprenti', en: 'Apprentice' },
  technician: { fr: 'Technicien', en: 'Technician' },
  manager: { fr: "Chef d'atelier", en: 'Workshop manager' },
  instructor: { fr: 'Formateur', en: 'Instructor' },
  admin: { fr: 'Administrateur', en: 'Administrator' },
  director: { fr: 'Directeur après-vente', en: 'After-sales director' },
};

/**
 * The French workshop process for an "ordre de réparation". `waiting_parts` and `comeback` are the
 * side states: the first can interrupt parts/repair, the second opens a new order linked to a
 * delivered one (retour atelier).
 */
export const STATES = [
  'booked',
  'comeback',
  'reception',
  'diagnosis',
  'quote',
  'awaiting_approval',
  'approved',
  'parts',
  'waiting_parts',
  'repair',
  'quality_control',
  'ready',
  'delivered',
] as const;
export type State = (typeof STATES)[number];

export const STATE_LABEL: Record<State, Text> = {
  booked: { fr: 'Rendez-vous', en: 'Booked' },
  comeback: { fr: 'Retour atelier', en: 'Comeback' },
  reception: { fr: 'Réception', en: 'Reception' },
  diagnosis: { fr: 'Diagnostic', en: 'Diagnosis' },
  quote: { fr: 'Devis', en: 'Quote' },
  awaiting_approval: { fr: 'Attente accord client', en: 'Awaiting approval' },
  approved: { fr: 'Accordé', en: 'Approved' },
  parts: { fr: 'Pièces', en: 'Parts' },
  waiting_parts: { fr: 'Attente pièces', en: 'Waiting for parts' },
  repair: { fr: 'Réparation', en: 'Repair' },
  quality_control: { fr: 'Contrôle qualité', en: 'Quality control' },
  ready: { fr: 'Prêt', en: 'Ready' },
  delivered: { fr: 'Livré / facturé', en: 'Delivered / invoiced' },
};

/** Allowed moves. Reception and approval carry data, so they have their own service calls. */
export const TRANSITIONS: Record<State, State[]> = {
  booked: ['reception'],
  comeback: ['reception'],
  // a service order (known work) may be quoted at once; a diagnostic one is diagnosed first
  reception: ['diagnosis', 'quote'],
  diagnosis: ['quote'],
  quote: ['awaiting_approval'],
  awaiting_approval: ['approved', 'quote'],
  approved: ['parts', 'repair'],
  parts: ['repair', 'waiting_parts'],
  waiting_parts: ['parts', 'repair'],
  repair: ['quality_control', 'waiting_parts'],
  quality_control: ['ready', 'repair'],
  ready: ['delivered'],
  delivered: [],
};

export type Energy = 'petrol' | 'diesel' | 'hybrid' | 'ev';
export const ENERGIES: Energy[] = ['petrol', 'diesel', 'hybrid', 'ev'];
export const ENERGY_LABEL: Record<Energy, Text> = {
  petrol: { fr: 'Essence', en: 'Petrol' },
  diesel: { fr: 'Diesel', en: 'Diesel' },
  hybrid: { fr: 'Hybride', en: 'Hybrid' },
  ev: { fr: 'Électrique', en: 'Electric' },
};
export const isHighVoltage = (e: Energy): boolean => e === 'hybrid' || e === 'ev';

/** Non-productive clocking codes (temps improductifs). */
export const NONPROD_CODES = ['training', 'cleaning', 'waiting', 'meeting', 'vehicle_moves'] as const;
export type NonProdCode = (typeof NONPROD_CODES)[number];
export const NONPROD_LABEL: Record<NonProdCode, Text> = {
  training: { fr: 'Formation', en: 'Training' },
  cleaning: { fr: 'Nettoyage / rangement', en: 'Cleaning / tidying' },
  waiting: { fr: 'Attente travail', en: 'Waiting for work' },
  meeting: { fr: 'Réunion', en: 'Meeting' },
  vehicle_moves: { fr: 'Mouvements véhicules', en: 'Vehicle moves' },
};
