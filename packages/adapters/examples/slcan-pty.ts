// packages/adapters/examples/slcan-pty.ts — run: pnpm tsx packages/adapters/examples/slcan-pty.ts [SCENARIO]
// A simulated car behind an SLCAN adapter (the emulator) on a pseudo-terminal made with socat: open it
// as you would open a CANable, from another terminal, then stop this with Ctrl-C.
import { SlcanEmulator, serveSlcan, VirtualBus } from '@atelier/can';
import { loadScenario, serveOnBus, Vehicle } from '@atelier/vehicle-sim';

const scenario = process.argv[2] ?? 'misfire-cyl2';
const channel = `slcan-${scenario}`;
const carBus = new VirtualBus(channel);
const car = serveOnBus(carBus, Vehicle.fromScenario(loadScenario(scenario)));
const service = await serveSlcan(new SlcanEmulator({ channel }), { pty: true });
console.log(`SLCAN adapter in front of '${scenario}' on ${service.path} (and ${service.url})`);
console.log(`  pnpm -s atelier obd read --adapter 'slcan:${service.path}?bitrate=500000'`);
console.log(`  slcand -o -c -s6 ${service.path} slcan0   # as root, into SocketCAN`);
process.once('SIGINT', async () => {
  car.close();
  await carBus.close();
  await service.close();
  process.exit(0);
});
