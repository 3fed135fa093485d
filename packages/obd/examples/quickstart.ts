// Run from the repository root: pnpm tsx packages/obd/examples/quickstart.ts
import { VirtualBus } from '@atelier/can';
import { VirtualClock } from '@atelier/clock';
import {
  bitmapFromSupported,
  decodeResponseLine,
  decodeVin,
  dtcTitle,
  encodeDtc,
  encodePid,
  IsoTpLink,
  ObdClient,
  ScriptedEcu,
  scanQuestion,
  scanVehicle,
} from '@atelier/obd';

// Bytes ↔ values, no vehicle needed.
console.log(decodeResponseLine('7E8 04 41 0C 1A F8')); // ENGINE_RPM 1726 rpm from ECU 7E8
console.log(dtcTitle('P0301', 'fr')); // Ratés de combustion détectés sur le cylindre 1
console.log(decodeVin('VF1RFB00X56123456').manufacturer); // Renault

// A scripted engine ECU on a virtual CAN bus, asked through ISO-TP, in virtual time.
const clock = new VirtualClock();
const ecu = new ScriptedEcu(
  new VirtualBus('demo', { clock }),
  { request: 0x7e0, response: 0x7e8, clock },
  (req) => {
    if (req[0] === 0x01 && req[1] === 0x00) return [0x41, 0x00, ...bitmapFromSupported(0, [0x0c])];
    if (req[0] === 0x01 && req[1] === 0x0c) return [0x41, 0x0c, ...encodePid(0x0c, 1726)];
    if (req[0] === 0x03) return [0x43, 1, ...encodeDtc('P0301')];
    return undefined; // silent: the client reports NoResponseError, never "nothing"
  },
);
const obd = new ObdClient(new IsoTpLink(new VirtualBus('demo', { clock }), { clock }));
console.log(await clock.run(obd.readPid(0x0c))); // [{ ecu: 0x7e8, key: 'ENGINE_RPM', value: 1726, unit: 'rpm' … }]
console.log(await clock.run(obd.readDtcs('stored'))); // [{ ecu: 0x7e8, dtcs: ['P0301'] }]

// The one scan: every item with its status, handed over as soon as it is read.
await clock.run(
  scanVehicle(obd, {
    onItem: (item) => console.log(item.ecu?.label ?? '—', scanQuestion(item), item.status),
  }),
);
// 7E8 supported read · — vin no-answer · 7E8 dtcs.stored read · 7E8 dtcs.pending no-answer ·
// 7E8 dtcs.permanent no-answer · 7E8 readiness not-supported (its bitmap leaves PID 01 out) ·
// 7E8 freeze.02 no-answer · 7E8 live.0C read
ecu.close();
await obd.link.close();
