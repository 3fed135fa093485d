import { loadKnowledgeBase } from '@atelier/diagnosis';
import { runSimulatedApprentice } from '@atelier/training';
import { listScenarios } from '@atelier/vehicle-sim';
const kb = loadKnowledgeBase();
for (const s of listScenarios().filter(x=>!x.recording)) {
  const { result, session } = await runSimulatedApprentice(kb, s, { seed: 1 });
  const steps = session?.path().steps.filter(x=>x.kind==='test'||x.kind==='unable'||x.kind==='repair').map((x:any)=> x.kind==='test'? `${x.id}:${x.outcome}${x.measured?'('+x.measured.value+x.measured.unit+(x.certainty?' c'+x.certainty.toFixed(2):'')+')':''}` : x.kind==='unable'? `${x.id}:UNABLE(${x.why.en})` : `repair ${x.cause}`).join(' ');
  console.log(`${s.name}: ${result.tree} → ${result.outcome} ${result.conclusion ?? ''} [true ${result.true_cause}] | ${steps}`);
}
