import type { Lang, Text } from '@atelier/obd';
import type { BatteryReport, BatteryReportSource } from './report.js';

/**
 * Reading a traction battery through the diagnostic socket is no electrical work, but what the report
 * leads to may be: the note every report carries (NF C18-550, the French standard for work on
 * electrically powered vehicles).
 */
export const HV_NOTE: Text = {
  fr: "Batterie haute tension. La lecture par la prise de diagnostic n'est pas une opération électrique ; toute intervention sur le système haute tension (consignation, dépose, ouverture du pack) demande l'habilitation NF C18-550 correspondante (B1VL/B2VL pour les travaux hors tension, BCL pour la consignation, B1XL/B2XL pour les opérations sur batterie) et les EPI adaptés. Non habilité : B0L au plus, pas d'intervention sur les organes orange.",
  en: 'High-voltage battery. Reading it through the diagnostic socket is not electrical work; any work on the high-voltage system (lockout, removal, opening the pack) requires the matching NF C18-550 habilitation (B1VL/B2VL for de-energised work, BCL for lockout, B1XL/B2XL for battery operations) and suitable PPE. Without it: B0L at most, no work on orange parts.',
};

export const QUANTITY_LABEL: Record<string, Text> = {
  packVoltage: { fr: 'Tension du pack', en: 'Pack voltage' },
  packCurrent: { fr: 'Courant du pack', en: 'Pack current' },
  soc: { fr: 'État de charge (SoC)', en: 'State of charge (SoC)' },
  soh: { fr: 'État de santé (SoH)', en: 'State of health (SoH)' },
  cellVoltages: { fr: 'Tensions des cellules', en: 'Cell voltages' },
  temperatures: { fr: 'Températures', en: 'Temperatures' },
};

/** Units written differently in each language (the definitions give the English symbol). */
const UNIT_TEXT: Record<string, Text> = { rpm: { fr: 'tr/min', en: 'rpm' } };

/** A unit as the language writes it: `rpm` is `tr/min` in French. */
export function unitText(unit: string, lang: Lang): string {
  return UNIT_TEXT[unit]?.[lang] ?? unit;
}

/**
 * Decimals shown for a reading of this unit. The report keeps each value at its definition's
 * resolution (the Leaf's SoC in 0.0001 %, its current in 1/1024 A, the Kona's operating time in
 * seconds as hours), which is what the JSON gives; a screen shows what a technician reads: the pack
 * in 0.01 V, current to 0.01 A, percentages, energies, powers and temperatures to one decimal,
 * speeds and resistances whole. Cell voltages are shown to the millivolt apart from this.
 */
const DISPLAY_DIGITS: Record<string, number> = {
  V: 2,
  A: 2,
  '%': 1,
  Ah: 1,
  kWh: 1,
  kW: 1,
  h: 1,
  '°C': 1,
  Hz: 1,
  rpm: 0,
  kΩ: 0,
};

/** A reading as a screen shows it: rounded for its unit (see DISPLAY_DIGITS), in the language's way. */
export function formatReading(v: number, unit: string, lang: Lang): string {
  return formatNumber(v, lang, DISPLAY_DIGITS[unit] ?? 2);
}

/** A number as the language writes it (decimal comma in French), rounded to `digits` decimals when given. */
export function formatNumber(v: number, lang: Lang, digits?: number): string {
  const s = String(digits === undefined ? v : Number(v.toFixed(digits)));
  return lang === 'fr' ? s.replace('.', ',') : s;
}
const fmt = (v: number, lang: Lang) => formatNumber(v, lang);

/**
 * What a recording is, as the dashboard labels recordings everywhere: one made by Atelier's
 * simulator says so in the file; any other is "a recording", never "a real car" (nothing in a log
 * proves a car was there).
 */
export function recordingOriginLabel(origin: 'atelier-simulator' | 'unknown' | undefined): Text {
  return origin === 'atelier-simulator'
    ? {
        fr: "enregistrement d'un véhicule simulé (Atelier)",
        en: 'recording of a simulated vehicle (Atelier)',
      }
    : { fr: 'enregistrement', en: 'recording' };
}

/** A date as `2022-01-06 11:46:01 UTC` (the report says where and when, not in the reader's zone). */
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

/**
 * Where a report's figures come from, in one phrase per language (lower case: it follows a label): a live car (adapter,
 * protocol), Atelier's simulated vehicle (scenario, adapter), or a recording (file, origin, the span
 * of the answers used), for the terminal, the JSON reader and the dashboard alike.
 */
export function describeSource(s: BatteryReportSource): Text {
  const say = (lang: Lang): string => {
    const fr = lang === 'fr';
    const n = (v: number) => formatNumber(v, lang, 1);
    if (s.kind === 'recording') {
      const what = recordingOriginLabel(s.origin)[lang];
      const scenario =
        s.origin === 'atelier-simulator' && s.scenario
          ? fr
            ? `, scénario ${s.scenario}`
            : `, scenario ${s.scenario}`
          : '';
      const head = s.via
        ? fr
          ? `session « ${s.via} » rejouant le fichier « ${s.name} » (${what}${scenario})`
          : `session “${s.via}” replaying the file “${s.name}” (${what}${scenario})`
        : fr
          ? `fichier « ${s.name} » (${what}${scenario})`
          : `file “${s.name}” (${what}${scenario})`;
      const span = s.span;
      const start = span?.start
        ? fr
          ? `, débutant le ${utc(span.start)}`
          : `, which starts ${utc(span.start)}`
        : '';
      const when =
        span && !s.via
          ? fr
            ? ` ; réponses utilisées de ${n(span.from)} s à ${n(span.to)} s de l'enregistrement${start}`
            : `; answers used from ${n(span.from)} s to ${n(span.to)} s into the recording${start}`
          : '';
      return head + when;
    }
    const protocol = s.protocol ? (fr ? `, protocole ${s.protocol}` : `, protocol ${s.protocol}`) : '';
    if (s.kind === 'simulator')
      return fr
        ? `véhicule simulé (Atelier)${s.scenario ? `, scénario ${s.scenario}` : ''} : lu en direct par ${s.adapter ?? s.name}${protocol} — pas une voiture réelle`
        : `simulated vehicle (Atelier)${s.scenario ? `, scenario ${s.scenario}` : ''}: read live through ${s.adapter ?? s.name}${protocol} — not a real car`;
    const version = s.adapterVersion ? ` (${s.adapterVersion})` : '';
    return fr
      ? `session en direct, adaptateur ${s.adapter ?? s.name}${version}${protocol}`
      : `live session, adapter ${s.adapter ?? s.name}${version}${protocol}`;
  };
  return { fr: say('fr'), en: say('en') };
}

/** The report as text for a terminal, in the user's language. */
export function formatBatteryReport(r: BatteryReport, lang: Lang): string {
  const L = (t: Text) => t[lang];
  const fr = lang === 'fr';
  const lines: string[] = [];
  const ecu = `0x${r.vehicle.ecu.request.toString(16).toUpperCase()} → 0x${r.vehicle.ecu.response.toString(16).toUpperCase()}`;
  lines.push(`${L(r.vehicle.name)} — ${r.vehicle.protocol.toUpperCase()} ${ecu}`);
  lines.push(
    fr
      ? `Source : ${L(describeSource(r.source))} (${r.answers} réponse(s) décodée(s))`
      : `Source: ${L(describeSource(r.source))} (${r.answers} answer(s) decoded)`,
  );
  lines.push('');
  // Labels in one column, as wide as the longest (the Kona's extras are long).
  const W = Math.max(32, ...[...r.extras, ...r.drive].map((e) => L(e.label).length));
  const value = (v: number, unit: string) =>
    `${formatReading(v, unit, lang)}${unit ? ` ${unitText(unit, lang)}` : ''}`;
  for (const q of ['packVoltage', 'packCurrent', 'soc', 'soh'] as const) {
    const v = r[q];
    if (v) lines.push(`  ${L(QUANTITY_LABEL[q]).padEnd(W)} ${value(v.value, v.unit)}`);
  }
  for (const e of r.extras) lines.push(`  ${L(e.label).padEnd(W)} ${value(e.value, e.unit)}`);
  if (r.cells) {
    const c = r.cells;
    const cell = (v: number) => formatNumber(v, lang, 3);
    lines.push(
      fr
        ? `  ${'Cellules'.padEnd(W)} min ${cell(c.min)} V (n° ${c.minCell}), max ${cell(c.max)} V (n° ${c.maxCell}), écart ${fmt(Math.round(c.spread * 1000), lang)} mV`
        : `  ${'Cells'.padEnd(W)} min ${cell(c.min)} V (#${c.minCell}), max ${cell(c.max)} V (#${c.maxCell}), spread ${Math.round(c.spread * 1000)} mV`,
    );
  }
  if (r.temperatures) {
    const list = r.temperatures.values
      .map((v) => (v === null ? '—' : formatReading(v, '°C', lang)))
      .join(' / ');
    lines.push(`  ${L(QUANTITY_LABEL.temperatures).padEnd(W)} ${list} °C`);
  }
  if (r.drive.length) {
    lines.push(
      '',
      fr
        ? 'Moteur et onduleur (tels que le calculateur batterie les donne) :'
        : 'Drive motor and inverter (as the battery ECU reports them):',
    );
    for (const e of r.drive) lines.push(`  ${L(e.label).padEnd(W)} ${value(e.value, e.unit)}`);
  }
  if (r.missing.length) {
    lines.push('', fr ? 'Non disponible :' : 'Not available:');
    for (const m of r.missing)
      lines.push(
        `  ${L(QUANTITY_LABEL[m.quantity] ?? { fr: m.quantity, en: m.quantity })}${fr ? ' : ' : ': '}${L(m.reason)}`,
      );
  }
  if (r.checks.length) {
    lines.push('', fr ? 'Vraisemblance :' : 'Plausibility:');
    for (const c of r.checks) lines.push(`  ${c.ok ? 'ok ' : '!! '} ${L(c.detail)}`);
  }
  lines.push('', `⚠ ${L(HV_NOTE)}`);
  return `${lines.join('\n')}\n`;
}
