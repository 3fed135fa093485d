import type { VirtualClock } from '@atelier/clock';
import { type BatteryFacts, batteryFacts } from '@atelier/diagnosis';
import { batteryDefinitions, readBatteryReport } from '@atelier/ev';
import type { DiagnosticLink } from '@atelier/obd';

/**
 * The traction battery's report read through the link as a technician's scan tool reads it, as the
 * session's battery facts: each battery layout Atelier knows is tried in turn (a probe: a BMS silent
 * on the first request is not that one), the first whose BMS gives its cells wins. Undefined when
 * none does (no BMS layout known for this car: the battery signs then stay unknown).
 */
export async function readBatteryFacts(
  link: DiagnosticLink,
  clock: VirtualClock,
): Promise<BatteryFacts | undefined> {
  for (const d of batteryDefinitions()) {
    const report = await clock.run(readBatteryReport(link, d, { probe: true, timeoutMs: 300 }));
    if (report.cells) return batteryFacts(report);
  }
  return undefined;
}
