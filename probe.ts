import { VirtualClock } from '@atelier/clock';
import { loadKnowledgeBase } from '@atelier/diagnosis';
import { ObdClient } from '@atelier/obd';
import { answerOnCar, simulatedEngineControls } from '@atelier/training';
import { loadScenario, ResponderLink, Vehicle } from '@atelier/vehicle-sim';
const kb = loadKnowledgeBase();
const test = kb.tests.get('fuel_pressure_test')!;
for (const [name, sevs] of [['injector-leaking-cyl2', [0.4, 0.7, 1]], ['fuel-pump-weak', [0.4, 0.7, 1]], ['healthy-petrol', [0]], ['injector-clogged', [0.7]], ['fuel-pressure-high', [0.7]], ['misfire-cyl2',[0.7]], ['healthy-v6-vibration',[0]], ['vacuum-leak',[0.7]]] as const) {
  for (const sev of sevs) {
    for (const seed of [1, 2]) {
    const s = loadScenario(name);
    s.seed = seed;
    s.faults.forEach((f) => (f.severity = sev || f.severity));
    const clock = new VirtualClock();
    const vehicle = Vehicle.fromScenario(s, { startMs: 0 });
    const link = new ResponderLink(vehicle, { clock });
    const a = await answerOnCar({ vehicle, obd: new ObdClient(link), clock, controls: simulatedEngineControls(vehicle, clock), vehicleType: 'petrol' }, test);
    console.log(name, sev, seed, 'measured' in a ? a.measured.map((m) => `${m.spec}:${m.value}`).join(' ') : a);
    await link.close();
    }
  }
}
