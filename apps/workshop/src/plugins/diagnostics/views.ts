/**
 * The pages of diagnostic sessions, as functions of what was loaded: the session list, a session
 * (adapter, readings, live data, guided diagnosis), the path a diagnosis took. No route and no
 * store access here: the session, guided and report plugins load, these render.
 */
import {
  describeBatteryCharge,
  describeRoutineRun,
  type GuidedSession as GS,
  GuidedSession,
  habilitationOf,
  indexText,
  measurementsFor,
  type Recommendation,
  rangeText,
  requiredSymbolOf,
  type SessionData,
  type SessionOutcome,
  safetyText,
  strongestEffect,
  UNLOCK_STEP,
  type VerifyMissing,
  verifyOutcome,
  wordText,
} from '@atelier/diagnosis';
import { recordingOriginLabel } from '@atelier/ev';
import { dtcTitle, ecuName, MONITORS, PIDS, parseEcuLabel } from '@atelier/obd';
import type { FastifyRequest } from 'fastify';
import { formatDateTime, formatDay, formatNumber, type Lang, type Text, tr } from '../../i18n.js';
import type { AdapterOption } from '../../services/adapter-offer.js';
import { type AdapterKind, PROBLEM_TEXT, type ProblemCode } from '../../services/adapters.js';
import {
  canAct,
  type DiagSession,
  guidedOf,
  probabilitiesShown,
  problemDetail,
  type SessionOverview,
  type StoredReading,
} from '../../services/diagnostics.js';
import { type HabStanding, holdersText, SYMBOL_INFO } from '../../services/habilitations.js';
import { causeName, knowledgeBase, testName as testText } from '../../services/knowledge.js';
import type { RepairOrder } from '../../services/orders.js';
import type { RecordingAnalysis } from '../../services/recordings.js';
import { SIM_ROAD_TEST_MIN } from '../../services/scenarios.js';
import { monitorKey } from '../../services/session-facts.js';
import { type Html, html, jsonScript } from '../../web/html.js';
import { csrfField, T } from '../../web/layout.js';
import { DIAG_WORKERS } from '../../web/types.js';

export const ADAPTER_LABEL: Record<AdapterKind, Text> = {
  serial: { fr: 'ELM327 sur port série (USB, Bluetooth)', en: 'ELM327 on a serial port (USB, Bluetooth)' },
  tcp: { fr: 'ELM327 Wi-Fi (TCP)', en: 'ELM327 Wi-Fi (TCP)' },
  socketcan: { fr: 'Interface SocketCAN', en: 'SocketCAN interface' },
  scenario: { fr: 'Scénario de formation (véhicule simulé)', en: 'Training scenario (simulated vehicle)' },
};

/**
 * What a recording is, as far as its file says: made by Atelier's simulator (the file carries the
 * mark, see @atelier/can's origin.ts), else just a recording. Nothing in a log proves a real car
 * was there, so "real" is never claimed.
 */
export function recordingOriginText(analysis: Partial<RecordingAnalysis> | undefined): Text {
  return recordingOriginLabel(analysis?.origin?.source);
}

/** A scenario played by a recording: labelled by what its file says it is. */
export function recordedLabel(analysis: Partial<RecordingAnalysis> | undefined): Text {
  const o = recordingOriginText(analysis);
  return { fr: `Scénario de formation (${o.fr})`, en: `Training scenario (${o.en})` };
}

/** What a recorded scenario can answer, and the battery report when it holds battery reads. */
function recordingNote(req: FastifyRequest, s: DiagSession, o: SessionOverview, connected: boolean): Html {
  const a = o.recording?.analysis;
  if (!a) return html``;
  const asks = (a.ecus ?? [])
    .map((e) => `${e.request} → ${e.response} : ${e.requests.join(', ')}`)
    .join(' ; ');
  const battery = a.battery
    ? html`<p class="battery-session">${T(req, { fr: 'Session « batterie de traction » : cet enregistrement contient les lectures du calculateur batterie. Connectez, puis lisez le rapport batterie.', en: 'Traction-battery session: this recording holds the battery ECU being read. Connect, then read the battery report.' })} ${
        connected
          ? html`<a href="/diagnostics/${s.id}/battery" id="battery-report" class="button">${T(req, { fr: 'Lire la batterie de traction', en: 'Read the traction battery' })}</a>`
          : ''
      }</p>`
    : html``;
  const noObd = !(a.obd?.services ?? []).length
    ? html`<p class="muted">${T(req, { fr: "L'enregistrement ne contient pas de requête OBD-II : une lecture OBD ne trouvera rien, ce n'est pas un défaut du véhicule.", en: 'The recording holds no OBD-II request: an OBD read will find nothing, which is not a fault of the vehicle.' })}</p>`
    : html``;
  // OBD-II requests, but never 01 00: the session reaches the car without an ELM327's search.
  const noBitmap =
    (a.obd?.services ?? []).length && !(a.obd?.pids ?? []).includes('00')
      ? html`<p class="muted" id="no-pid-bitmap">${T(req, { fr: "L'enregistrement ne contient pas la demande 01 00 (les PID pris en charge) : la session rejoint le véhicule directement en ISO-TP et lit les PID que l'enregistrement contient.", en: 'The recording does not hold the 01 00 request (the supported PIDs): the session reaches the car directly over ISO-TP and reads the PIDs the recording holds.' })}</p>`
      : html``;
  return html`<div class="card recording-note"><p>${T(req, { fr: 'Enregistrement', en: 'Recording' })} <strong>${o.recording!.name}</strong>${asks ? html` — ${T(req, { fr: 'répond à', en: 'answers' })} ${asks}` : ''}</p>${battery}${noObd}${noBitmap}</div>`;
}

export const STATE_TEXT: Record<DiagSession['state'], Text> = {
  new: { fr: 'non connecté', en: 'not connected' },
  connected: { fr: 'connecté', en: 'connected' },
  disconnected: { fr: 'liaison perdue', en: 'link lost' },
  closed: { fr: 'terminée', en: 'finished' },
};

const DTC_KIND: Record<string, Text> = {
  stored: { fr: 'mémorisé', en: 'stored' },
  pending: { fr: 'en attente', en: 'pending' },
  permanent: { fr: 'permanent', en: 'permanent' },
  'after.stored': { fr: 'après réparation', en: 'after repair' },
  'after.pending': { fr: 'en attente après réparation', en: 'pending after repair' },
  'after.permanent': {
    fr: 'permanent après réparation (reste jusqu’au contrôle suivant)',
    en: 'permanent after repair (stays until the next check)',
  },
};

/** A question of the scan in words (`dtcs.stored`, `freeze.0C`, `after.dtcs.pending` …), never its key. */
/**
 * Why each question was not read, in the reader's language: the error's French words (the adapter's
 * own, « NO DATA », quoted as it said them), or its English message for a reading stored before the
 * French was kept. Folded, so that a page with forty unread PIDs stays readable.
 */
function notReadWhy(req: FastifyRequest, errors: StoredReading[]) {
  const why = (r: StoredReading) => {
    const v = r.value as { message?: string; fr?: string };
    return req.lang === 'fr' ? (v.fr ?? v.message ?? '') : (v.message ?? '');
  };
  const said = errors.filter((r) => why(r) !== '');
  if (!said.length) return '';
  return html`<details class="not-read-why"><summary>${T(req, { fr: 'Pourquoi ?', en: 'Why?' })}</summary><ul>${said.map(
    (r) =>
      html`<li>${r.ecu ? `${ecuText(req.lang, r.ecu)} — ` : ''}${questionText(req, r.item)} : ${why(r)}</li>`,
  )}</ul></details>`;
}

function questionText(req: FastifyRequest, item: string): string {
  if (item.startsWith('after.'))
    return `${questionText(req, item.slice(6))} ${T(req, { fr: '(vérification)', en: '(verification)' })}`;
  const [q, arg = ''] = item.split('.');
  switch (q) {
    case 'dtcs':
      return `${T(req, { fr: 'codes', en: 'codes' })} ${T(req, dtcKind(arg))}`;
    case 'freeze':
      return `${T(req, { fr: 'données figées', en: 'freeze frame' })}${arg === '02' ? '' : ` — ${pidLabel(req.lang, arg)}`}`;
    case 'live':
      return `${T(req, { fr: 'données en direct', en: 'live data' })} — ${pidLabel(req.lang, arg)}`;
    case 'readiness':
      return T(req, { fr: 'état des moniteurs', en: 'monitor readiness' });
    case 'uds':
      return T(req, { fr: 'mémoire de défauts UDS', en: 'UDS fault memory' });
    case 'supported':
      return T(req, { fr: 'PID pris en charge', en: 'supported PIDs' });
    case 'vin':
      return 'VIN';
    default:
      return T(req, { fr: 'autre lecture', en: 'other reading' });
  }
}

/** A memory in words; never the internal key (an unknown one reads as "code"). */
const dtcKind = (item: string): Text => DTC_KIND[item] ?? { fr: 'code', en: 'code' };

/** A monitor's name as @atelier/obd gives it (older sessions stored a few under other names). */
const monitorName = (name: string): Text => MONITORS.get(monitorKey(name)) ?? { fr: name, en: name };

/** PIDs offered for live data when the car has not been read yet (the common engine ones). */
const DEFAULT_LIVE = ['0C', '0D', '05', '04', '11', '06', '07'];

/** The unit of a one-value PID ('' for several values or an unknown PID): each has its own axis. */
export const pidUnit = (hex: string): string => {
  const def = PIDS.get(Number.parseInt(hex, 16));
  return def && def.fields.length === 1 ? def.fields[0]!.unit : '';
};

export const pidLabel = (lang: Lang, hex: string): string => {
  const def = PIDS.get(Number.parseInt(hex, 16));
  if (!def) return hex;
  const unit = def.fields.length === 1 ? def.fields[0]!.unit : '';
  return `${def.name[lang]}${unit ? ` (${unit})` : ''}`;
};

/**
 * A session's adapter problem: the plain words and what to check, then, when the failing layer
 * said more (which ECU, which frame was due), its own words in the reader's language.
 */
export function problemHtml(req: FastifyRequest, code: string, said?: Text): Html {
  const p = PROBLEM_TEXT[code as ProblemCode] ?? PROBLEM_TEXT.unknown;
  const detail = said ? html`<small class="problem-detail">${T(req, said)}</small>` : html``;
  return html`<div class="problem" role="alert" data-problem="${code}"><strong>${T(req, p.what)}</strong> ${T(req, p.check)}${detail}</div>`;
}

const pct = (lang: Lang, p: number) =>
  `${(p * 100).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 })} %`;

const testName = (req: FastifyRequest, id: string): string => T(req, testText(id));

/**
 * The fields of every guided-diagnosis form: the CSRF token and the version of the guided state the
 * page shows, so that a second click made from the same page is refused instead of applied twice.
 */
const guidedFields = (req: FastifyRequest, version: number): Html =>
  html`${csrfField(req)}<input type="hidden" name="version" value="${version}">`;

/** A safety step in words; a habilitation (and the lock-out's) is checked against the person's titles in the register. */
const safetyName = (req: FastifyRequest, id: string) =>
  `${T(req, safetyText(id))}${requiredSymbolOf(id) ? T(req, { fr: ' — vérifiée au registre du personnel', en: ' — checked against the people register' }) : ''}`;

/** Where the reader stands, per NF C18-550 symbol, for the habilitations a guided step is checked against. */
export type Standings = ReadonlyMap<string, HabStanding>;

/**
 * Said before the click on a gated safety step: the reader holds the habilitation it needs (which,
 * until when), or not — why (none, renewal overdue) and who on the site holds it.
 */
function standingNote(req: FastifyRequest, sid: string, standings: Standings | undefined): Html {
  const symbol = requiredSymbolOf(sid);
  const st = symbol ? standings?.get(symbol) : undefined;
  if (!st) return html``;
  const role = T(req, SYMBOL_INFO[st.symbol].role).toLowerCase();
  if (st.check.ok)
    return html`<p class="hab-standing" data-safety-for="${sid}" data-held="true">✔ ${T(req, { fr: 'Vous détenez {s}', en: 'You hold {s}' }, { s: st.check.symbol })}${st.renewalOn ? T(req, { fr: ', valide jusqu’au {d}', en: ', valid until {d}' }, { d: formatDay(req.lang, st.renewalOn) }) : ''} (${st.symbol} : ${role}).</p>`;
  return html`<p class="hab-standing" data-safety-for="${sid}" data-held="false" role="note">✘ <strong>${T(req, { fr: 'Habilitation {s} requise, non détenue', en: '{s} habilitation needed, not held' }, { s: st.symbol })}</strong> (${role}) : ${T(req, st.check.reason)}. ${T(req, holdersText(st))}</p>`;
}

const READ_STEP: Record<string, Text> = {
  dtc: { fr: 'Lecture des codes défaut', en: 'Trouble codes read' },
  complaint: { fr: 'Plainte du client prise en compte', en: "Customer's complaint taken into account" },
  freeze_frame: { fr: 'Lecture des données figées', en: 'Freeze frame read' },
  readiness: { fr: 'Lecture de la préparation des moniteurs', en: 'Monitor readiness read' },
  live: { fr: 'Observation des données en direct', en: 'Live data watched' },
};

/** The path as a list a mechanic, an instructor or a customer can read. */
export function pathList(
  req: FastifyRequest,
  data: SessionData | null,
  options: { probabilities?: boolean } = {},
): Html {
  if (!data) return html``;
  const outcome = (o: string) =>
    T(req, o === 'bad' ? { fr: 'mauvais', en: 'bad' } : { fr: 'bon', en: 'good' });
  return html`<ol class="path">${data.steps.map((s) => {
    switch (s.kind) {
      case 'read':
        return html`<li class="step-read">${T(req, READ_STEP[s.what] ?? { fr: s.what, en: s.what })}</li>`;
      case 'test':
        return html`<li class="step-test">${testName(req, s.id)}${s.measured ? html` — <span class="measured">${measuredText(req, s.measured, s.id)}</span>` : ''} → <strong>${outcome(s.outcome)}</strong>${s.certainty !== undefined ? html` <span class="muted">(${T(req, { fr: 'près du seuil, certitude', en: 'near the threshold, certainty' })} ${pct(req.lang, s.certainty)})</span>` : ''} <span class="muted">(${s.minutes} min, ${formatNumber(req.lang, s.cost)} €)</span></li>`;
      case 'safety':
        return html`<li class="step-safety">⚠ ${safetyName(req, s.id)}</li>`;
      case 'repair':
        return html`<li class="step-repair">${T(req, { fr: 'Réparation', en: 'Repair' })} : ${T(req, causeName(s.cause, data.treeId))} <span class="muted">(${s.minutes} min, ${formatNumber(req.lang, s.cost)} €)</span></li>`;
      case 'unable':
        return html`<li class="step-unable">${testName(req, s.id)} → <strong>${T(req, { fr: 'impossible sur ce véhicule', en: 'not possible on this car' })}</strong> <span class="muted">(${T(req, s.why)})</span></li>`;
      case 'road_test':
        return html`<li class="step-road-test">${T(req, { fr: 'Essai routier', en: 'Road test' })}${s.minutes ? ` (${s.minutes} min${s.simulated ? T(req, { fr: ', simulé', en: ', simulated' }) : ''})` : ''}</li>`;
      case 'follow_up':
        return html`<li class="step-follow-up" data-status="${s.status}">${T(req, describeRoutineRun(s.routine, s))}${s.simulated ? T(req, { fr: ' (simulée)', en: ' (simulated)' }) : ''}</li>`;
      case 'battery_charge':
        return html`<li class="step-battery-charge" data-done="${s.done}">${T(req, describeBatteryCharge(s))}${s.simulated ? T(req, { fr: ' (simulée)', en: ' (simulated)' }) : ''}</li>`;
      case 'clear':
        return html`<li class="step-clear">${s.ok ? T(req, { fr: 'Codes effacés', en: 'Codes cleared' }) : T(req, { fr: 'Effacement des codes refusé par le véhicule', en: 'Clearing the codes refused by the car' })}</li>`;
      default: {
        const monitors = s.monitors
          ? Object.entries(s.monitors)
              .map(([m, st]) => `${T(req, monitorName(m))} ${st === 'complete' ? '✔' : '✘'}`)
              .join(', ') || T(req, { fr: 'aucun à contrôler', en: 'none to check' })
          : T(req, { fr: 'non lus', en: 'not read' });
        const result = verifyOutcome(s);
        return html`<li class="step-verify" data-result="${result}">${T(req, { fr: 'Vérification', en: 'Verification' })} — <strong>${T(req, VERIFY_RESULT[result])}</strong> : ${s.symptomGone ? T(req, { fr: 'symptôme disparu', en: 'symptom gone' }) : T(req, { fr: 'symptôme non constaté disparu', en: 'symptom not seen gone' })}, ${T(req, { fr: 'codes après', en: 'codes after' })} : ${s.dtcsAfter.join(', ') || T(req, { fr: 'aucun', en: 'none' })}, ${T(req, { fr: 'moniteurs', en: 'monitors' })} : ${monitors}${s.missing && result === 'incomplete' ? html` — <span class="missing">${missingText(req, s.missing)}</span>` : ''}</li>`;
      }
    }
  })}</ol>${outcomeHtml(req, data, options.probabilities ?? true)}`;
}

/** How a session ended, in words: the cause verified and its confidence, or no cause confirmed and what next. */
export function outcomeHtml(req: FastifyRequest, data: SessionData, probabilities = true): Html {
  const o: SessionOutcome | undefined =
    data.outcome ??
    (data.conclusion ? { kind: 'cause', cause: data.conclusion, confidence: Number.NaN } : undefined);
  if (!o) return html``;
  if (o.kind === 'cause')
    return html`<p class="conclusion" data-outcome="cause"><strong>${T(req, { fr: 'Conclusion', en: 'Conclusion' })} :</strong> ${T(req, causeName(o.cause, data.treeId))}${probabilities && Number.isFinite(o.confidence) ? html` <span class="confidence">(${T(req, { fr: 'confiance', en: 'confidence' })} ${pct(req.lang, o.confidence)})</span>` : ''}${o.verified === false ? html` — <span class="unverified">${T(req, { fr: 'réparation non vérifiée', en: 'repair not verified' })}${o.unverified ? ` : ${T(req, o.unverified)}` : ''}</span>` : ''}</p>`;
  return html`<div class="conclusion no-cause" data-outcome="no-cause"><p><strong>${T(req, { fr: 'Aucune cause confirmée', en: 'No cause confirmed' })}</strong> — ${T(req, NO_CAUSE_REASON[o.reason])}</p>
${
  o.leading.length
    ? html`<p class="leading">${T(req, { fr: 'Causes encore possibles, aucune confirmée', en: 'Causes still possible, none confirmed' })} : ${o.leading
        .map(
          (p) =>
            `${T(req, causeName(p.cause, data.treeId))}${probabilities ? ` (${pct(req.lang, p.probability)})` : ''}`,
        )
        .join(
          ', ',
        )}${probabilities ? ` ; ${T(req, { fr: 'cause hors de cet arbre', en: 'a cause outside this tree' })} ${pct(req.lang, o.unexplained)}` : ''}</p>`
    : ''
}
<h4>${T(req, { fr: 'Que faire ensuite', en: 'What to do next' })}</h4><ul class="advice">${o.advice.map((a) => html`<li>${T(req, a)}</li>`)}</ul></div>`;
}

const VERIFY_RESULT: Record<'cured' | 'not-cured' | 'incomplete', Text> = {
  cured: { fr: 'réparation validée', en: 'repair validated' },
  'not-cured': { fr: 'non réparé', en: 'not cured' },
  incomplete: { fr: 'vérification incomplète', en: 'verification incomplete' },
};

const NO_CAUSE_REASON: Record<'tested-good' | 'below-threshold' | 'all-repaired', Text> = {
  'tested-good': {
    fr: 'les causes qui valaient un test ont été testées bonnes.',
    en: 'the causes worth a test were tested good.',
  },
  'below-threshold': {
    fr: 'rien de ce que montre le véhicule ne rend une cause de cet arbre assez probable pour la tester.',
    en: 'nothing the car shows makes a cause of this tree likely enough to test.',
  },
  'all-repaired': {
    fr: 'chaque cause de cet arbre a été réparée sans faire disparaître le symptôme.',
    en: 'every cause of this tree was repaired without curing the symptom.',
  },
};

/** What an incomplete verification still lacks, in words. */
export function missingText(req: FastifyRequest, m: VerifyMissing): string {
  const parts: string[] = [];
  if (m.roadTest) parts.push(T(req, { fr: 'essai routier non fait', en: 'road test not done' }));
  if (m.batteryCharge)
    parts.push(
      T(req, {
        fr: 'batterie non rechargée : vidée par la panne, elle retient la tension de charge — la recharger avant de juger la réparation',
        en: 'battery not charged: drained by the fault, it holds the charging voltage down — charge it before judging the repair',
      }),
    );
  if (m.readiness) parts.push(T(req, { fr: 'état des moniteurs non lu', en: 'readiness not read' }));
  if (m.monitors.length)
    parts.push(
      `${T(req, { fr: 'moniteurs non terminés', en: 'monitors not complete' })} : ${m.monitors.map((x) => T(req, monitorName(x))).join(', ')}`,
    );
  return parts.join(' ; ');
}

/**
 * A measured value as a mechanic reads it, named by what the test measured and numbers in the
 * page's language: "résistance secondaire de la bobine (cylindre 2) : 2,4 kΩ à 20 °C".
 */
export function measuredText(
  req: FastifyRequest,
  m: {
    spec?: number;
    value: number | string;
    unit: string;
    index?: string | number;
    source?: 'simulated' | 'typed';
    conditions?: Record<string, number | string | boolean>;
  },
  testId?: string,
): string {
  const n = (x: number) =>
    x.toLocaleString(req.lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 });
  const spec =
    testId !== undefined && m.spec !== undefined
      ? knowledgeBase().tests.get(testId)?.measure[m.spec]
      : undefined;
  const temp = typeof m.conditions?.temperatureC === 'number' ? m.conditions.temperatureC : undefined;
  const value =
    typeof m.value === 'number'
      ? `${n(m.value)}${m.unit ? ` ${m.unit}` : ''}`
      : wordText(m.value, req.lang === 'en' ? 'en' : 'fr');
  const where =
    m.index === undefined
      ? ''
      : spec
        ? ` (${indexText(spec, m.index, req.lang === 'en' ? 'en' : 'fr')})`
        : typeof m.index === 'number'
          ? ` (${T(req, { fr: 'cylindre', en: 'cylinder' })} ${m.index})`
          : ` (${m.index})`;
  const what = spec ? T(req, spec.label) : T(req, { fr: 'mesuré', en: 'measured' });
  const typed = m.source === 'typed' ? ` ${T(req, { fr: '(valeur saisie)', en: '(typed value)' })}` : '';
  return `${what}${where} : ${value}${temp !== undefined ? ` ${T(req, { fr: 'à', en: 'at' })} ${n(temp)} °C` : ''}${typed}`;
}

/** A freeze-frame value as a mechanic reads it, in the page's locale: a number, or each field of a multi-value PID. */
export const freezeValue = (lang: Lang, v: unknown): string =>
  typeof v === 'number'
    ? formatNumber(lang, v)
    : v && typeof v === 'object'
      ? Object.entries(v)
          .map(([k, x]) => `${k} = ${typeof x === 'number' ? formatNumber(lang, x) : x}`)
          .join(', ')
      : String(v);

/** An ECU by its name where the standards give one, with its address: « Moteur (ECM) · 7E8 ». */
export function ecuText(lang: Lang, label: string): string {
  const parsed = parseEcuLabel(label);
  const name = parsed ? ecuName(parsed.address, parsed.extended) : undefined;
  return name ? `${name[lang]} · ${label}` : label;
}

function readingsSection(req: FastifyRequest, s: DiagSession, readings: StoredReading[]): Html {
  const vin = readings.find((r) => r.kind === 'vin');
  const dtcs = readings.filter((r) => r.kind === 'dtcs');
  const readiness = readings.filter((r) => r.kind === 'readiness');
  // A freeze-frame reading of null is an ECU saying it stored none: nothing to show in the table.
  const freeze = readings.filter((r) => r.kind === 'freeze' && r.value !== null);
  const uds = readings.filter((r) => r.kind === 'uds' && r.item === '');
  // What was not read, per question and ECU, unless a later reading answered it; what the car says
  // it does not have is an answer, not a failure.
  const question = (r: StoredReading) =>
    r.kind === 'dtcs'
      ? `dtcs.${r.item}`
      : r.kind === 'freeze'
        ? `freeze.${r.item === 'dtc' ? '02' : r.item}`
        : r.kind;
  const answered = new Set(readings.filter((r) => r.kind !== 'error').map((r) => `${question(r)}|${r.ecu}`));
  const errors = readings.filter(
    (r) =>
      r.kind === 'error' &&
      (r.value as { status?: string }).status !== 'not-supported' &&
      !answered.has(`${r.item}|${r.ecu}`),
  );
  // An ECU found that stayed silent on a DTC memory: "no answer", never "no DTCs".
  const silent = errors.filter((r) => r.item.startsWith('dtcs.') && r.ecu);
  const notRead = errors.filter((r) => !silent.includes(r));
  const vinCheck: Record<string, Text> = {
    match: { fr: "conforme au véhicule de l'OR", en: "matches the order's vehicle" },
    mismatch: {
      fr: "DIFFÉRENT du véhicule de l'OR : vérifiez le véhicule branché",
      en: "DIFFERENT from the order's vehicle: check the car connected",
    },
    unread: { fr: 'non lu', en: 'not read' },
  };
  // Each code once per ECU, with a badge for every memory it is in (stored, pending, permanent…).
  const memories = new Map<string, { code: string; ecu: string; kinds: string[] }>();
  for (const r of dtcs)
    for (const code of r.value as string[]) {
      const key = `${r.ecu}|${code}`;
      const m = memories.get(key) ?? { code, ecu: r.ecu, kinds: [] };
      if (!m.kinds.includes(r.item)) m.kinds.push(r.item);
      memories.set(key, m);
    }
  const rows = [
    ...[...memories.values()].map(
      (m) =>
        html`<tr class="dtc" data-code="${m.code}"><td><code>${m.code}</code></td><td>${dtcTitle(m.code, req.lang)}</td><td>${ecuText(req.lang, m.ecu)}</td><td>${m.kinds.map((k) => html`<span class="badge memory-${k.replace('.', '-')}">${T(req, DTC_KIND[k] ?? { fr: k, en: k })}</span> `)}</td></tr>`,
    ),
    ...uds.flatMap((r) =>
      (r.value as { code: string; failureType: number; status: number }[]).map(
        (d) =>
          html`<tr class="dtc uds" data-code="${d.code}"><td><code>${d.code}-${d.failureType.toString(16).toUpperCase().padStart(2, '0')}</code></td><td>${dtcTitle(d.code, req.lang)}</td><td>${ecuText(req.lang, r.ecu)}</td><td>UDS (${T(req, { fr: 'état', en: 'status' })} 0x${d.status.toString(16).toUpperCase().padStart(2, '0')})</td></tr>`,
      ),
    ),
  ];
  const noneLists = dtcs.filter((r) => (r.value as string[]).length === 0);
  return html`<section class="card readings" id="readings">
<h2>${T(req, { fr: 'Lecture du véhicule', en: 'Vehicle reading' })}</h2>
<p class="vin">VIN : <code>${vin ? ((vin.value as string | null) ?? '—') : '—'}</code>${s.vin_check ? html` <span class="vin-${s.vin_check}">${T(req, vinCheck[s.vin_check]!)}</span>` : ''}</p>
<h3>${T(req, { fr: 'Codes défaut', en: 'Trouble codes' })}</h3>
${
  dtcs.length === 0 && silent.length === 0
    ? html`<p class="muted">${T(req, { fr: 'Pas encore lus.', en: 'Not read yet.' })}</p>`
    : rows.length
      ? html`<table class="dtcs"><thead><tr><th>Code</th><th>${T(req, { fr: 'Libellé', en: 'Title' })}</th><th>${T(req, { fr: 'Calculateur', en: 'ECU' })}</th><th>${T(req, { fr: 'Type', en: 'Kind' })}</th></tr></thead><tbody>${rows}</tbody></table>`
      : dtcs.length
        ? html`<p class="no-dtc">${T(req, { fr: 'Aucun code défaut.', en: 'No trouble code.' })}</p>`
        : ''
}
${silent.length ? html`<p class="error no-answer">${T(req, { fr: 'Pas de réponse', en: 'No answer' })} : ${silent.map((r) => `${ecuText(req.lang, r.ecu)} (${T(req, DTC_KIND[r.item.slice(5)] ?? { fr: r.item, en: r.item })})`).join(', ')}</p>` : ''}
${noneLists.length && rows.length ? html`<p class="muted">${T(req, { fr: 'Sans code', en: 'No code' })} : ${noneLists.map((r) => `${ecuText(req.lang, r.ecu)} (${T(req, DTC_KIND[r.item] ?? { fr: r.item, en: r.item })})`).join(', ')}</p>` : ''}
${
  notRead.length
    ? html`<p class="error not-read">${T(req, { fr: 'Non lus (le véhicule ou l’adaptateur n’a pas répondu — ce n’est pas « aucun code »)', en: 'Not read (the vehicle or adapter did not answer — this is not "no code")' })} : ${notRead
        .map((e) => `${questionText(req, e.item)}${e.ecu ? ` (${e.ecu})` : ''}`)
        .join(', ')}</p>`
    : ''
}
${notReadWhy(req, [...silent, ...notRead])}
${
  readiness.length
    ? html`<h3>${T(req, { fr: 'Préparation des moniteurs', en: 'Monitor readiness' })}</h3>${readiness.map(
        (r) => {
          const v = r.value as { mil: boolean; dtcCount: number; monitors: Record<string, string> };
          return html`<p class="readiness" data-ecu="${r.ecu}">${ecuText(req.lang, r.ecu)} : MIL ${v.mil ? T(req, { fr: 'allumé', en: 'on' }) : T(req, { fr: 'éteint', en: 'off' })}, ${v.dtcCount} ${T(req, { fr: 'code(s)', en: 'code(s)' })}</p>
<ul class="monitors">${Object.entries(v.monitors).map(([m, st]) => html`<li class="${st}">${T(req, monitorName(m))} : ${st === 'complete' ? T(req, { fr: 'prêt', en: 'complete' }) : T(req, { fr: 'non prêt', en: 'incomplete' })}</li>`)}</ul>`;
        },
      )}`
    : ''
}
${
  freeze.length
    ? html`<h3>${T(req, { fr: 'Données figées (freeze frame)', en: 'Freeze frame' })}</h3><table class="freeze"><tbody>${freeze.map(
        (r) =>
          html`<tr><th>${r.item === 'dtc' ? T(req, { fr: 'Code à l’origine', en: 'Code that stored it' }) : pidLabel(req.lang, r.item)}</th><td>${r.item === 'dtc' ? html`<code>${r.value as string}</code> ${dtcTitle(r.value as string, req.lang)}` : freezeValue(req.lang, r.value)}</td><td class="muted">${ecuText(req.lang, r.ecu)}</td></tr>`,
      )}</tbody></table>`
    : ''
}
</section>`;
}

/**
 * The verification after a repair, in the order a workshop does it: clear the codes, road-test the
 * car (a drive cycle, so that the monitors run again), then read codes and readiness again. What a
 * verification read found missing is said above the forms.
 */
function verifyForms(
  req: FastifyRequest,
  id: number,
  version: number,
  g: GS,
  simulated: boolean,
  real: boolean,
  engineStopped = false,
  standings?: Standings,
): Html {
  // The HV system still locked out after the work: every step below powers the car, so each waits,
  // disabled with the reason, for the lock-out to be lifted (the route refuses it too, 409).
  const locked = g.unlockDue();
  const off = locked ? html` disabled aria-describedby="hv-unlock-reason"` : '';
  const sinceRepair = g.steps.slice(g.steps.findLastIndex((x) => x.kind === 'repair') + 1);
  const cleared = sinceRepair.some((x) => x.kind === 'clear' && x.ok);
  const roadTested = sinceRepair.some((x) => x.kind === 'road_test');
  const lastVerify = sinceRepair.findLast((x) => x.kind === 'verify');
  // What the repair calls for before the verification (a DPF regeneration after an injector): said
  // first, with the button that runs its routine on a simulated car through the scan tool.
  const followUp = g.followUp();
  const lastRun = sinceRepair.findLast((x) => x.kind === 'follow_up');
  const lastCharge = sinceRepair.findLast((x) => x.kind === 'battery_charge');
  const drive = g.verificationDrive(SIM_ROAD_TEST_MIN);
  const followUpItem = followUp
    ? html`<li class="follow-up"><strong>${T(req, { fr: 'Après la réparation', en: 'After the repair' })}</strong> : ${T(req, followUp)}${
        followUp.routine && simulated && engineStopped
          ? html` <span class="tag engine-stopped">${T(req, { fr: 'moteur arrêté : la routine le demande en marche', en: 'engine stopped: the routine needs it running' })}</span> <form method="post" action="/diagnostics/${id}/guided/start-engine" class="inline">${guidedFields(req, version)}<button type="submit" id="guided-start-engine"${off}>${T(req, { fr: 'Démarrer le moteur (véhicule simulé)', en: 'Start the engine (simulated car)' })}</button></form>`
          : ''
      }${
        followUp.routine && simulated
          ? html` <form method="post" action="/diagnostics/${id}/guided/follow-up" class="inline">${guidedFields(req, version)}<button type="submit" id="guided-follow-up"${off}>${T(req, { fr: `${followUp.routine.name.fr} sur le véhicule simulé (en accéléré)`, en: `${followUp.routine.name.en} on the simulated car (fast-forwarded)` })}</button></form>`
          : followUp.routine && real
            ? html` <span class="muted">(${T(req, { fr: 'à faire à l’outil constructeur', en: 'to be done with the maker’s tool' })})</span>`
            : ''
      }${lastRun?.kind === 'follow_up' ? html` <span class="tag follow-up-${lastRun.status}">${T(req, describeRoutineRun(lastRun.routine, lastRun))}</span>` : ''}${
        g.batteryChargeDue() && (simulated || real)
          ? html` <form method="post" action="/diagnostics/${id}/guided/charge-battery" class="inline">${guidedFields(req, version)}<button type="submit" id="guided-charge-battery">${T(req, simulated ? { fr: 'Recharger la batterie au chargeur (véhicule simulé, en accéléré)', en: 'Charge the battery on the charger (simulated car, fast-forwarded)' } : { fr: 'Batterie rechargée : charge terminée au chargeur', en: 'Battery charged: the charger has ended its charge' })}</button></form>`
          : ''
      }${lastCharge?.kind === 'battery_charge' ? html` <span class="tag battery-charge" data-done="${lastCharge.done}">${T(req, describeBatteryCharge(lastCharge))}</span>` : ''}</li>`
    : '';
  const monitors = g.tree.monitors.map((m) => T(req, monitorName(m))).join(', ');
  const road =
    drive.road === 'motorway' ? { fr: ' sur voie rapide', en: ' on a fast road' } : { fr: '', en: '' };
  const roadTestForm = simulated
    ? html` <form method="post" action="/diagnostics/${id}/guided/road-test" class="inline">${guidedFields(req, version)}<button type="submit" id="guided-road-test"${off}>${T(req, { fr: `Essai routier simulé (${drive.minutes} min${road.fr} en accéléré)`, en: `Simulated road test (${drive.minutes} min${road.en}, fast-forwarded)` })}</button></form>`
    : real
      ? html` <form method="post" action="/diagnostics/${id}/guided/road-test" class="inline">${guidedFields(req, version)}<button type="submit" id="guided-road-test"${off}>${T(req, { fr: 'Essai routier fait', en: 'Road test done' })}</button></form>`
      : '';
  return html`<div class="verify">
${locked ? unlockForm(req, id, version, standings, 'verify') : ''}
${
  lastVerify?.kind === 'verify' && lastVerify.missing && verifyOutcome(lastVerify) === 'incomplete'
    ? html`<p class="verify-incomplete" role="status"><strong>${T(req, { fr: 'Vérification incomplète — rien n’est prouvé, ni réparé ni en échec', en: 'Verification incomplete — nothing is proven, neither cured nor failed' })}</strong> : ${missingText(req, lastVerify.missing)}.</p>`
    : ''
}
<ol class="verify-steps">
${followUpItem}
<li><form method="post" action="/diagnostics/${id}/guided/clear" class="inline">${guidedFields(req, version)}<button type="submit" id="guided-clear"${off}>${T(req, { fr: 'Effacer les codes', en: 'Clear the codes' })}</button></form>${cleared ? html` <span class="tag">${T(req, { fr: 'effacés', en: 'cleared' })}</span>` : ''}</li>
<li>${T(req, { fr: 'Essai routier : un cycle de conduite complet', en: 'Road test: a full drive cycle' })}${monitors ? html` <span class="muted">(${T(req, { fr: 'pour que ces moniteurs se terminent', en: 'so that these monitors complete' })} : ${monitors})</span>` : ''}${roadTestForm}${roadTested ? html` <span class="tag road-tested">${T(req, { fr: 'fait', en: 'done' })}</span>` : ''}</li>
<li><form method="post" action="/diagnostics/${id}/guided/verify">${guidedFields(req, version)}
<label class="check"><input type="checkbox" name="symptomGone" value="true"> ${T(req, { fr: 'Symptôme disparu à l’essai', en: 'Symptom gone on the road test' })}</label>
<button type="submit" id="guided-verify"${off}>${T(req, { fr: 'Lecture de vérification (codes et moniteurs)', en: 'Verification read (codes and monitors)' })}</button></form></li>
</ol></div>`;
}

/**
 * The lock-out to lift (déconsignation, a BCL's: NF C18-550) once the work on the HV system is over:
 * the step with where the reader stands before the click, and why the steps after it wait for it.
 */
function unlockForm(
  req: FastifyRequest,
  id: number,
  version: number,
  standings: Standings | undefined,
  state: 'verify' | 'done',
): Html {
  return html`<div class="hv-unlock"><h3>${T(req, { fr: 'Déconsignation avant la remise sous tension', en: 'Lock-out lifted before the car is powered again' })}</h3>
<p class="unlock-needed" id="hv-unlock-reason" role="note">${T(
    req,
    state === 'verify'
      ? {
          fr: 'Le système haute tension est toujours consigné : l’effacement des codes, la routine, l’essai routier et la lecture de vérification remettent le véhicule sous tension. Ils attendent la déconsignation par le chargé de consignation (BCL) : fin de travaux, outils et personnes hors de la zone.',
          en: 'The high-voltage system is still locked out: clearing the codes, the routine, the road test and the verification read power the car again. They wait for the lock-out to be lifted by the person in charge of lock-out (BCL): end of work, tools and people clear.',
        }
      : {
          fr: 'Le système haute tension est toujours consigné : le véhicule ne quitte pas l’atelier avant sa déconsignation par le chargé de consignation (BCL).',
          en: 'The high-voltage system is still locked out: the car does not leave the workshop before the person in charge of lock-out (BCL) lifts it.',
        },
  )}</p>
${safetyForms(req, id, version, [UNLOCK_STEP], standings)}</div>`;
}

/** The trees that fit the session's vehicle, to choose one by hand when nothing read or said picks one. */
function treeChoice(req: FastifyRequest, vehicle: string): Html {
  const trees = knowledgeBase().trees.filter((t) => t.vehicles.includes(vehicle as never));
  return html`<label>${T(req, { fr: 'Arbre de panne', en: 'Fault tree' })} <select name="treeId"><option value="">${T(req, { fr: '(choisi d’après la lecture et la plainte)', en: '(chosen from the reading and the complaint)' })}</option>${trees.map((t) => html`<option value="${t.id}">${T(req, t.title)}</option>`)}</select></label>`;
}

function guidedSection(
  req: FastifyRequest,
  s: DiagSession,
  canWork: boolean,
  options: {
    simulated: boolean;
    probabilities: boolean;
    vehicle: string;
    engineStopped?: boolean;
    habilitations?: Standings;
  },
): Html {
  const { simulated, probabilities } = options;
  const data = guidedOf(s);
  const id = s.id;
  const version = s.guided_version;
  if (!data)
    return html`<section class="card guided" id="guided"><h2>${T(req, { fr: 'Diagnostic guidé', en: 'Guided diagnosis' })}</h2>
${canWork ? html`<form method="post" action="/diagnostics/${id}/guided/start">${guidedFields(req, version)}${treeChoice(req, options.vehicle)} <button type="submit" id="guided-start">${T(req, { fr: 'Démarrer le diagnostic guidé', en: 'Start the guided diagnosis' })}</button></form>` : ''}
<p class="muted">${T(req, { fr: 'Lisez d’abord le véhicule : les codes défaut, les données figées et les données en direct orientent le choix de l’arbre de panne ; ce qui n’a pas été lu ne compte ni pour ni contre.', en: 'Read the car first: trouble codes, freeze frame and live data guide the choice of fault tree; what was not read counts neither for nor against.' })}</p></section>`;
  const g = GuidedSession.fromJSON(knowledgeBase(), data);
  const a = g.analysis();
  const next = g.next();
  const unread = g.signs().filter((r) => r.value === undefined);
  const causeRows = probabilities
    ? a.posteriors
    : g.tree.causes.map((c) => ({ cause: c.id, probability: Number.NaN }));
  const ranked = html`<table class="causes${probabilities ? '' : ' no-probabilities'}"><thead><tr><th>${T(req, { fr: 'Cause', en: 'Cause' })}</th>${probabilities ? html`<th>${T(req, { fr: 'Probabilité', en: 'Probability' })}</th>` : ''}</tr></thead><tbody>${causeRows.map(
    (p) =>
      html`<tr data-cause="${p.cause}"><td>${T(req, causeName(p.cause, g.tree.id))}</td>${probabilities ? html`<td><meter min="0" max="1" value="${p.probability}"></meter> ${pct(req.lang, p.probability)}</td>` : ''}</tr>`,
  )}</tbody></table>${probabilities ? html`<p class="muted outside">${T(req, { fr: 'Cause hors de cet arbre', en: 'A cause outside this tree' })} : ${pct(req.lang, a.unexplained)}${g.symptom !== 'confirmed' ? html` — ${T(req, g.symptom === 'reported' ? { fr: 'symptôme seulement décrit par le client (aucun code ne le confirme)', en: 'symptom only described by the customer (no code confirms it)' } : { fr: 'symptôme non confirmé par un code', en: 'symptom not confirmed by a code' })}` : ''}</p>` : html`<p class="muted">${T(req, { fr: 'Probabilités masquées par le formateur pour cet exercice.', en: 'Probabilities hidden by the instructor for this exercise.' })}</p>`}`;
  let action: Html = html``;
  if (canWork && g.state === 'diagnose' && next)
    action = recommendationForm(req, id, version, next, g, probabilities, simulated, options.habilitations);
  else if (canWork && g.state === 'repair') {
    const c = g.pendingRepair!;
    const confidence = data.pendingConfidence;
    // The repair's safety steps still to do (as a test's), and the habilitation for the work said
    // for the reader even once its step is recorded: the repair itself is checked on who records it.
    const missing = g.repairSafety(c.id);
    const recheck = c.repair.safety.filter((sid) => habilitationOf(sid) && !missing.includes(sid));
    // The cause and its repair first, then what it takes before it, then the button.
    action = html`<p class="repair-cause">${T(req, { fr: 'Cause trouvée', en: 'Cause found' })} : <strong class="pending-cause">${T(req, c.name)}</strong>${probabilities && confidence !== undefined ? html` <span class="confidence">(${T(req, { fr: 'confiance', en: 'confidence' })} ${pct(req.lang, confidence)})</span>` : ''} — ${T(req, c.repair)} (${formatNumber(req.lang, c.repair.hours)} h, ${formatNumber(req.lang, c.repair.parts)} €)</p>
${
  missing.length || recheck.length
    ? html`<div class="repair-safety"><h3>${T(req, { fr: 'Sécurité avant la réparation', en: 'Safety before the repair' })}</h3>
${safetyForms(req, id, version, missing, options.habilitations)}${recheck.map((sid) => standingNote(req, sid, options.habilitations))}</div>`
    : ''
}<form method="post" action="/diagnostics/${id}/guided/repair" class="repair">${guidedFields(req, version)}
<input type="hidden" name="causeId" value="${c.id}"><button type="submit" id="guided-repair">${T(req, { fr: 'Réparation faite', en: 'Repair done' })}</button></form>`;
  } else if (canWork && g.state === 'verify')
    action = verifyForms(
      req,
      id,
      version,
      g,
      simulated,
      s.adapter_kind !== 'scenario',
      options.engineStopped,
      options.habilitations,
    );
  else if (canWork && g.state === 'done' && g.unlockDue())
    action = unlockForm(req, id, version, options.habilitations, 'done');
  const stateText: Record<string, Text> = {
    diagnose: { fr: 'recherche de la cause', en: 'looking for the cause' },
    repair: { fr: 'réparation', en: 'repair' },
    verify: { fr: 'vérification', en: 'verification' },
    done: { fr: 'terminé', en: 'done' },
  };
  return html`<section class="card guided" id="guided" data-state="${g.state}">
<h2>${T(req, { fr: 'Diagnostic guidé', en: 'Guided diagnosis' })} — ${T(req, g.tree.title)} <span class="tag">${T(req, stateText[g.state]!)}</span></h2>
${batteryReadNote(req, g.facts.batteryRead)}
${g.state !== 'done' ? ranked : ''}
${g.state !== 'done' ? signList(req, g.tree.id, a.signs, unread, probabilities) : ''}
${g.state !== 'done' ? contradictionList(req, g, a.contradictions) : ''}
${action}
<h3>${T(req, { fr: 'Chemin suivi', en: 'Path taken' })}</h3>
${pathList(req, data, { probabilities })}
</section>`;
}

/** What the guided diagnosis read of the traction battery (BMS, source, figures), or why it read nothing. */
function batteryReadNote(req: FastifyRequest, b: GS['facts']['batteryRead']): Html {
  if (!b) return html``;
  return b.read
    ? html`<p class="battery-read-note" data-read="true">${T(req, { fr: 'Batterie de traction lue :', en: 'Traction battery read:' })} ${T(req, b.text)}</p>`
    : html`<p class="battery-read-note" data-read="false">${T(req, { fr: 'Batterie de traction non lue :', en: 'Traction battery not read:' })} ${T(req, b.text)} — ${T(req, { fr: 'ses indices restent inconnus (ni pour ni contre)', en: 'its signs stay unknown (neither for nor against)' })}</p>`;
}

/** Evidence that pulls a cause both ways, said rather than averaged away. */
function contradictionList(
  req: FastifyRequest,
  g: GS,
  list: ReturnType<GS['analysis']>['contradictions'],
): Html {
  if (!list.length) return html``;
  const source = (src: string) => {
    const [kind, sid] = src.split(':') as [string, string];
    if (kind === 'test') return testName(req, sid);
    return T(req, g.tree.signs.find((x) => x.id === sid)?.name ?? { fr: sid, en: sid });
  };
  return html`<div class="contradictions" role="note"><h3>${T(req, { fr: 'Indices contradictoires', en: 'Contradictory evidence' })}</h3><ul>${list.map(
    (c) =>
      html`<li data-cause="${c.cause}"><strong>${T(req, causeName(c.cause, g.tree.id))}</strong> : ${T(req, { fr: 'pour', en: 'for' })} ${c.for.map((x) => source(x.source)).join(', ')} ; ${T(req, { fr: 'contre', en: 'against' })} ${c.against.map((x) => source(x.source)).join(', ')}</li>`,
  )}</ul><p class="muted">${T(req, { fr: 'Refaire la lecture ou le test en doute, ou envisager deux défauts à la fois.', en: 'Redo the doubtful reading or test, or consider two faults at once.' })}</p></div>`;
}

/**
 * The signs read from the car and the complaint that count as evidence, each with the cause it
 * moves most (likelihood ratio): why the ranking is what it is before any test. The signs not read
 * are listed with why (not read, not supported by the car, no answer): they count neither way.
 */
function signList(
  req: FastifyRequest,
  treeId: string,
  signs: ReturnType<GS['analysis']>['signs'],
  unread: ReturnType<GS['signs']>,
  probabilities = true,
): Html {
  if (!signs.length && !unread.length) return html``;
  const num = (x: number) =>
    x.toLocaleString(req.lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
  return html`<h3>${T(req, { fr: 'Indices lus sur le véhicule', en: 'Signs read from the car' })}</h3>
<ul class="signs">${signs.map((effect) => {
    const r = effect.reading;
    const strongest = strongestEffect(effect);
    return html`<li class="${r.value ? 'present' : 'absent'}" data-sign="${r.sign.id}">${r.value ? '✔' : '✘'} ${T(req, r.sign.name)} <span class="muted">— ${T(req, r.detail)}${r.certainty < 1 ? ` (${T(req, { fr: 'certitude', en: 'certainty' })} ${Math.round(r.certainty * 100)} %)` : ''}</span>${strongest && probabilities ? html` → <span class="effect">${T(req, causeName(strongest.cause, treeId))} ×${num(strongest.ratio)}</span>` : ''}</li>`;
  })}</ul>
${
  unread.length
    ? html`<details class="unread-signs"><summary>${T(req, { fr: `${unread.length} indice(s) sans lecture : ils ne comptent ni pour ni contre`, en: `${unread.length} sign(s) without a reading: they count neither for nor against` })}</summary><ul>${unread.map(
        (r) =>
          html`<li data-sign="${r.sign.id}">${T(req, r.sign.name)} <span class="muted">— ${T(req, r.detail)}</span></li>`,
      )}</ul><p class="muted">${T(req, { fr: 'Lisez le véhicule (codes, données figées, moniteurs, données en direct) pour qu’ils comptent.', en: 'Read the car (codes, freeze frame, monitors, live data) so that they count.' })}</p></details>`
    : ''
}`;
}

/** The safety steps still to do, each button with what the reader's standing is before the click. */
function safetyForms(
  req: FastifyRequest,
  id: number,
  version: number,
  steps: readonly string[],
  standings: Standings | undefined,
): Html {
  return html`${steps.map(
    (
      sid,
    ) => html`${standingNote(req, sid, standings)}<form method="post" action="/diagnostics/${id}/guided/safety" class="inline safety">${guidedFields(req, version)}<input type="hidden" name="id" value="${sid}">
<button type="submit" data-safety="${sid}">⚠ ${safetyName(req, sid)} — ${T(req, { fr: 'fait', en: 'done' })}</button></form>`,
  )}`;
}

function recommendationForm(
  req: FastifyRequest,
  id: number,
  version: number,
  next: Recommendation,
  g: GS,
  probabilities = true,
  simulated = false,
  standings?: Standings,
): Html {
  const others =
    next.kind === 'inspection' ? next.ranking.map((r) => r.test) : next.ranking.map((r) => r.test);
  const choices = [...new Set([next.test.id, ...others, ...g.tree.causes.map((c) => c.inspect)])].filter(
    (t) => !g.steps.some((s) => s.kind === 'test' && s.id === t),
  );
  // A test made with the car READY (engine running) while the HV system is locked out: its buttons
  // wait, disabled with the reason, for the lock-out lifted (the routes refuse it too, 409); so does
  // any such test offered in the list. The proposed test stays selected (a select whose every
  // option is disabled shows nothing at all, and the browser would otherwise pick the next free one).
  const blocked = (t: string) => {
    const test = knowledgeBase().tests.get(t);
    return test !== undefined && g.energisingBlocked(test);
  };
  const off = blocked(next.test.id) ? html` disabled aria-describedby="hv-energised-reason"` : '';
  return html`<div class="next-step">
<h3>${T(req, { fr: 'Étape proposée', en: 'Next step' })} : <span class="next-test" data-test="${next.test.id}">${T(req, next.test.name)}</span></h3>
${probabilities ? html`<p class="reason">${T(req, next.reason)}</p>` : ''}
<p class="instructions">${T(req, next.test.instructions)}</p>
<p class="muted">${T(req, { fr: 'Attendu si bon', en: 'Expected if good' })} : ${T(req, next.test.expected.good)} — ${T(req, { fr: 'si mauvais', en: 'if bad' })} : ${T(req, next.test.expected.bad)}</p>
${blocked(next.test.id) ? html`<p class="energised-needed" id="hv-energised-reason" role="note">${T(req, { fr: 'Ce test se fait véhicule sous tension (READY, moteur tournant) et le système haute tension est consigné : il attend la déconsignation par le chargé de consignation (BCL) — fin des travaux sur la haute tension, outils et personnes hors de la zone.', en: 'This test is made with the car energised (READY, engine running) and the high-voltage system is locked out: it waits for the lock-out to be lifted by the person in charge of lock-out (BCL) — work on the high voltage over, tools and people clear.' })}</p>` : ''}
${safetyForms(req, id, version, next.safety, standings)}
<form method="post" action="/diagnostics/${id}/guided/record" class="record">${guidedFields(req, version)}
<label>${T(req, { fr: 'Test réalisé', en: 'Test done' })} <select name="testId">${choices.map((t) => html`<option value="${t}"${t === next.test.id ? html` selected` : ''}${blocked(t) ? html` disabled` : ''}>${testName(req, t)}${blocked(t) ? T(req, { fr: ' (sous tension : après déconsignation)', en: ' (energised: after the lock-out is lifted)' }) : ''}</option>`)}</select></label>
<button type="submit" name="outcome" value="good" id="outcome-good"${off}>${T(req, { fr: 'Résultat bon', en: 'Result good' })}</button>
<button type="submit" name="outcome" value="bad" id="outcome-bad"${off}>${T(req, { fr: 'Résultat mauvais', en: 'Result bad' })}</button>
${simulated ? html`<button type="submit" formaction="/diagnostics/${id}/guided/measure" id="guided-measure"${off}>${T(req, { fr: 'Mesurer sur le véhicule simulé', en: 'Measure on the simulated car' })}</button>` : ''}
</form>
${valueForm(req, id, version, next.test, g.facts.vehicle, off)}</div>`;
}

/**
 * The values of the proposed test's measurements, typed as read on the car (a real car, or the
 * live-data panel): the knowledge base reads them as it reads a simulated instrument's.
 */
function valueForm(
  req: FastifyRequest,
  id: number,
  version: number,
  test: Recommendation['test'],
  vehicle: Parameters<typeof measurementsFor>[1],
  /** The submit button's attributes when the test waits (disabled, with the reason's id). */
  off: Html | string = '',
): Html {
  const specs = measurementsFor(test, vehicle);
  if (!specs.length) return html``;
  const eachHint = (each: string | undefined) =>
    each === 'cylinder'
      ? T(req, {
          fr: 'une valeur par cylindre, séparées par « ; »',
          en: 'one value per cylinder, separated by ";"',
        })
      : each === 'wheel'
        ? T(req, { fr: 'AVG ; AVD ; ARG ; ARD', en: 'FL; FR; RL; RR' })
        : each
          ? T(req, {
              fr: 'une valeur par calculateur, séparées par « ; »',
              en: 'one value per ECU, separated by ";"',
            })
          : '';
  return html`<form method="post" action="/diagnostics/${id}/guided/value" class="typed-values">${guidedFields(req, version)}<input type="hidden" name="testId" value="${test.id}">
<p class="muted">${T(req, { fr: 'Ou saisissez la valeur mesurée : la base de connaissances la lit.', en: 'Or type the measured value: the knowledge base reads it.' })}</p>
${specs.map(({ spec, index }) => {
  const words = [...(spec.goodWords ?? []), ...(spec.badWords ?? [])];
  const input = words.length
    ? html`<select name="value_${index}"><option value=""></option>${words.map((w) => html`<option value="${w}">${wordText(w, req.lang === 'en' ? 'en' : 'fr')}</option>`)}</select>`
    : html`<input name="value_${index}" inputmode="decimal" size="${spec.each ? 24 : 8}" placeholder="${eachHint(spec.each)}"> ${spec.unit}`;
  return html`<label class="typed-value" data-spec="${index}">${T(req, spec.label)} ${input} <span class="muted">(${T(req, rangeText(spec))})</span></label>`;
})}
<button type="submit" id="guided-value"${off}>${T(req, { fr: 'Enregistrer la mesure', en: 'Record the measurement' })}</button></form>`;
}

/** Bytes as whole kilobytes (1 Ko = 1024 octets, as the limit is set). */
const kb = (bytes: number): string => String(Math.ceil(bytes / 1024));

/** What a session's page shows besides the session itself, loaded by `sessionOverview`. */
export function sessionPage(
  req: FastifyRequest,
  s: DiagSession,
  o: SessionOverview,
  adapter: {
    connected: boolean;
    live: { running: boolean; pids: string[] };
    /** The car is simulated and connected: it can be road-tested in fast-forward. */
    roadTest: boolean;
    /** That simulated car's engine is stopped (it can be started from the page). */
    engineStopped?: boolean;
    /** Where the reader stands for the habilitations the guided steps are checked against. */
    habilitations?: Standings;
  },
): Html {
  const { connected, live, roadTest } = adapter;
  const readings = o.readings;
  const canWork =
    canAct(req.user!, s) &&
    s.state !== 'closed' &&
    (DIAG_WORKERS as readonly string[]).includes(req.user!.role);
  const supported = [
    ...new Set(readings.filter((r) => r.kind === 'supported').flatMap((r) => r.value as string[])),
  ];
  // A car read without a support bitmap (a recording whose logger never asked 01 00): the PIDs it
  // answered in the read's snapshot are the ones it can give.
  const answered = [
    ...new Set(readings.filter((r) => r.kind === 'live' && r.value !== null).map((r) => r.item)),
  ];
  const offered = (supported.length ? supported : answered.length ? answered : DEFAULT_LIVE).filter((p) =>
    PIDS.has(Number.parseInt(p, 16)),
  );
  const recorded = o.recordedPids;
  const chosen = live.pids.length ? live.pids : offered.filter((p) => ['0C', '0D', '05'].includes(p));
  const others = o.others;
  let context: Html = html``;
  if (o.order) {
    const x = o.order;
    context = html`<p>${T(req, { fr: 'Ordre de réparation', en: 'Repair order' })} <a href="/orders/${x.id}">${x.number}</a> — ${x.vehicle.plate} ${x.vehicle.maker} ${x.vehicle.model} — <code>${x.vehicle.vin}</code></p><p class="complaint">${x.complaint}</p>`;
  } else if (o.scenario) {
    const sc = o.scenario;
    context = html`<p>${T(req, { fr: 'Scénario de formation', en: 'Training scenario' })} : <strong>${sc.title}</strong></p><p class="complaint">${sc.complaint}</p>`;
  }
  const problem = s.status_message ? problemHtml(req, s.status_message, problemDetail(s)) : html``;
  const problemTexts = Object.fromEntries(
    Object.entries(PROBLEM_TEXT).map(([k, v]) => [k, `${tr(req.lang, v.what)} ${tr(req.lang, v.check)}`]),
  );
  return html`<section class="diag-session" data-session="${s.id}" data-state="${connected ? 'connected' : s.state}">
${context}
${recordingNote(req, s, o, connected)}
<div class="card adapter">
<p>${T(req, o.scenario?.source === 'recording' ? recordedLabel(o.recording?.analysis) : ADAPTER_LABEL[s.adapter_kind])} <code>${s.adapter_kind === 'scenario' ? '' : s.adapter_spec}</code> — <span id="adapter-status" class="status-${connected ? 'connected' : s.state}">${T(req, STATE_TEXT[connected ? 'connected' : s.state])}</span></p>
<div id="problem">${problem}</div>
${
  canWork
    ? html`<div class="buttons">${
        connected
          ? html`<form method="post" action="/diagnostics/${s.id}/read" class="inline">${csrfField(req)}<button type="submit" id="read">${T(req, { fr: 'Lire le véhicule', en: 'Read the vehicle' })}</button></form>
<form method="post" action="/diagnostics/${s.id}/disconnect" class="inline">${csrfField(req)}<button type="submit" class="secondary">${T(req, { fr: 'Déconnecter', en: 'Disconnect' })}</button></form>`
          : html`<form method="post" action="/diagnostics/${s.id}/connect" class="inline">${csrfField(req)}<button type="submit" id="connect">${s.state === 'disconnected' ? T(req, { fr: 'Reconnecter', en: 'Reconnect' }) : T(req, { fr: 'Connecter', en: 'Connect' })}</button></form>`
      }
<form method="post" action="/diagnostics/${s.id}/finish" class="inline">${csrfField(req)}<button type="submit" class="secondary" id="finish">${T(req, { fr: 'Terminer la session', en: 'Finish the session' })}</button></form></div>`
    : ''
}
<p><a href="/diagnostics/${s.id}/report" id="report-link">${T(req, { fr: 'Rapport client imprimable', en: 'Printable customer report' })}</a> · <a href="/diagnostics/${s.id}/traffic">${T(req, (o.traffic.bytes > 0 ? o.traffic.format === 'candump' : s.adapter_kind === 'socketcan') ? { fr: 'Trafic brut (trames CAN, candump)', en: 'Raw traffic (CAN frames, candump)' } : { fr: 'Trafic brut (transcript ELM327)', en: 'Raw traffic (ELM327 transcript)' })}</a> <span class="muted traffic-size">(${kb(o.traffic.bytes)} ${T(req, { fr: 'Ko', en: 'KB' })})</span>${o.traffic.truncatedAt ? html` <strong class="traffic-truncated" role="status">${T(req, { fr: 'enregistrement tronqué à {n} Ko', en: 'recording truncated at {n} KB' }, { n: kb(o.traffic.truncatedAt) })}</strong>` : ''}</p>
</div>
${readingsSection(req, s, readings)}
<section class="card live" id="live">
<h2>${T(req, { fr: 'Données en direct', en: 'Live data' })}</h2>
${
  canWork && connected
    ? html`<form method="post" action="/diagnostics/${s.id}/live" class="pids">${csrfField(req)}
<fieldset><legend>${T(req, { fr: 'Paramètres', en: 'Parameters' })}</legend>${offered.map(
        (p) =>
          html`<label class="check"><input type="checkbox" name="pids" value="${p}" ${chosen.includes(p) ? html`checked` : ''}> ${pidLabel(req.lang, p)}</label>`,
      )}</fieldset>
<label>${T(req, { fr: 'Période (ms)', en: 'Period (ms)' })} <input type="number" name="periodMs" min="50" max="10000" value="200"></label>
<button type="submit" id="live-start">${live.running ? T(req, { fr: 'Changer', en: 'Change' }) : T(req, { fr: 'Démarrer', en: 'Start' })}</button></form>
${live.running ? html`<form method="post" action="/diagnostics/${s.id}/live/stop" class="inline">${csrfField(req)}<button type="submit" id="live-pause">${T(req, { fr: 'Pause', en: 'Pause' })}</button></form>` : ''}`
    : ''
}
${
  canWork
    ? html`<form method="post" action="/diagnostics/${s.id}/marks" class="inline mark">${csrfField(req)}<input name="label" maxlength="200" required placeholder="${T(req, { fr: 'ex. accélération à 3000 tr/min', en: 'e.g. revving to 3000 rpm' })}"><button type="submit" id="mark">${T(req, { fr: 'Marquer ce moment', en: 'Mark this moment' })}</button></form>
${
  others.length
    ? html`<form method="post" action="/diagnostics/${s.id}/reference" class="inline">${csrfField(req)}<label>${T(req, { fr: 'Comparer avec', en: 'Compare with' })} <select name="referenceId"><option value="0">—</option>${others.map(
        (o) =>
          html`<option value="${o.id}" ${o.id === s.reference_id ? html`selected` : ''}>#${o.id} ${o.user_name ?? ''} ${formatDateTime(req.lang, o.started_at)}</option>`,
      )}</select></label><button type="submit">${T(req, { fr: 'Référence', en: 'Reference' })}</button></form>`
    : ''
}`
    : ''
}
<div id="live-chart" class="chart" data-live="${live.running ? 'on' : 'off'}"></div>
<p class="muted"><span id="sample-count">0</span> ${T(req, { fr: 'valeurs reçues', en: 'values received' })}</p>
<script type="application/json" id="live-config">${jsonScript({
    session: s.id,
    pids: Object.fromEntries([...new Set([...chosen, ...recorded])].map((p) => [p, pidLabel(req.lang, p)])),
    units: Object.fromEntries([...new Set([...chosen, ...recorded])].map((p) => [p, pidUnit(p)])),
    lang: req.lang,
    labels: {
      pid: T(req, { fr: 'Paramètre', en: 'Parameter' }),
      value: T(req, { fr: 'Valeur actuelle', en: 'Current value' }),
      min: T(req, { fr: 'Min.', en: 'Min' }),
      max: T(req, { fr: 'Max.', en: 'Max' }),
      time: T(req, { fr: 'Heure', en: 'Time' }),
    },
    problems: problemTexts,
    states: Object.fromEntries(Object.entries(STATE_TEXT).map(([k, v]) => [k, tr(req.lang, v)])),
    reference: T(req, { fr: 'référence', en: 'reference' }),
  })}</script>
</section>
${guidedSection(req, s, canWork, {
  simulated: roadTest,
  engineStopped: adapter.engineStopped ?? false,
  ...(adapter.habilitations ? { habilitations: adapter.habilitations } : {}),
  probabilities: probabilitiesShown(s, o.assignment, req.user!),
  vehicle: o.order?.vehicle.energy ?? o.scenario?.vehicle_type ?? 'petrol',
})}
</section>`;
}

/**
 * The adapter to open a session with, chosen among those offered (serial ports found, Wi-Fi
 * adapters the admin declared, CAN interfaces): never a typed address.
 */
export function adapterFields(req: FastifyRequest, options: AdapterOption[]): Html {
  const group = (kind: AdapterOption['kind']) => {
    const list = options.filter((o) => o.kind === kind);
    return list.length
      ? html`<optgroup label="${T(req, ADAPTER_LABEL[kind])}">${list.map((o) => html`<option value="${o.value}">${o.label}</option>`)}</optgroup>`
      : '';
  };
  return html`<label>${T(req, { fr: 'Adaptateur', en: 'Adapter' })} <select name="adapter" required${options.length ? '' : html` disabled`}>${group('serial')}${group('tcp')}${group('socketcan')}</select></label>
${
  options.some((o) => o.kind === 'serial')
    ? ''
    : html`<p class="muted ports">${T(req, { fr: 'Aucun port série trouvé (adaptateur débranché ?).', en: 'No serial port found (adapter unplugged?).' })}</p>`
}${
  options.length
    ? ''
    : html`<p class="error no-adapter">${T(req, { fr: "Aucun adaptateur disponible : branchez un adaptateur USB ou Bluetooth, ou demandez à l'administrateur de déclarer l'adaptateur Wi-Fi de l'atelier (page Adaptateurs).", en: "No adapter available: plug in a USB or Bluetooth adapter, or ask the administrator to declare the workshop's Wi-Fi adapter (Adapters page)." })}</p>`
}`;
}

/** The session list, with the form that opens a session on a repair order for those who run them. */
export function sessionListPage(
  req: FastifyRequest,
  d: {
    roId?: number;
    sessions: DiagSession[];
    orders: RepairOrder[];
    adapters: AdapterOption[];
  },
): Html {
  const { roId, sessions, orders, adapters } = d;
  const canStart = (DIAG_WORKERS as readonly string[]).includes(req.user!.role);
  return html`${
    canStart
      ? html`<form method="post" action="/diagnostics" class="card new-session">${csrfField(req)}
<h2>${T(req, { fr: 'Nouvelle session', en: 'New session' })}</h2>
<label>${T(req, { fr: 'Ordre de réparation', en: 'Repair order' })} <select name="roId" required>${orders.map(
          (o) =>
            html`<option value="${o.id}" ${o.id === roId ? html`selected` : ''}>${o.number} — ${o.complaint.slice(0, 60)}</option>`,
        )}</select></label>
${adapterFields(req, adapters)}
<button type="submit"${adapters.length ? '' : html` disabled`}>${T(req, { fr: 'Ouvrir la session', en: 'Open the session' })}</button></form>`
      : ''
  }
<table class="sessions"><thead><tr><th>#</th><th>${T(req, { fr: 'Début', en: 'Started' })}</th><th>${T(req, { fr: 'Par', en: 'By' })}</th><th>${T(req, { fr: 'Adaptateur', en: 'Adapter' })}</th><th>${T(req, { fr: 'État', en: 'State' })}</th></tr></thead>
<tbody>${sessions.map(
    (s) =>
      html`<tr><td><a href="/diagnostics/${s.id}">#${s.id}</a></td><td>${formatDateTime(req.lang, s.started_at)}</td><td>${s.user_name ?? ''}</td><td>${T(req, ADAPTER_LABEL[s.adapter_kind])}</td><td>${T(req, STATE_TEXT[s.state])}</td></tr>`,
  )}</tbody></table>`;
}
