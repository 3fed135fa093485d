/** JSON Schemas shared by routes: they validate input, shape output and feed the OpenAPI document. */
import { STATES } from '../services/domain.js';
import { SYMBOLS } from '../services/habilitations.js';

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, field: { type: 'string' } },
} as const;

const nullableInt = { type: ['integer', 'null'] } as const;
const nullableStr = { type: ['string', 'null'] } as const;

export const orderSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
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
    created_at: { type: 'integer' },
    state_since: { type: 'integer' },
  },
} as const;

export const lineSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    description: { type: 'string' },
    sold_hours: { type: 'number' },
    price_cents: { type: 'integer' },
    status: { type: 'string' },
    followup_on: nullableStr,
  },
} as const;

export const eventSchema = {
  type: 'object',
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
  properties: {
    ...orderSchema.properties,
    vehicle: {
      type: 'object',
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
  },
} as const;

export const boardCardSchema = {
  type: 'object',
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
  },
} as const;

export const csrfProp = { _csrf: { type: 'string', maxLength: 100 } } as const;
export const symbolEnum = { type: 'string', enum: [...SYMBOLS, ''] } as const;
export const okSchema = { type: 'object', properties: { ok: { type: 'boolean' } } } as const;
