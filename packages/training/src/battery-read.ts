import type { VirtualClock } from '@atelier/clock';
import { type BatteryFacts, batteryFacts, type SessionFacts } from '@atelier/diagnosis';
import {
  type BatteryReport,
  type BatteryReportSource,
  batteryReadSummary,
  NoBatteryDataError,
  readKnownBattery,
} from '@atelier/ev';
import type { DiagnosticLink } from '@atelier/obd';

/**
 * The traction battery's report read through the link as a technician's scan tool reads it, as the
 * session's battery facts, through `readKnownBattery` (@atelier/ev: each battery layout Atelier
 * knows is probed in turn, the first BMS that answers is read) — what the CLI and the dashboard call. Undefined when
 * none does (no BMS layout known for this car: the battery signs then stay unknown).
 */
export async function readBatteryFacts(
  link: DiagnosticLink,
  clock: VirtualClock,
): Promise<BatteryFacts | undefined> {
  try {
    const report = await clock.run(readKnownBattery(link, { timeoutMs: 300 }));
    return report.cells ? batteryFacts(report) : undefined;
  } catch (err) {
    if (err instanceof NoBatteryDataError) return undefined;
    throw err;
  }
}

/**
 * A battery report as a guided session's facts: the figures the traction-battery signs read and a
 * line saying what was read and from where — or, when the BMS answered without those figures, none
 * and why. The one place a report becomes session facts (the CLI, the dashboard).
 */
export function sessionBatteryOf(report: BatteryReport): Pick<SessionFacts, 'battery' | 'batteryRead'> {
  const figures = batteryFacts(report);
  if (Object.keys(figures).length)
    return { battery: figures, batteryRead: { read: true, text: batteryReadSummary(report) } };
  return {
    batteryRead: {
      read: false,
      text: {
        fr: `${report.vehicle.name.fr} a répondu sans les valeurs que les indices lisent (${report.missing.map((m) => m.reason.fr).join(' ; ')})`,
        en: `${report.vehicle.name.en} answered without the values the signs read (${report.missing.map((m) => m.reason.en).join('; ')})`,
      },
    },
  };
}

/**
 * The traction battery read for a guided session a person runs (`atelier diagnose`): the first BMS
 * Atelier knows that answers (`readKnownBattery`, as `atelier ev report`), as the session's facts;
 * when none answers, no figures and why (the battery signs then stay unknown, never invented).
 */
export async function readSessionBattery(
  link: DiagnosticLink,
  options: { name?: string; source?: BatteryReportSource } = {},
): Promise<Pick<SessionFacts, 'battery' | 'batteryRead'>> {
  try {
    return sessionBatteryOf(await readKnownBattery(link, options));
  } catch (err) {
    if (err instanceof NoBatteryDataError) return { batteryRead: { read: false, text: err.text } };
    throw err;
  }
}
