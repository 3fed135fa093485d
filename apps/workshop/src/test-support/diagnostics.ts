/**
 * Test support for diagnostic sessions: a multipart body builder, a simulated car behind the ELM327
 * emulator on TCP (as a Wi-Fi adapter would be), an ELM327 transcript recorded from one, forms
 * posted as a browser does, and a training assignment started by its apprentice.
 */
import { randomBytes } from 'node:crypto';
import { Elm327Emulator, Elm327Link, openTcp, serveTcp, type TcpService, Transcript } from '@atelier/elm327';
import { FUNCTIONAL } from '@atelier/obd';
import { loadScenario, Vehicle } from '@atelier/vehicle-sim';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { AdapterDiscovery } from '../services/adapter-offer.js';
import type { TestApp } from '../testing.js';

/** A machine with these serial ports (paths) and CAN interfaces, as the adapter discovery sees it. */
export function offering(found: { serial?: string[]; can?: string[] }): AdapterDiscovery {
  return {
    serialPorts: () =>
      (found.serial ?? []).map((path) => ({
        path,
        label: path.split('/').pop()!,
        kind: 'usb' as const,
        adapter: `elm327:${path}`,
      })),
    canInterfaces: () => (found.can ?? []).map((name) => ({ name, adapter: `socketcan:${name}` })),
  };
}

export function multipart(
  fields: Record<string, string>,
  file?: { name: string; content: Buffer | string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----atelier${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
      ),
    );
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Uploads a recording file as `login` does from the training page (JSON answer). */
export async function uploadRecording(
  t: TestApp,
  name: string,
  content: Buffer | string,
  login = 'formateur',
) {
  const a = await t.as(login);
  const body = multipart({ _csrf: a.csrf }, { name, content });
  return t.app.inject({
    method: 'POST',
    url: '/training/recordings',
    headers: { cookie: a.cookie, accept: 'application/json', ...body.headers },
    payload: body.payload,
  });
}

/** A built-in scenario's car served by the ELM327 emulator on a loopback TCP port. */
export async function emulatedCar(
  scenario: string,
  opts: { vin?: string } = {},
): Promise<{ spec: string; tcp: TcpService; close(): Promise<void> }> {
  const s = loadScenario(scenario);
  // The scenario's car, with another VIN when asked (to stand for a customer's car on an order).
  const responder = Vehicle.fromScenario(opts.vin ? { ...s, vin: opts.vin } : s);
  const emulator = new Elm327Emulator({ responder, baud: 0, latencyMs: 1 });
  const tcp = await serveTcp(emulator, { port: 0 });
  return {
    spec: `127.0.0.1:${tcp.port}`,
    tcp,
    close: async () => {
      emulator.close();
      await tcp.close();
    },
  };
}

/** An ELM327 transcript of a short session on a scenario: VIN, DTCs, status and a few PIDs. */
export async function recordTranscript(scenario: string): Promise<string> {
  const car = await emulatedCar(scenario);
  const transcript = new Transcript();
  const link = await Elm327Link.connect({
    open: () => openTcp('127.0.0.1', car.tcp.port),
    transcript,
    protocol: '6',
  });
  try {
    for (const data of [
      [0x01, 0x00],
      [0x01, 0x20],
      [0x01, 0x40],
      [0x09, 0x02],
      [0x03],
      [0x07],
      [0x0a],
      [0x01, 0x01],
      [0x01, 0x0c, 0x0d, 0x05],
      [0x01, 0x0c],
      [0x01, 0x0c],
      [0x01, 0x0c],
    ])
      await link.request({ target: FUNCTIONAL, data: Uint8Array.from(data) }).catch(() => {});
  } finally {
    await link.close();
    await car.close();
  }
  return transcript.toString();
}

/** Waits (real time) until `cond` holds. */
export async function until(
  what: string,
  cond: () => Promise<boolean> | boolean,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A form body as a browser sends it, with the CSRF token. */
export function form(csrf: string, fields: Record<string, string | string[]> = {}): string {
  const p = new URLSearchParams({ _csrf: csrf });
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

/**
 * The admin declares `HOST:PORT` as a Wi-Fi adapter (through the API, as the Adapters page does);
 * the value to choose it in the session form comes back.
 */
export async function declareAdapter(t: TestApp, spec: string, name = `ELM327 ${spec}`): Promise<string> {
  const m = /^(.+):(\d+)$/.exec(spec)!;
  const res = await t.inject('admin', {
    method: 'POST',
    url: '/api/adapters/tcp',
    payload: { name, host: m[1]!, port: Number(m[2]) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return `tcp:${res.json().id}`;
}

export interface SessionHelpers {
  /** Posts a form as `login`. */
  post(
    login: string,
    url: string,
    fields?: Record<string, string | string[]>,
  ): Promise<LightMyRequestResponse>;
  /** The instructor makes a simulated scenario and assigns it to a learner, who starts it. */
  startAssignment(
    scenario: string,
    learner: string,
  ): Promise<{ sessionId: number; assignmentId: number; scenarioId: number }>;
  /** The instructor assigns a scenario already made (a built-in one or an uploaded file); the learner starts it. */
  assignAndStart(scenarioId: number, learner: string): Promise<{ sessionId: number; assignmentId: number }>;
  /** The session's page (HTML) as `login` sees it. */
  page(login: string, sessionId: number): Promise<string>;
  /** The session's JSON (`/api/diagnostics/:id`) as `login` reads it, in `lang` (French by default). */
  sessionJson(login: string, sessionId: number, lang?: 'fr' | 'en'): Promise<ReturnType<typeof JSON.parse>>;
}

/** The guided diagnosis part of a session page: from its section to the end. */
export const guidedPart = (html: string): string => html.slice(html.indexOf('id="guided"'));

export function sessionHelpers(t: TestApp): SessionHelpers {
  const post: SessionHelpers['post'] = async (login, url, fields = {}) => {
    const a = await t.as(login);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: a.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(a.csrf, fields),
    });
  };
  const startAssignment: SessionHelpers['startAssignment'] = async (scenario, learner) => {
    const res = await post('formateur', '/training/scenarios', {
      title: `Exercice ${scenario} ${learner}`,
      source: 'sim',
      simName: scenario,
      recordingId: '',
    });
    expect(res.statusCode, res.body).toBe(303);
    const scenarioId = Number(/\/training\/scenarios\/(\d+)/.exec(res.headers.location as string)![1]);
    return { ...(await assignAndStart(scenarioId, learner)), scenarioId };
  };
  const assignAndStart: SessionHelpers['assignAndStart'] = async (scenarioId, learner) => {
    let res = await post('formateur', '/training/assignments', {
      scenarioId: String(scenarioId),
      userIds: String(t.demo.users[learner]!.id),
      dueOn: '2026-03-20',
    });
    expect(res.statusCode, res.body).toBe(303);
    const row = await t.store.get<{ id: number }>(
      'SELECT id FROM training_assignments WHERE scenario_id = ? AND user_id = ?',
      [scenarioId, t.demo.users[learner]!.id],
    );
    res = await post(learner, `/training/assignments/${row!.id}/start`);
    expect(res.statusCode, res.body).toBe(303);
    const sessionId = Number(/\/diagnostics\/(\d+)/.exec(res.headers.location as string)![1]);
    return { sessionId, assignmentId: row!.id };
  };
  const page: SessionHelpers['page'] = async (login, id) =>
    (await t.inject(login, { method: 'GET', url: `/diagnostics/${id}` })).body;
  const sessionJson: SessionHelpers['sessionJson'] = async (login, id, lang = 'fr') =>
    (await t.inject(login, { method: 'GET', url: `/api/diagnostics/${id}?lang=${lang}` })).json();
  return { post, startAssignment, assignAndStart, page, sessionJson };
}
