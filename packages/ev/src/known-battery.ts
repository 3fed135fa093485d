import type { DiagnosticLink, Text } from '@atelier/obd';
import { type BatteryDefinition, batteryDefinitions } from './definition.js';
import { describeSource, formatNumber } from './format.js';
import {
  type BatteryReport,
  type BatteryReportSource,
  NoBatteryDataError,
  readBatteryReport,
} from './report.js';

/**
 * The traction battery read through a link from the definitions Atelier knows: each in turn (a
 * probe when there are several: a battery ECU silent on the first request is not that one) until a
 * battery ECU answers. One definition given is read whatever it answers (its `missing` says why).
 * None answering is a `NoBatteryDataError` naming what was tried. This is what `atelier ev report
 * --adapter`, `atelier diagnose`, the dashboard's battery page and its guided sessions all call.
 */
export async function readKnownBattery(
  link: DiagnosticLink,
  options: {
    definitions?: BatteryDefinition[];
    /** The source's name in the report and the error (the adapter as given, a scenario's title). */
    name?: string;
    source?: BatteryReportSource;
    timeoutMs?: number;
  } = {},
): Promise<BatteryReport> {
  const candidates = options.definitions ?? batteryDefinitions();
  const name = options.name ?? link.info.kind;
  let last: BatteryReport | undefined;
  for (const d of candidates) {
    last = await readBatteryReport(link, d, {
      name,
      probe: candidates.length > 1,
      ...(options.source ? { source: options.source } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    if (last.answers > 0) return last;
  }
  if (candidates.length === 1 && last) return last;
  const tried = candidates.map((d) => d.id).join(', ');
  throw new NoBatteryDataError(name, {
    fr: `aucun calculateur de batterie de traction connu n'a répondu (essayé : ${tried || 'aucune définition'})`,
    en: `no known traction-battery ECU answered (tried: ${tried || 'no definition'})`,
  });
}

/**
 * One line saying what a battery read gave a diagnosis: the BMS read, where the figures come from,
 * and the figures the traction-battery signs use (cell spread, SoH) — or what it lacked.
 */
export function batteryReadSummary(r: BatteryReport): Text {
  const say = (lang: 'fr' | 'en'): string => {
    const fr = lang === 'fr';
    const parts: string[] = [];
    if (r.cells)
      parts.push(
        fr
          ? `${r.cells.voltages.filter((v) => v !== null).length} cellules, écart ${formatNumber(r.cells.spread, lang, 3)} V (cellule ${r.cells.minCell} la plus basse)`
          : `${r.cells.voltages.filter((v) => v !== null).length} cells, spread ${formatNumber(r.cells.spread, lang, 3)} V (cell ${r.cells.minCell} lowest)`,
      );
    else parts.push(fr ? 'tensions des cellules non lues' : 'cell voltages not read');
    if (r.soh) parts.push(`SoH ${formatNumber(r.soh.value, lang, 1)} %`);
    else parts.push(fr ? 'SoH non lu' : 'SoH not read');
    return `${parts.join(', ')} — ${r.vehicle.name[lang]}, ${describeSource(r.source)[lang]}`;
  };
  return { fr: say('fr'), en: say('en') };
}
