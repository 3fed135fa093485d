import { PassThrough } from 'node:stream';
import { type CliContext, UsageError } from '@atelier/command';
import { DemoCar, Elm327Emulator, serveTcp, type TcpService } from '@atelier/elm327';
import type { Responder } from '@atelier/obd';
import { afterEach, describe, expect, it } from 'vitest';
import { dtcSubcommand } from './dtc.js';
import { liveSubcommand } from './live.js';
import { readSubcommand } from './read.js';

function context(signal = new AbortController().signal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const ctx: CliContext = { stdout, stderr, lang: 'en', cwd: process.cwd(), signal, stderrIsTTY: false };
  return { ctx, out: () => out, err: () => err };
}

let services: TcpService[] = [];
afterEach(async () => {
  for (const s of services) await s.close();
  services = [];
});

async function emulator(responder: Responder = new DemoCar(), vehicleProtocol = '6'): Promise<string> {
  const tcp = await serveTcp(new Elm327Emulator({ responder, baud: 0, latencyMs: 1, vehicleProtocol }), {
    port: 0,
  });
  services.push(tcp);
  return `elm327:tcp://127.0.0.1:${tcp.port}`;
}

describe('atelier obd read', () => {
  it('prints one JSON object in the documented shape', async () => {
    const adapter = await emulator();
    const { ctx, out } = context();
    expect(await readSubcommand.run(['--adapter', adapter, '--json'], ctx)).toBe(0);
    const r = JSON.parse(out());
    expect(Object.keys(r)).toEqual([
      'adapter',
      'ecus',
      'vin',
      'dtcs',
      'readiness',
      'freezeFrame',
      'pids',
      'uds',
      'status',
      'verdict',
    ]);
    expect(r.adapter).toEqual({
      kind: 'elm327',
      version: 'ELM327 v2.3',
      protocol: 'ISO 15765-4 (CAN 11/500)',
    });
    expect(r.ecus).toEqual(['7E8', '7E9']);
    expect(r.vin).toBe('VF1RFB00X64123456');
    expect(r.dtcs).toEqual({
      stored: [
        { code: 'P0301', ecu: '7E8' },
        { code: 'P0171', ecu: '7E8' },
      ],
      pending: [{ code: 'P0420', ecu: '7E8' }],
      permanent: [{ code: 'P0301', ecu: '7E8' }],
    });
    expect(r.readiness['7E8']).toMatchObject({ mil: true, dtcCount: 2, ignition: 'spark' });
    expect(r.pids['7E8']['0C']).toMatchObject({ key: 'ENGINE_RPM', unit: 'rpm' });
    expect(typeof r.pids['7E8']['0C'].value).toBe('number');
    expect(r.pids['7E8']['01'].value).toMatchObject({ mil: 1, dtcCount: 2 });
    expect(Object.keys(r.pids['7E9'])).toEqual(expect.arrayContaining(['01', '0D']));
    // Every item with its status: the demo car has no service 02 (it refuses it: not supported).
    expect(r.status).toMatchObject({
      'ecus.7E8': 'read',
      'ecus.7E9': 'read',
      vin: 'read',
      'dtcs.stored.7E8': 'read',
      'dtcs.stored.7E9': 'read',
      'dtcs.permanent.7E9': 'read',
      'readiness.7E8': 'read',
      'pids.7E8.0C': 'read',
      'freezeFrame.7E8.02': 'not-supported',
    });
    expect(r.freezeFrame).toEqual({});
  });

  it('an ECU silent on mode 03 while another answers is "no answer", never "no DTCs"', async () => {
    const car = new DemoCar();
    const adapter = await emulator({
      ecus: () => car.ecus(),
      respond: (req) => car.respond(req).filter((a) => !(req.data[0] === 0x03 && a.ecu === 0x7e9)),
    });
    const { ctx, out } = context();
    expect(await readSubcommand.run(['--adapter', adapter, '--json'], ctx)).toBe(1);
    const r = JSON.parse(out());
    expect(r.dtcs.stored).toEqual([
      { code: 'P0301', ecu: '7E8' },
      { code: 'P0171', ecu: '7E8' },
    ]);
    expect(r.status['dtcs.stored.7E8']).toBe('read');
    expect(r.status['dtcs.stored.7E9']).toBe('no-answer');
    expect(r.errors['dtcs.stored.7E9']).toMatch(/ECU 7E9 did not answer 03/);
    const text = context();
    await readSubcommand.run(['--adapter', adapter], text.ctx);
    expect(text.out()).toMatch(/ {2}7E9 : NO ANSWER/);
  });

  it('NO DATA on mode 03 is reported as not read, never as no DTCs, and the exit code says so', async () => {
    const car = new DemoCar();
    const adapter = await emulator({
      ecus: () => car.ecus(),
      respond: (req) => (req.data[0] === 0x03 ? [] : car.respond(req)),
    });
    const { ctx, out } = context();
    expect(await readSubcommand.run(['--adapter', adapter, '--json'], ctx)).toBe(1);
    const r = JSON.parse(out());
    expect(r.dtcs.stored).toBeNull();
    expect(r.errors['dtcs.stored']).toMatch(/ElmNoDataError/);
    const text = context();
    await readSubcommand.run(['--adapter', adapter], text.ctx);
    expect(text.out()).toMatch(/Stored DTCs : NOT READ/);
  });

  it('reads a car on ISO 9141-2: VIN and DTCs joined from legacy messages, one PID per request', async () => {
    const adapter = await emulator(new DemoCar(), '3');
    const { ctx, out } = context();
    expect(await readSubcommand.run(['--adapter', adapter, '--json'], ctx)).toBe(0);
    const r = JSON.parse(out());
    expect(r.adapter.protocol).toBe('ISO 9141-2');
    expect(r.ecus).toEqual(['10', '11']);
    expect(r.vin).toBe('VF1RFB00X64123456');
    expect(r.dtcs.stored).toEqual([
      { code: 'P0301', ecu: '10' },
      { code: 'P0171', ecu: '10' },
    ]);
    expect(r.pids['10']['0C'].key).toBe('ENGINE_RPM');
  });

  it('asks for --adapter', async () => {
    const { ctx } = context();
    const saved = process.env.ATELIER_ADAPTER;
    delete process.env.ATELIER_ADAPTER;
    await expect(readSubcommand.run([], ctx)).rejects.toThrow(UsageError);
    if (saved !== undefined) process.env.ATELIER_ADAPTER = saved;
  });
});

describe('atelier obd dtc', () => {
  it('refuses --clear without --yes, clears with it', async () => {
    const adapter = await emulator();
    const { ctx } = context();
    await expect(dtcSubcommand.run(['--adapter', adapter, '--clear'], ctx)).rejects.toThrow(/--yes/);
    const before = context();
    expect(await dtcSubcommand.run(['--adapter', adapter, '--json'], before.ctx)).toBe(0);
    expect(JSON.parse(before.out()).dtcs.stored).toHaveLength(2);
    const cleared = context();
    expect(await dtcSubcommand.run(['--adapter', adapter, '--clear', '--yes', '--json'], cleared.ctx)).toBe(
      0,
    );
    const r = JSON.parse(cleared.out());
    expect(r.cleared).toEqual(['7E8', '7E9']);
    expect(r.dtcs.stored).toEqual([]);
    // Permanent DTCs survive a clear (SAE J1979 service 0A).
    expect(r.dtcs.permanent).toEqual([{ code: 'P0301', ecu: '7E8' }]);
  });
});

describe('atelier obd live', () => {
  it('streams JSON lines per ECU and PID until stopped', async () => {
    const adapter = await emulator();
    const ac = new AbortController();
    const { ctx, out } = context(ac.signal);
    const run = liveSubcommand.run(['--adapter', adapter, '0C', 'VEHICLE_SPEED@50', '--json'], ctx);
    const deadline = Date.now() + 10_000;
    while (out().split('\n').length < 20 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    expect(await run).toBe(0);
    const lines = out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(19);
    for (const l of lines) expect(Object.keys(l)).toEqual(['t', 'ecu', 'pid', 'value']);
    expect(new Set(lines.map((l) => `${l.ecu}/${l.pid}`))).toEqual(new Set(['7E8/0C', '7E8/0D', '7E9/0D']));
  });

  it('refuses an unknown PID', async () => {
    const { ctx } = context();
    await expect(liveSubcommand.run(['--adapter', 'elm327:tcp://127.0.0.1:1', 'NOPE'], ctx)).rejects.toThrow(
      /unknown PID 'NOPE'/,
    );
  });
});
