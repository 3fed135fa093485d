/** JSON Schemas shared by routes: they validate input, shape output and feed the OpenAPI document. */
import { STATES } from '../services/domain.js';
import { SYMBOLS } from '../services/habilitations.js';

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/** What every refusal of the JSON API carries: the message in the user's language, the field named. */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: { type: 'string' },
    field: { type: 'string' },
    /** An adapter problem's code (`unreachable`, `no-vehicle`…), on diagnostic sessions. */
    problem: { type: 'string' },
    /** What the failing layer said (which ECU, which frame was due), in the reader's language. */
    detail: { type: 'string' },
  },
} as const;

// ——— Responses: every route declares what it answers, so the OpenAPI document says it too ———

/** A server-rendered page (French first; `?lang=en` for English). */
export const htmlPage = {
  description: 'page HTML / HTML page',
  content: { 'text/html': { schema: { type: 'string' } } },
} as const;

/** The answer of a form: 303 See Other to the page that shows the result. */
export const seeOther = (where: string) =>
  ({ description: `303 See Other → ${where}`, type: 'null' }) as const;

/** Refusals of a JSON route (4xx) and failures (5xx): `{ error, field? }`. */
export const apiErrors = { '4xx': errorSchema, '5xx': errorSchema } as const;

/**
 * Refusals of a page or a form: an error page, or `{ error }` in JSON when the request was not a
 * browser's (401 to a POST without login).
 */
const pageError = {
  description: "page d'erreur / error page",
  content: { 'text/html': { schema: { type: 'string' } }, 'application/json': { schema: errorSchema } },
} as const;
export const pageErrors = { '4xx': pageError, '5xx': pageError } as const;

/** A page's responses: the page, or an error page. */
export const pageResponses = { 200: htmlPage, ...pageErrors } as const;
/** A form's responses: back to a page, or an error page. */
export const formResponses = (where: string) => ({ 303: seeOther(where), ...pageErrors }) as const;

const nullableInt = { type: ['integer', 'null'] } as const;
const nullableStr = { type: ['string', 'null'] } as const;

export const orderSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    site_id: { type: 'integer' },
    number: { type: 'string' },
    vehicle_id: { type: 'integer' },
    customer_id: nullableInt,
    state: { type: 'string', enum: [...STATES] },
    complaint: { type: 'string' },
    odometer_km: nullableInt,
    condition_notes: { type: 'string' },
    diagnosis_notes: { type: 'string' },
    hv_requirement: nullableStr,
    assigned_to: nullableInt,
    comeback_of: nullableInt,
    /** The appointment (epoch ms), or null for a car that came without one. */
    booked_for: nullableInt,
    /** The appointment's duration in minutes as typed; null: the quote's labour hours, or one hour. */
    booked_minutes: nullableInt,
    /** When the car was promised back to the customer (epoch ms), or null. */
    promised_for: nullableInt,
    created_at: { type: 'integer' },
    state_since: { type: 'integer' },
    /** diagnostic (a fault to find: diagnosed before the quote) or service (known work). */
    kind: { type: 'string' },
    quote_sent_at: nullableInt,
    quote_valid_until: nullableStr,
    /** The customer's choice about circular-economy parts: piec or new. */
    piec_choice: nullableStr,
    diagnosis_session_id: nullableInt,
  },
} as const;

export const lineSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    description: { type: 'string' },
    sold_hours: { type: 'number' },
    /** The line's net amount excluding VAT, in cents (quantity × unit price, rounded). */
    price_cents: { type: 'integer' },
    status: { type: 'string' },
    followup_on: nullableStr,
    /** Thousandths: 1500 = 1.5 h. */
    quantity_milli: { type: 'integer' },
    unit: { type: 'string' },
    unit_price_cents: { type: 'integer' },
    /** Basis points: 2000 = 20 %. */
    vat_rate_bp: { type: 'integer' },
    part_ref: { type: 'string' },
    part_origin: nullableStr,
    labour_rate_id: nullableInt,
    time_basis: nullableStr,
    schedule_ref: { type: 'string' },
    hv_work: { type: 'string' },
    source: { type: 'string' },
  },
} as const;

/** Totals in euros (two decimals): excluding VAT, VAT, including VAT. */
export const totalsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ht', 'tva', 'ttc'],
  properties: { ht: { type: 'number' }, tva: { type: 'number' }, ttc: { type: 'number' } },
} as const;

export const eventSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from_state: nullableStr,
    to_state: { type: 'string' },
    user_id: nullableInt,
    user_name: nullableStr,
    at: { type: 'integer' },
    note: { type: 'string' },
  },
} as const;

export const orderDetailSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...orderSchema.properties,
    vehicle: {
      type: 'object',
      additionalProperties: false,
      properties: {
        vin: { type: 'string' },
        plate: { type: 'string' },
        maker: { type: 'string' },
        model: { type: 'string' },
        model_year: nullableInt,
        energy: { type: 'string' },
      },
    },
    customer_name: nullableStr,
    assignee_name: nullableStr,
    comeback_number: nullableStr,
    lines: { type: 'array', items: lineSchema },
    events: { type: 'array', items: eventSchema },
    /** The quote's totals: every line not declined. */
    totals: totalsSchema,
    /** The invoice that stands for the order, once invoiced; null before (or after a credit note). */
    invoice: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: {
        id: { type: 'integer' },
        number: { type: 'string' },
        issued_at: { type: 'integer' },
        issue_date: { type: 'string' },
        totals: totalsSchema,
      },
    },
  },
} as const;

/**
 * A technician's absence that falls in an appointment given before it was entered: who, why, from
 * which half-day to which (`morning` / `afternoon`); null when none.
 */
export const absenceClashSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    user_id: { type: 'integer' },
    user_name: { type: 'string' },
    kind: { type: 'string' },
    from_day: { type: 'string' },
    from_half: { type: 'string', enum: ['morning', 'afternoon'] },
    to_day: { type: 'string' },
    to_half: { type: 'string', enum: ['morning', 'afternoon'] },
  },
} as const;

export const boardCardSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    number: { type: 'string' },
    state: { type: 'string' },
    state_since: { type: 'integer' },
    plate: { type: 'string' },
    maker: { type: 'string' },
    model: { type: 'string' },
    energy: { type: 'string' },
    hv_requirement: nullableStr,
    assignee_name: nullableStr,
    complaint: { type: 'string' },
    comeback_of: nullableInt,
    /** The appointment (epoch ms) and its duration in minutes: typed, else the quote's labour, else 60. */
    booked_for: nullableInt,
    duration_minutes: nullableInt,
    /** When the car was promised back to the customer (epoch ms). */
    promised_for: nullableInt,
    /** The appointment has passed and the car is not received. */
    late_appointment: { type: 'boolean' },
    /** The promised delivery has passed and the car is not delivered. */
    late_delivery: { type: 'boolean' },
    /** The technician's absence falling in the appointment (car not received yet), null when none. */
    absence: absenceClashSchema,
  },
} as const;

/** Who a user is: id, login, name, role. */
export const userSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    login: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
  },
} as const;

export const csrfProp = { _csrf: { type: 'string', maxLength: 100 } } as const;
/** The body of a form that carries nothing but its CSRF token. */
export const csrfOnly = { type: 'object', properties: csrfProp } as const;
export const symbolEnum = { type: 'string', enum: [...SYMBOLS, ''] } as const;
export const okSchema = {
  type: 'object',
  required: ['ok'],
  properties: { ok: { type: 'boolean' } },
  additionalProperties: false,
} as const;
