import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../tests/support/index.js';
import { answeringEcus } from './answering.js';
import { type DiagnosticLink, NoResponseError } from './link.js';
import { ObdClient } from './obd-client.js';
import { RecordedResponder } from './recorded.js';
import { type ScanEcu, type ScanItem, scanVehicle } from './scan.js';

const ecu = (address: number, label: string, extended = false): ScanEcu => ({ address, extended, label });
const problem = { code: 'no-response' as const, message: 'NoResponseError: no answer' };

describe('answeringEcus: the ECUs that answered something', () => {
  it('lists each ECU with an item read, once, in the order it first answered; silences and refusals do not count', () => {
    const items: ScanItem[] = [
      { kind: 'supported', status: 'read', ecu: ecu(0x7e8, '7E8'), pids: [0x0c] },
      // Refused 01 00 (conditions not correct): an answer, but nothing of the car.
      { kind: 'supported', status: 'refused', ecu: ecu(0x7ea, '7EA'), problem },
      // Answered the VIN without a bitmap (a logger's recording): reached.
      { kind: 'vin', status: 'read', ecu: ecu(0x7e9, '7E9'), vin: 'VF1AAAAA555555555' },
      { kind: 'dtcs', memory: 'stored', status: 'read', ecu: ecu(0x7e8, '7E8'), codes: [] },
      { kind: 'dtcs', memory: 'permanent', status: 'not-supported', ecu: ecu(0x7ec, '7EC'), problem },
      { kind: 'live-pid', pid: 0x0d, status: 'no-answer', ecu: ecu(0x7eb, '7EB'), problem },
      { kind: 'uds-dtcs', status: 'no-answer', ecu: ecu(0x768, '768'), problem },
      { kind: 'uds-dtcs', status: 'read', ecu: ecu(0x18daf110, '18DAF110', true), dtcs: [] },
      // The same ECU again, as a copy (items read back from storage): still once.
      { kind: 'live-pid', pid: 0x0d, status: 'read', ecu: ecu(0x7e9, '7E9') },
      // A question no ECU answered has no ECU.
      { kind: 'dtcs', memory: 'pending', status: 'no-answer', problem },
    ];
    expect(answeringEcus(items).map((e) => e.label)).toEqual(['7E8', '7E9', '18DAF110']);
    expect(answeringEcus([])).toEqual([]);
  });

  it('keeps 11-bit and 29-bit ECUs of the same number apart', () => {
    const items: ScanItem[] = [
      { kind: 'vin', status: 'read', ecu: ecu(0x7e8, '7E8'), vin: 'VF1AAAAA555555555' },
      { kind: 'vin', status: 'read', ecu: ecu(0x7e8, '000007E8', true), vin: 'VF1AAAAA555555555' },
    ];
    expect(answeringEcus(items).map((e) => e.label)).toEqual(['7E8', '000007E8']);
  });

  it('a recorded car: the ECU that answered without 01 00 is in, a known UDS ECU that stayed silent is only in the scan’s ECUs', async () => {
    const r = await RecordedResponder.fromCanLog(fixturePath('can/obd_polling_without_0100.log'));
    const link: DiagnosticLink = {
      info: { kind: 'test', protocol: 'recorded' },
      async request(req) {
        const answers = r.respond({ target: req.target, data: req.data, extended: false, nowMs: 0 });
        if (!answers.length) throw new NoResponseError();
        return answers.map((a) => ({ ecu: a.ecu, extended: false, data: a.data, timestamp: 0 }));
      },
      async close() {},
      recordedPids: () => r.recordedPids(),
    };
    const scan = await scanVehicle(new ObdClient(link), {
      parts: ['vin', 'live', 'uds'],
      // The recording holds nothing on 0x7E1: asked, this ECU stays silent.
      udsEcus: [{ request: 0x7e1, response: 0x7e9 }],
    });
    expect(scan.ecus.map((e) => e.label)).toEqual(['7E8', '7E9']);
    expect(answeringEcus(scan.items).map((e) => e.label)).toEqual(['7E8']);
  });
});
