import { FUNCTIONAL } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { loadScenario } from './scenario.js';
import { Tester } from './test-support.js';
import { Vehicle } from './vehicle.js';

const ENGINE = 0x7e0;
const ascii = (b: number[]) => String.fromCharCode(...b);

function bench(name = 'misfire-cyl2') {
  const s = loadScenario(name);
  const v = Vehicle.fromScenario(s, { startMs: 0 });
  return { v, s, t: new Tester(v) };
}

describe('UDS services (ISO 14229-1)', () => {
  it('reads identification DIDs, several in one request, and the OBD PIDs as F4xx DIDs', async () => {
    const { t, s } = bench();
    t.wait(10);
    const r = (await t.one([0x22, 0xf1, 0x90], ENGINE))!;
    expect(r.slice(0, 3)).toEqual([0x62, 0xf1, 0x90]);
    expect(ascii(r.slice(3))).toBe(s.vin);
    const two = (await t.one([0x22, 0xf1, 0x86, 0xf4, 0x0d], ENGINE))!;
    expect(two).toEqual([0x62, 0xf1, 0x86, 0x01, 0xf4, 0x0d, 0x00]);
  });

  it('answers with the negative response codes the standard names', async () => {
    const { t } = bench();
    t.wait(10);
    expect(await t.one([0x23, 0x00], ENGINE)).toEqual([0x7f, 0x23, 0x11]); // service not supported
    expect(await t.one([0x10, 0x05], ENGINE)).toEqual([0x7f, 0x10, 0x12]); // sub-function not supported
    expect(await t.one([0x10], ENGINE)).toEqual([0x7f, 0x10, 0x13]); // length
    expect(await t.one([0x22, 0xf1], ENGINE)).toEqual([0x7f, 0x22, 0x13]);
    expect(await t.one([0x22, 0x12, 0x34], ENGINE)).toEqual([0x7f, 0x22, 0x31]); // out of range
    expect(await t.one([0x19, 0x07, 0xff], ENGINE)).toEqual([0x7f, 0x19, 0x12]);
    expect(await t.one([0x19, 0x02], ENGINE)).toEqual([0x7f, 0x19, 0x13]);
    expect(await t.one([0x14, 0x00, 0x01, 0x00], ENGINE)).toEqual([0x7f, 0x14, 0x31]);
    expect(await t.one([0x14, 0xff], ENGINE)).toEqual([0x7f, 0x14, 0x13]);
    expect(await t.one([0x3e, 0x01], ENGINE)).toEqual([0x7f, 0x3e, 0x12]);
    // Mode 01 physical request for a PID the ECU does not have.
    expect(await t.one([0x01, 0xe0], ENGINE)).toEqual([0x7f, 0x01, 0x12]);
  });

  it('stays silent on functional requests for NRCs 0x11/0x12/0x31 (ISO 14229-1 §7.5)', async () => {
    const { t } = bench();
    t.wait(10);
    expect(await t.ask([0x23, 0x00])).toEqual([]);
    expect(await t.ask([0x22, 0x12, 0x34])).toEqual([]);
    expect(await t.ask([0x01, 0xe0])).toEqual([]);
    // … but the tester-present broadcast is answered by every ECU.
    expect((await t.ask([0x3e, 0x00])).length).toBe(4);
    expect(await t.ask([0x3e, 0x80])).toEqual([]);
  });

  it('0x19: count, list by mask, snapshot (F4xx DIDs), extended data, supported DTCs', async () => {
    const { t } = bench();
    t.wait(10);
    const count = (await t.one([0x19, 0x01, 0x08], ENGINE))!;
    expect(count.slice(0, 4)).toEqual([0x59, 0x01, 0xff, 0x00]);
    expect((count[4] << 8) | count[5]).toBe(2);
    const list = await t.udsDtcs(ENGINE, 0x08);
    expect(list.map((d) => d.code).sort()).toEqual(['P0300', 'P0302']);
    const snap = (await t.one([0x19, 0x04, 0x03, 0x02, 0x00, 0x01], ENGINE))!;
    expect(snap.slice(0, 5)).toEqual([0x59, 0x04, 0x03, 0x02, 0x00]);
    expect(snap[6]).toBe(0x01); // record number
    const n = snap[7];
    expect(n).toBeGreaterThan(5);
    // The first identifier is a F4xx DID (an OBD PID value).
    expect(snap[8]).toBe(0xf4);
    const ext = (await t.one([0x19, 0x06, 0x03, 0x02, 0x00, 0xff], ENGINE))!;
    expect(ext.slice(0, 5)).toEqual([0x59, 0x06, 0x03, 0x02, 0x00]);
    expect(ext[6]).toBe(0x01);
    expect(ext[7]).toBeGreaterThanOrEqual(2); // failed in two cycles at least
    expect(await t.one([0x19, 0x04, 0x01, 0x71, 0x00, 0x01], ENGINE)).toEqual([0x7f, 0x19, 0x31]);
    const supported = (await t.one([0x19, 0x0a], ENGINE))!;
    expect(supported.slice(0, 3)).toEqual([0x59, 0x0a, 0xff]);
    expect((supported.length - 3) % 4).toBe(0);
    expect((supported.length - 3) / 4).toBeGreaterThan(10);
  });

  it('0x14 clears DTCs, freeze frame and readiness, but permanent DTCs stay (mode 0A)', async () => {
    const { t } = bench();
    t.wait(10);
    expect(await t.dtcs(0x0a)).toEqual(['P0300', 'P0302']);
    const [, , , dBefore] = await t.pidBytes(0x01);
    expect(dBefore & 0x01).toBe(0); // catalyst monitor complete
    expect(await t.one([0x14, 0xff, 0xff, 0xff], ENGINE)).toEqual([0x54]);
    expect(await t.udsDtcs(ENGINE)).toEqual([]);
    expect(await t.dtcs(0x03, { kind: 'physical', address: ENGINE })).toEqual([]);
    expect(await t.one([0x02, 0x02, 0x00], ENGINE)).toEqual([0x42, 0x02, 0x00, 0x00, 0x00]);
    const [a, , , d] = await t.pidBytes(0x01);
    expect(a & 0x80).toBe(0); // MIL off
    expect(d & 0x01).toBe(0x01); // catalyst monitor incomplete again
    expect(await t.dtcs(0x0a)).toEqual(['P0300', 'P0302']);
    expect(await t.pid(0x31)).toBe(0); // distance since codes cleared
  });

  it('sessions: routines need the extended session, which times out after 5 s without tester present', async () => {
    const { t } = bench('dpf-clogged');
    t.wait(200);
    expect(await t.one([0x31, 0x01, 0xf0, 0x01], ENGINE)).toEqual([0x7f, 0x31, 0x7f]);
    expect(await t.one([0x10, 0x03], ENGINE)).toEqual([0x50, 0x03, 0x00, 0x32, 0x01, 0xf4]);
    expect(await t.one([0x31, 0x03, 0xf0, 0x01], ENGINE)).toEqual([0x7f, 0x31, 0x24]); // results before start
    // A blocked filter cannot regenerate: its pressure drop reads as more soot than a stationary
    // regeneration may burn, so the start is refused and the results say why (aborted, soot too high).
    expect(await t.one([0x31, 0x01, 0xf0, 0x01], ENGINE)).toEqual([0x7f, 0x31, 0x22]);
    const res = (await t.one([0x31, 0x03, 0xf0, 0x01], ENGINE))!;
    expect(res.slice(0, 6)).toEqual([0x71, 0x03, 0xf0, 0x01, 0x03, 0x03]);
    expect(await t.one([0x31, 0x01, 0x12, 0x34], ENGINE)).toEqual([0x7f, 0x31, 0x31]);
    t.wait(4);
    expect(await t.one([0x3e, 0x00], ENGINE)).toEqual([0x7e, 0x00]);
    t.wait(4);
    expect((await t.one([0x22, 0xf1, 0x86], ENGINE))!.slice(3)).toEqual([0x03]);
    t.wait(6);
    expect((await t.one([0x22, 0xf1, 0x86], ENGINE))!.slice(3)).toEqual([0x01]);
    expect(await t.one([0x11, 0x01], ENGINE)).toEqual([0x51, 0x01]);
  });

  it('EV battery ECU: every cell voltage in one long answer, isolation routine', async () => {
    const { t } = bench('hv-isolation');
    t.wait(5);
    const cells = (await t.one([0x22, 0x01, 0x10], 0x7e4))!;
    expect(cells.length).toBe(3 + 96 * 2);
    const volts = [];
    for (let i = 3; i < cells.length; i += 2) volts.push(((cells[i] << 8) | cells[i + 1]) / 1000);
    expect(Math.min(...volts)).toBeGreaterThan(3.3);
    expect(Math.max(...volts)).toBeLessThan(4.25);
    expect(Math.max(...volts) - Math.min(...volts)).toBeGreaterThan(0.001);
    expect(await t.one([0x10, 0x03], 0x7e4)).toEqual([0x50, 0x03, 0x00, 0x32, 0x01, 0xf4]);
    expect(await t.one([0x31, 0x01, 0xf0, 0x03], 0x7e4)).toEqual([0x71, 0x01, 0xf0, 0x03, 0x00]);
    const r = (await t.one([0x31, 0x03, 0xf0, 0x03], 0x7e4))!;
    expect((r[5] << 8) | r[6]).toBeLessThan(175);
  });
});

describe('OBD-II services (SAE J1979)', () => {
  it('VIN (09 02), ECU name (09 0A), supported PIDs chain, several PIDs in one request', async () => {
    const { t, s } = bench('healthy-petrol');
    t.wait(60);
    const vin = (await t.one([0x09, 0x02], ENGINE))!;
    expect(vin.slice(0, 3)).toEqual([0x49, 0x02, 0x01]);
    expect(ascii(vin.slice(3))).toBe(s.vin);
    const name = (await t.one([0x09, 0x0a], ENGINE))!;
    expect(ascii(name.slice(3)).replace(/\0+$/, '')).toMatch(/^ECM-/);
    const all = await t.ask([0x01, 0x00]);
    expect(all.map((a) => a.ecu)).toEqual([0x7e8, 0x7e9]); // ABS and body are not OBD ECUs
    const multi = (await t.one([0x01, 0x0c, 0x0d, 0x05], ENGINE))!;
    expect(multi[0]).toBe(0x41);
    expect([multi[1], multi[4], multi[6]]).toEqual([0x0c, 0x0d, 0x05]);
    expect(await t.one([0x01, 1, 2, 3, 4, 5, 6, 7], ENGINE)).toEqual([0x7f, 0x01, 0x13]);
    // 0x20 announces 0x40 etc.; the last bitmap that announces nothing is still answered.
    const b00 = (await t.one([0x01, 0x00], ENGINE))!;
    expect(b00[5] & 0x01).toBe(1);
  });

  it('service 06: supported MIDs, test records of 9 bytes, unsupported MID refused', async () => {
    const { t } = bench('o2-sensor-slow');
    t.wait(10);
    const sup = (await t.one([0x06, 0x00], ENGINE))!;
    expect(sup.slice(0, 2)).toEqual([0x46, 0x00]);
    expect(sup[2] & 0x80).toBe(0x80); // MID 01 (O2 B1S1)
    const o2 = (await t.one([0x06, 0x01], ENGINE))!;
    expect(o2.length).toBe(1 + 9);
    expect(o2.slice(1, 4)).toEqual([0x01, 0x09, 0x10]); // MID 01, TID 09, UASID 0x10 (ms)
    expect(((o2[4] << 8) | o2[5]) > ((o2[8] << 8) | o2[9])).toBe(true); // slow sensor: above its limit
    expect(await t.one([0x06, 0x3b], ENGINE)).toEqual([0x7f, 0x06, 0x12]);
    expect(await t.one([0x06, 0x01], 0x7e1)).toEqual([0x7f, 0x06, 0x11]);
  });

  it('a car with the key out answers nothing', async () => {
    const s = loadScenario('healthy-petrol');
    const v = new Vehicle(s.profile, { drive: [{ phase: 'off' }] });
    const t = new Tester(v);
    expect(await t.ask([0x01, 0x00])).toEqual([]);
  });

  it('29-bit addressing: ECUs answer on 0x18DAF1xx and only to 29-bit requests', async () => {
    const s = loadScenario('healthy-petrol');
    const v = new Vehicle(s.profile, { extended: true, drive: [{ phase: 'idle' }] });
    const t = new Tester(v);
    t.wait(5);
    const a = await t.ask([0x01, 0x00]);
    expect(a.map((x) => x.ecu.toString(16))).toEqual(['18daf110', '18daf118']);
    // The same request with an 11-bit id reaches nobody.
    expect(
      v.respond({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x00), extended: false, nowMs: t.nowMs }),
    ).toEqual([]);
  });
});
