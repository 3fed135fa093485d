// Run from the repository root: pnpm tsx packages/adapters/examples/quickstart.ts [ADAPTER]
import { listSerialPorts, openAdapter } from '@atelier/adapters';
import { ObdClient } from '@atelier/obd';

// Any adapter by name: elm327:/dev/ttyUSB0, elm327:tcp://192.168.0.10:35000, socketcan:can0, or a
// training scenario — here behind the ELM327 emulator, so the dialogue is the one a real adapter has.
const name = process.argv[2] ?? 'sim:misfire-cyl2?via=elm327';
console.log(listSerialPorts()); // [] without USB or Bluetooth adapters; else { path, label, kind, adapter }
const adapter = await openAdapter(name, {
  traffic: (line) => process.stderr.write(line), // the ELM327 transcript (or candump), line by line
});
try {
  console.log(adapter.info); // { scheme: 'sim', transport: 'tcp', version: 'ELM327 v2.3', protocol: 'ISO 15765-4 (CAN 11/500)', … }
  const obd = new ObdClient(adapter.link);
  console.log(await obd.readVin()); // [{ ecu: 0x7e8, vin: 'VF1…' }]
  console.log(await obd.readDtcs('stored')); // [{ ecu: 0x7e8, dtcs: ['P0302'] }, …]
} finally {
  await adapter.close(); // the link, the emulator and its TCP server: nothing stays open
}
