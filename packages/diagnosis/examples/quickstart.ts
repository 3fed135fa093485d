// packages/diagnosis/examples/quickstart.ts — run: pnpm tsx packages/diagnosis/examples/quickstart.ts
import { VirtualClock } from '@atelier/clock';
import { GuidedSession, loadKnowledgeBase, readSessionFacts } from '@atelier/diagnosis';
import { ObdClient } from '@atelier/obd';
import { loadScenario, ResponderLink, Vehicle } from '@atelier/vehicle-sim';

// A car with a vacuum leak, read as a technician would: codes per memory, readiness, freeze frame,
// live data — in virtual time, through the same client a real adapter uses.
const clock = new VirtualClock();
const car = Vehicle.fromScenario(loadScenario('vacuum-leak'), { startMs: 0 });
const obd = new ObdClient(new ResponderLink(car, { clock }));
const facts = await clock.run(readSessionFacts(obd, { vehicle: 'petrol', complaint: 'ralenti instable' }));

const session = GuidedSession.start(loadKnowledgeBase(), facts);
console.log(session.tree.title.fr); // Mélange pauvre
for (const { reading, ratios } of session.analysis().signs)
  console.log(reading.value ? '✔' : '✘', reading.sign.name.fr, '—', reading.detail.fr, ratios);
console.log(session.analysis().posteriors[0]); // { cause: 'vacuum_leak', probability: 0.96… }
const next = session.next()!;
console.log(next.test.name.fr, '—', next.reason.fr);
session.record(next.test.id, 'bad'); // the smoke finds the leak
console.log(session.state, session.pendingRepair?.name.fr); // repair Prise d'air à l'admission
const saved = JSON.stringify(session.toJSON()); // store, resume, audit
console.log(`${saved.length} bytes of session`);
