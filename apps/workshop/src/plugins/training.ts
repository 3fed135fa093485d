/**
 * Instructors: upload recordings, make scenarios (from a recording or a simulated vehicle), form
 * classes, assign scenarios with a due date, follow who started and finished, replay a CAN log, and
 * read each apprentice's assessment. Apprentices: their assignments, started here as a session.
 */

import { SKILLS, type SkillLevel, skippedSafetyText } from '@atelier/diagnosis';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { formatDateTime, formatDay, formatNumber, type Text } from '../i18n.js';
import { assessAssignment, trainingExport } from '../services/assessment.js';
import {
  assignmentsOf,
  assignScenario,
  createClass,
  getAssignment,
  listApprentices,
  listClasses,
  markStarted,
} from '../services/classes.js';
import { createDiagSession } from '../services/diagnostics.js';
import { ForbiddenError } from '../services/errors.js';
import { causeChoices, causeName, knowledgeBase } from '../services/knowledge.js';
import {
  checkRecording,
  type DbcSeries,
  dbcSeries,
  listRecordings,
  MAX_RECORDING_BYTES,
  type RecordingAnalysis,
  type RecordingRow,
  recordingBatteryReport,
  replayData,
  saveRecording,
  UploadRefused,
} from '../services/recordings.js';
import {
  checkScenarioUpload,
  createScenario,
  getScenario,
  listTrainingScenarios,
  NO_FAULT,
  simScenarios,
} from '../services/scenarios.js';
import { batteryReportPage } from '../web/battery.js';
import { DAY_PATTERN, dayInput, dayValue } from '../web/dates.js';
import { type Html, html, jsonScript } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { twin, typed } from '../web/routes.js';
import {
  apiErrors,
  csrfOnly,
  csrfProp,
  formResponses,
  idParams,
  pageErrors,
  pageResponses,
} from '../web/schemas.js';
import { STAFF } from '../web/types.js';
import { pathList, recordingOriginText } from './diagnostics/views.js';

export const TRAINERS = ['instructor', 'admin'] as const;

const KIB = { fr: 'Kio', en: 'KiB' };

/** A recording uploaded gzip-compressed: the file as it was uploaded (its name and size). */
function compressedNote(req: FastifyRequest, r: RecordingRow): Html | string {
  let c: RecordingAnalysis['compressed'];
  try {
    c = (JSON.parse(r.summary) as Partial<RecordingAnalysis>).compressed;
  } catch {
    return '';
  }
  if (!c) return '';
  const kib = Math.ceil(c.size / 1024);
  return html` <span class="compressed">(${T(req, { fr: `téléversé compressé : ${c.name}, ${kib} Kio`, en: `uploaded gzip-compressed: ${c.name}, ${kib} KiB` })})</span>`;
}

/**
 * What a recording can answer, as its upload analysis found (older rows have no analysis): the
 * diagnostic requests per ECU, OBD-II services and PIDs, a battery read, the broadcast ids.
 */
function recordingAnswers(req: FastifyRequest, r: RecordingRow): Html | string {
  let a: Partial<RecordingAnalysis>;
  try {
    a = JSON.parse(r.summary) as Partial<RecordingAnalysis>;
  } catch {
    return '';
  }
  if (!a.ecus) return '';
  const parts: (Html | string)[] = [
    html`<li class="origin">${T(req, { fr: 'Origine :', en: 'Origin:' })} ${T(req, recordingOriginText(a))}</li>`,
  ];
  for (const e of a.ecus.slice(0, 6))
    parts.push(
      html`<li class="ecu">${e.request} → ${e.response} : ${e.requests.slice(0, 8).join(', ')}${e.requests.length > 8 ? ' …' : ''} (${e.answered})</li>`,
    );
  if (a.obd?.services.length)
    parts.push(
      html`<li>OBD-II : ${T(req, { fr: 'services', en: 'services' })} ${a.obd.services.join(', ')}${a.obd.pids.length ? html` · PID ${a.obd.pids.join(', ')}` : ''}</li>`,
    );
  if (a.battery)
    parts.push(
      html`<li class="battery-read">${T(req, { fr: 'Lectures batterie de traction', en: 'Traction-battery reads' })} (${a.battery.vehicle}, ${a.battery.reads}) · <a href="/training/recordings/${r.id}/battery" class="battery-report">${T(req, { fr: 'Rapport batterie', en: 'Battery report' })}</a></li>`,
    );
  parts.push(
    html`<li>${a.broadcastIds ?? 0} ${T(req, { fr: 'identifiant(s) diffusé(s) à rejouer et tracer', en: 'broadcast id(s) to replay and plot' })}</li>`,
  );
  if (!a.ecus.length)
    parts.push(
      html`<li class="muted">${T(req, { fr: 'aucune requête de diagnostic : exercice de relecture et de tracé', en: 'no diagnostic request: a replay and plot exercise' })}</li>`,
    );
  return html`<ul class="recording-answers">${parts}</ul>`;
}
const LEARNERS = ['apprentice', 'technician'] as const;

const VEHICLE: Record<string, Text> = {
  petrol: { fr: 'essence', en: 'petrol' },
  diesel: { fr: 'diesel', en: 'diesel' },
  hybrid: { fr: 'hybride', en: 'hybrid' },
  ev: { fr: 'électrique', en: 'electric' },
};
const LEVEL: Record<SkillLevel, Text> = {
  acquis: { fr: 'acquis', en: 'acquired' },
  en_cours: { fr: 'en cours', en: 'in progress' },
  non_acquis: { fr: 'non acquis', en: 'not acquired' },
};

/** Largest scenario file accepted (a scenario is a page of YAML). */
const MAX_SCENARIO_BYTES = 64 * 1024;

/** The true-cause choice: "no fault" for a healthy car, or a cause of the knowledge base. */
const trueCauseSelect = (req: FastifyRequest, causes: ReturnType<typeof causeChoices>): Html =>
  html`<select name="trueCause"><option value="">${T(req, { fr: '(celle du scénario simulé ; aucune pour une lecture de batterie)', en: '(that of the simulated scenario; none for a battery read)' })}</option><option value="${NO_FAULT}">${T(req, { fr: 'Aucun défaut (véhicule sain)', en: 'No fault (healthy car)' })}</option>${causes.map((c) => html`<option value="${c.id}">${T(req, c.treeTitle)} — ${T(req, c.name)}</option>`)}</select>`;

const isTrainer = (req: FastifyRequest) => (TRAINERS as readonly string[]).includes(req.user!.role);

interface UploadedFile {
  filename: string;
  bytes: Buffer;
  truncated: boolean;
}

/**
 * The file of a multipart upload (the form's fields arrive as key/values, the file part as read by
 * `onFile`). Multipart bodies are not schema-validated: the shape is checked here.
 */
function uploadedFile(body: unknown): UploadedFile {
  const file = body && typeof body === 'object' && 'file' in body ? body.file : undefined;
  if (!file || typeof file !== 'object' || !('bytes' in file) || !Buffer.isBuffer(file.bytes))
    throw new UploadRefused({ fr: 'aucun fichier reçu', en: 'no file received' });
  return file as UploadedFile;
}

/** An upload's answer: the page it leads to, or JSON to a script; refusals as pages or JSON. */
const uploadResponses = {
  201: {
    description: 'enregistrement / recording (accept: application/json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      id: { type: 'integer' },
      name: { type: 'string' },
      kind: { type: 'string' },
      format: { type: 'string' },
      size: { type: 'integer' },
      summary: { type: 'string' },
      uploaded_at: { type: 'integer' },
    },
  },
  303: { description: '303 See Other → /training#recording-:id', type: 'null' },
  ...pageErrors,
} as const;

/** An assessment as the API gives it (paths and skills as @atelier/diagnosis defines them). */
const assessedSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    assignment: { description: 'the assignment row' },
    scenario: { description: 'the training scenario' },
    assessment: { description: 'Assessment of @atelier/diagnosis, or null before a guided path exists' },
    apprentice: { description: "the apprentice's DiagnosticPath, or null" },
    expert: { description: 'the expert DiagnosticPath on the same evidence, or null' },
    minutes: { type: ['integer', 'null'] },
    battery: {
      description:
        'a battery-report scenario (no knowledge-base cause): { read, at, value } of the report read in the session',
    },
  },
} as const;

/** What a scenario is assessed on: its knowledge-base cause, or, for a battery read, the report read. */
const BATTERY_ASSESSED: Text = {
  fr: 'aucune (session batterie de traction : évaluée sur la lecture du rapport)',
  en: 'none (traction-battery session: assessed on the report read)',
};
/** The battery read kept with a session (live.ts): SoC, SoH, pack voltage, the lowest cell and the spread. */
function batteryReadText(req: FastifyRequest, v: unknown): string {
  const r = (v ?? {}) as Record<string, number | null>;
  const n = (x: number | null | undefined, digits = 2) => formatNumber(req.lang, x ?? null, digits);
  return [
    `SoC ${n(r.soc, 1)} %`,
    `SoH ${n(r.soh, 1)} %`,
    `${n(r.packVoltage, 1)} V`,
    r.minCell
      ? T(req, {
          fr: `cellule la plus basse n° ${r.minCell}, écart ${n((r.spread ?? 0) * 1000, 0)} mV`,
          en: `lowest cell #${r.minCell}, spread ${n((r.spread ?? 0) * 1000, 0)} mV`,
        })
      : '',
  ]
    .filter(Boolean)
    .join(', ');
}
const scenarioCause = (s: { true_cause: string }): Text =>
  s.true_cause ? causeName(s.true_cause) : BATTERY_ASSESSED;

function progress(
  req: FastifyRequest,
  a: { started_at: number | null; finished_at: number | null; due_on: string },
): Html {
  if (a.finished_at)
    return html`<span class="done">${T(req, { fr: 'terminé le', en: 'finished on' })} ${formatDateTime(req.lang, a.finished_at)}</span>`;
  if (a.started_at)
    return html`<span class="started">${T(req, { fr: 'commencé le', en: 'started on' })} ${formatDateTime(req.lang, a.started_at)}</span>`;
  return html`<span class="todo">${T(req, { fr: 'pas commencé', en: 'not started' })}</span>`;
}

async function training(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  // Files arrive with the form fields (the CSRF token among them) as key/values; the file part is
  // read into memory up to one byte over the limit, so an oversized upload is refused by our own
  // check with a clear message instead of a bare 413.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    // Keep the name as sent: a name with a path in it is refused, not silently cut to its base.
    preservePath: true,
    limits: { fileSize: MAX_RECORDING_BYTES + 1, files: 1, fields: 10, fieldSize: 4096 },
    async onFile(part) {
      const bytes = await part.toBuffer();
      (part as unknown as { value: UploadedFile }).value = {
        filename: part.filename,
        bytes,
        truncated: part.file.truncated,
      };
    },
  });

  app.get('/training', {
    config: { access: STAFF },
    schema: { tags: ['training'], response: pageResponses },
    handler: async (req, reply) => {
      if (!isTrainer(req)) {
        const mine = await assignmentsOf(store, req.user!.site_id, { userId: req.user!.id });
        const body = html`<table class="assignments"><thead><tr><th>${T(req, { fr: 'Scénario', en: 'Scenario' })}</th><th>${T(req, { fr: 'À rendre le', en: 'Due' })}</th><th>${T(req, { fr: 'Avancement', en: 'Progress' })}</th><th></th></tr></thead>
<tbody>${mine.map(
          (a) =>
            html`<tr data-assignment="${a.id}"><td>${a.title}</td><td>${formatDay(req.lang, a.due_on)}</td><td>${progress(req, a)}</td><td>${
              a.session_id
                ? html`<a href="/diagnostics/${a.session_id}">${T(req, { fr: 'Reprendre', en: 'Continue' })}</a> · <a href="/training/assignments/${a.id}">${T(req, { fr: 'Évaluation', en: 'Assessment' })}</a>`
                : (LEARNERS as readonly string[]).includes(req.user!.role)
                  ? html`<form method="post" action="/training/assignments/${a.id}/start" class="inline">${csrfField(req)}<button type="submit" class="start-assignment">${T(req, { fr: 'Commencer', en: 'Start' })}</button></form>`
                  : ''
            }</td></tr>`,
        )}</tbody></table>${mine.length ? '' : html`<p class="muted">${T(req, { fr: 'Aucun scénario à faire.', en: 'No scenario to do.' })}</p>`}`;
        return sendPage(
          reply,
          renderPage(req, { fr: 'Mes scénarios de formation', en: 'My training scenarios' }, body),
        );
      }
      const [recordings, scenarios, classes, apprentices] = await Promise.all([
        listRecordings(store, req.user!.site_id),
        listTrainingScenarios(store, req.user!.site_id),
        listClasses(store, req.user!.site_id),
        listApprentices(store, req.user!.site_id),
      ]);
      const causes = causeChoices();
      const sims = simScenarios();
      const body = html`<div class="grid">
<section class="card" id="recordings"><h2>${T(req, { fr: 'Enregistrements', en: 'Recordings' })}</h2>
<form method="post" action="/training/recordings" enctype="multipart/form-data" class="upload">${csrfField(req)}
<label>${T(req, { fr: 'Journal CAN (candump, ASC, TRC de PEAK ou de CANHacker, CSV de SavvyCAN ou de python-can, MF4, BLF, capture pcap ou pcapng de tcpdump ou Wireshark ; compressé .gz ou non) ou transcript ELM327', en: 'CAN log (candump, ASC, PEAK or CANHacker TRC, SavvyCAN or python-can CSV, MF4, BLF, tcpdump or Wireshark pcap or pcapng capture; gzip-compressed .gz or not) or ELM327 transcript' })} <input type="file" name="file" required></label>
<p class="muted">${T(req, { fr: 'Taille maximale', en: 'Largest size' })} : ${MAX_RECORDING_BYTES / 1024 / 1024} Mio</p>
<button type="submit" id="upload">${T(req, { fr: 'Téléverser', en: 'Upload' })}</button></form>
<ul class="recordings">${recordings.map(
        (r) =>
          html`<li data-recording="${r.id}"><strong>${r.name}</strong> — ${r.format}, ${Math.ceil(r.size / 1024)} ${T(req, KIB)}${compressedNote(req, r)} ${r.kind === 'can' ? html`· <a href="/training/recordings/${r.id}">${T(req, { fr: 'Rejouer', en: 'Replay' })}</a>` : ''}${recordingAnswers(req, r)}</li>`,
      )}</ul></section>
<section class="card" id="new-scenario"><h2>${T(req, { fr: 'Nouveau scénario', en: 'New scenario' })}</h2>
<form method="post" action="/training/scenarios">${csrfField(req)}
<label>${T(req, { fr: 'Titre', en: 'Title' })} <input name="title" required maxlength="200"></label>
<label>${T(req, { fr: 'Source', en: 'Source' })} <select name="source"><option value="recording">${T(req, { fr: 'Enregistrement', en: 'Recording' })}</option><option value="sim">${T(req, { fr: 'Véhicule simulé', en: 'Simulated vehicle' })}</option></select></label>
<label>${T(req, { fr: 'Enregistrement', en: 'Recording' })} <select name="recordingId"><option value="">—</option>${recordings.map((r) => html`<option value="${r.id}">${r.name}</option>`)}</select></label>
<label>${T(req, { fr: 'Scénario simulé', en: 'Simulated scenario' })} <select name="simName"><option value="">—</option>${sims.map((s) => html`<option value="${s.name}">${s.name} — ${T(req, s.complaint)}</option>`)}</select></label>
<label>${T(req, { fr: 'Véhicule', en: 'Vehicle' })} <select name="vehicleType"><option value="">${T(req, { fr: '(celui du scénario simulé)', en: '(that of the simulated scenario)' })}</option>${Object.entries(VEHICLE).map(([k, v]) => html`<option value="${k}">${T(req, v)}</option>`)}</select></label>
<label>${T(req, { fr: 'Plainte du client', en: "Customer's complaint" })} <textarea name="complaint" maxlength="2000"></textarea></label>
<label>${T(req, { fr: 'Vraie cause', en: 'True cause' })} ${trueCauseSelect(req, causes)}</label>
<label>${T(req, { fr: 'Notes pour le formateur', en: "Instructor's notes" })} <textarea name="notes" maxlength="4000"></textarea></label>
<button type="submit" id="create-scenario">${T(req, { fr: 'Créer le scénario', en: 'Create the scenario' })}</button></form>
<h3>${T(req, { fr: 'Ou depuis un fichier de scénario', en: 'Or from a scenario file' })}</h3>
<form method="post" action="/training/scenarios/file" enctype="multipart/form-data" class="upload-scenario">${csrfField(req)}
<label>${T(req, { fr: 'Titre', en: 'Title' })} <input name="title" required maxlength="200"></label>
<label>${T(req, { fr: 'Fichier de scénario (YAML, comme ceux du simulateur)', en: 'Scenario file (YAML, like the simulator’s)' })} <input type="file" name="file" accept=".yaml,.yml" required></label>
<label>${T(req, { fr: 'Vraie cause', en: 'True cause' })} ${trueCauseSelect(req, causes)}</label>
<p class="muted">${T(req, { fr: 'La vraie cause est vérifiée contre les défauts du fichier.', en: 'The true cause is checked against the file’s faults.' })}</p>
<button type="submit" id="upload-scenario">${T(req, { fr: 'Créer depuis le fichier', en: 'Create from the file' })}</button></form></section>
<section class="card" id="scenarios"><h2>${T(req, { fr: 'Scénarios', en: 'Scenarios' })}</h2>
<ul>${scenarios.map((s) => html`<li data-scenario="${s.id}"><a href="/training/scenarios/${s.id}">${s.title}</a> — ${T(req, VEHICLE[s.vehicle_type] ?? VEHICLE.petrol!)}, ${T(req, scenarioCause(s))}</li>`)}</ul>
${
  scenarios.length
    ? html`<form method="post" action="/training/assignments" class="assign">${csrfField(req)}<h3>${T(req, { fr: 'Affecter', en: 'Assign' })}</h3>
<label>${T(req, { fr: 'Scénario', en: 'Scenario' })} <select name="scenarioId">${scenarios.map((s) => html`<option value="${s.id}">${s.title}</option>`)}</select></label>
<fieldset><legend>${T(req, { fr: 'Apprentis', en: 'Apprentices' })}</legend>${apprentices.map((u) => html`<label class="check"><input type="checkbox" name="userIds" value="${u.id}"> ${u.name}</label>`)}</fieldset>
<label>${T(req, { fr: 'ou une classe', en: 'or a class' })} <select name="classId"><option value="0">—</option>${classes.map((c) => html`<option value="${c.id}">${c.name} (${c.members.length})</option>`)}</select></label>
<label>${T(req, { fr: 'À rendre le', en: 'Due on' })} ${dayInput(req, 'dueOn', null, { required: true })}</label>
<label class="check"><input type="checkbox" name="hideProbabilities" value="true"> ${T(req, { fr: 'Masquer les probabilités des causes à l’apprenti (il raisonne sans elles)', en: 'Hide the causes’ probabilities from the apprentice (reasoning without them)' })}</label>
<button type="submit" id="assign">${T(req, { fr: 'Affecter', en: 'Assign' })}</button></form>`
    : ''
}</section>
<section class="card" id="classes"><h2>${T(req, { fr: 'Classes', en: 'Classes' })}</h2>
<ul>${classes.map((c) => html`<li>${c.name} : ${c.members.map((m) => m.name).join(', ')}</li>`)}</ul>
<form method="post" action="/training/classes">${csrfField(req)}<label>${T(req, { fr: 'Nom', en: 'Name' })} <input name="name" required maxlength="100"></label>
<fieldset>${apprentices.map((u) => html`<label class="check"><input type="checkbox" name="userIds" value="${u.id}"> ${u.name}</label>`)}</fieldset>
<button type="submit">${T(req, { fr: 'Créer la classe', en: 'Create the class' })}</button></form></section>
</div>`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Formation', en: 'Training' }, body, { scripts: ['/static/diagnostics.css'] }),
      );
    },
  });

  app.post('/training/recordings', {
    config: { access: TRAINERS },
    bodyLimit: MAX_RECORDING_BYTES + 64 * 1024,
    schema: { tags: ['training'], consumes: ['multipart/form-data'], response: uploadResponses },
    handler: async (req, reply) => {
      const file = uploadedFile(req.body);
      if (file.truncated)
        throw new UploadRefused(
          {
            fr: `fichier trop volumineux (limite ${MAX_RECORDING_BYTES / 1024} Kio)`,
            en: `file too large (limit ${MAX_RECORDING_BYTES / 1024} KiB)`,
          },
          413,
        );
      const checked = await checkRecording(file.filename, file.bytes);
      const saved = await saveRecording(store, checked, req.user!, clock.now());
      if (req.headers.accept?.includes('application/json')) return reply.code(201).send(saved);
      return reply.redirect(`/training#recording-${saved.id}`, 303);
    },
  });

  /** The replay page: frames to play at a speed factor, per-id statistics, DBC signals when given. */
  const replayPage = (
    req: FastifyRequest,
    id: number,
    d: Awaited<ReturnType<typeof replayData>>,
    signals?: DbcSeries,
  ): string => {
    const body = html`<p>${d.name} — ${d.stats.frames} ${T(req, { fr: 'trames', en: 'frames' })}, ${d.stats.ids.length} ${T(req, { fr: 'identifiants', en: 'identifiers' })}, ${Math.round(d.stats.duration * 10) / 10} s${d.truncated ? html` (${T(req, { fr: 'rejoue les 5000 premières', en: 'replays the first 5000' })})` : ''}</p>
<div class="replay-controls"><label>${T(req, { fr: 'Vitesse', en: 'Speed' })} <select id="replay-speed"><option value="0.5">×0,5</option><option value="1" selected>×1</option><option value="2">×2</option><option value="5">×5</option><option value="10">×10</option></select></label>
<button type="button" id="replay-play">${T(req, { fr: 'Lecture', en: 'Play' })}</button> <button type="button" id="replay-stop">${T(req, { fr: 'Arrêt', en: 'Stop' })}</button> <span id="replay-time">0.000 s</span></div>
<div class="replay-frames"><table><thead><tr><th>t (s)</th><th>ID</th><th>${T(req, { fr: 'Données', en: 'Data' })}</th></tr></thead><tbody id="replay-rows"></tbody></table></div>
<h2>${T(req, { fr: 'Statistiques par identifiant', en: 'Per-identifier statistics' })}</h2>
<table class="id-stats"><thead><tr><th>ID</th><th>${T(req, { fr: 'Trames', en: 'Frames' })}</th><th>${T(req, { fr: 'Période moyenne (ms)', en: 'Mean period (ms)' })}</th><th>${T(req, { fr: 'Octets qui changent', en: 'Changing bytes' })}</th><th>${T(req, { fr: 'Rejouées', en: 'Replayed' })}</th></tr></thead>
<tbody>${d.stats.ids.map((s) => {
      const id = s.id
        .toString(16)
        .toUpperCase()
        .padStart(s.extended ? 8 : 3, '0');
      return html`<tr data-id="${id}"><td><code>${id}</code></td><td>${s.count}</td><td>${s.period ? Math.round(s.period.mean * 10000) / 10 : '—'}</td><td>${s.changingBytes.join(', ')}</td><td class="replayed">0</td></tr>`;
    })}</tbody></table>
<h2>${T(req, { fr: 'Signaux DBC', en: 'DBC signals' })}</h2>
<form method="post" action="/training/recordings/${id}/dbc" enctype="multipart/form-data" class="dbc">${csrfField(req)}
<label>${T(req, { fr: 'Fichier DBC', en: 'DBC file' })} <input type="file" name="file" required></label> <button type="submit" id="dbc-plot">${T(req, { fr: 'Tracer les signaux', en: 'Plot the signals' })}</button></form>
${
  signals
    ? html`<p class="dbc-summary">${signals.file} — ${signals.decoded} ${T(req, { fr: 'trames décodées', en: 'frames decoded' })}, ${Object.keys(signals.series).length} ${T(req, { fr: 'signaux tracés', en: 'signals plotted' })}</p>
<div id="dbc-chart" class="chart"></div><script type="application/json" id="dbc-data">${jsonScript(signals)}</script>`
    : ''
}
<script type="application/json" id="replay-data">${jsonScript(d.frames)}</script>`;
    return renderPage(req, { fr: 'Relecture d’un enregistrement', en: 'Recording replay' }, body, {
      scripts: [
        '/static/diagnostics.css',
        '/vendor/uplot/uPlot.min.css',
        '/vendor/uplot/uPlot.iife.min.js',
        '/static/replay.js',
      ],
    });
  };

  twin(app, 'GET', {
    access: TRAINERS,
    tags: ['training'],
    schema: { params: idParams },
    handler: async (req) => ({
      id: req.params.id,
      data: await replayData(store, req.user!.site_id, req.params.id),
    }),
    page: {
      url: '/training/recordings/:id',
      render: ({ id, data }, req, reply) => sendPage(reply, replayPage(req, id, data)),
    },
    api: {
      url: '/api/training/recordings/:id/replay',
      response: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          stats: { description: 'collectStats of @atelier/can: frames, duration, per-id counts' },
          frames: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: { t: { type: 'number' }, id: { type: 'string' }, data: { type: 'string' } },
            },
          },
          truncated: { type: 'boolean' },
        },
      },
      json: ({ data }) => data,
    },
  });

  // The traction-battery report of a recording that holds battery reads (@atelier/ev).
  twin(app, 'GET', {
    access: TRAINERS,
    tags: ['training'],
    schema: { params: idParams },
    handler: async (req) => recordingBatteryReport(store, req.user!.site_id, req.params.id),
    page: {
      url: '/training/recordings/:id/battery',
      render: (report, req, reply) => sendPage(reply, batteryReportPage(req, report)),
    },
    api: {
      url: '/api/training/recordings/:id/battery',
      response: { description: 'BatteryReport of @atelier/ev', type: 'object', additionalProperties: true },
      json: (report) => report,
    },
  });

  // A DBC given for a replay: decoded here and plotted, not stored (it describes the bus, not the lesson).
  app.post('/training/recordings/:id/dbc', {
    config: { access: TRAINERS },
    bodyLimit: MAX_RECORDING_BYTES + 64 * 1024,
    schema: {
      tags: ['training'],
      params: idParams,
      consumes: ['multipart/form-data'],
      response: pageResponses,
    },
    handler: async (req, reply) => {
      const { id } = req.params;
      const file = uploadedFile(req.body);
      if (file.truncated)
        throw new UploadRefused({ fr: 'fichier DBC trop volumineux', en: 'DBC file too large' }, 413);
      const series = await dbcSeries(store, req.user!.site_id, id, file.filename, file.bytes);
      return sendPage(reply, replayPage(req, id, await replayData(store, req.user!.site_id, id), series));
    },
  });

  app.post('/training/scenarios', {
    config: { access: TRAINERS },
    schema: {
      tags: ['training'],
      body: {
        type: 'object',
        required: ['title', 'source'],
        properties: {
          title: { type: 'string', maxLength: 200 },
          source: { type: 'string', enum: ['sim', 'recording'] },
          simName: { type: 'string', maxLength: 100 },
          recordingId: {
            anyOf: [
              { type: 'integer', minimum: 1 },
              { type: 'string', maxLength: 0 },
            ],
          },
          vehicleType: { type: 'string', enum: ['', 'petrol', 'diesel', 'hybrid', 'ev'] },
          complaint: { type: 'string', maxLength: 2000 },
          trueCause: { type: 'string', maxLength: 100 },
          notes: { type: 'string', maxLength: 4000 },
          ...csrfProp,
        },
      },
      response: formResponses('/training/scenarios/:id'),
    },
    handler: async (req, reply) => {
      const b = req.body;
      const s = await createScenario(
        store,
        { ...b, recordingId: typeof b.recordingId === 'number' ? b.recordingId : undefined },
        req.user!,
        clock.now(),
      );
      return reply.redirect(`/training/scenarios/${s.id}`, 303);
    },
  });

  // A simulated scenario from a file (`sim:PATH` in the dashboard): parsed and checked before anything
  // is stored — a bad file is refused with its line and field, a true cause that is not what its
  // faults are is refused with the causes that would be.
  app.post('/training/scenarios/file', {
    config: { access: TRAINERS },
    bodyLimit: MAX_SCENARIO_BYTES + 64 * 1024,
    schema: {
      tags: ['training'],
      consumes: ['multipart/form-data'],
      response: formResponses('/training/scenarios/:id'),
    },
    handler: async (req, reply) => {
      const file = uploadedFile(req.body);
      if (file.truncated || file.bytes.length > MAX_SCENARIO_BYTES)
        throw new UploadRefused(
          {
            fr: `fichier de scénario trop volumineux (limite ${MAX_SCENARIO_BYTES / 1024} Kio)`,
            en: `scenario file too large (limit ${MAX_SCENARIO_BYTES / 1024} KiB)`,
          },
          413,
        );
      const fields = req.body as Record<string, unknown>;
      const field = (k: string) => (typeof fields[k] === 'string' ? (fields[k] as string) : '');
      const { name, text } = checkScenarioUpload(file.filename, file.bytes);
      const s = await createScenario(
        store,
        {
          title: field('title'),
          source: 'sim',
          simFile: { name, text },
          trueCause: field('trueCause'),
        },
        req.user!,
        clock.now(),
      );
      return reply.redirect(`/training/scenarios/${s.id}`, 303);
    },
  });

  // A scenario: who it is assigned to, how far each got, each one's mark; as a page and as JSON.
  twin(app, 'GET', {
    access: TRAINERS,
    tags: ['training'],
    schema: { params: idParams },
    handler: async (req) => {
      const s = await getScenario(store, req.user!.site_id, req.params.id);
      const rows = await assignmentsOf(store, req.user!.site_id, { scenarioId: s.id });
      return {
        s,
        assessed: await Promise.all(rows.map((a) => assessAssignment(store, req.user!.site_id, a.id))),
      };
    },
    page: {
      url: '/training/scenarios/:id',
      render: ({ s, assessed }, req, reply) => {
        const body = html`<dl class="facts"><dt>${T(req, { fr: 'Plainte', en: 'Complaint' })}</dt><dd class="complaint">${s.complaint}</dd>
<dt>${T(req, { fr: 'Vraie cause', en: 'True cause' })}</dt><dd class="true-cause">${T(req, scenarioCause(s))}</dd>
<dt>${T(req, { fr: 'Notes', en: 'Notes' })}</dt><dd>${s.notes || '—'}</dd></dl>
<h2>${T(req, { fr: 'Classe : avancement et évaluation', en: 'Class: progress and assessment' })}</h2>
<table class="class-view"><thead><tr><th>${T(req, { fr: 'Apprenti', en: 'Apprentice' })}</th><th>${T(req, { fr: 'Classe', en: 'Class' })}</th><th>${T(req, { fr: 'À rendre', en: 'Due' })}</th><th>${T(req, { fr: 'Avancement', en: 'Progress' })}</th><th>${T(req, { fr: 'Bonne cause', en: 'Right cause' })}</th><th>${T(req, { fr: 'Note /20', en: 'Mark /20' })}</th><th></th></tr></thead>
<tbody>${assessed.map(
          (
            x,
          ) => html`<tr data-user="${x.assignment.user_name}"><td>${x.assignment.user_name}</td><td>${x.assignment.class_name ?? '—'}</td><td>${formatDay(req.lang, x.assignment.due_on)}</td><td class="progress">${progress(req, x.assignment)}</td>
<td>${x.battery ? (x.battery.read ? T(req, { fr: '✔ rapport lu', en: '✔ report read' }) : '✘') : x.assessment ? (x.assessment.rightCause ? '✔' : '✘') : '—'}</td><td class="mark">${x.assessment ? String(x.assessment.mark) : '—'}</td>
<td><a href="/training/assignments/${x.assignment.id}">${T(req, { fr: 'Détail', en: 'Details' })}</a></td></tr>`,
        )}</tbody></table>`;
        return sendPage(
          reply,
          renderPage(req, { fr: `Scénario : ${s.title}`, en: `Scenario: ${s.title}` }, body, {
            scripts: ['/static/diagnostics.css'],
          }),
        );
      },
    },
    api: {
      url: '/api/training/scenarios/:id/assessments',
      response: { type: 'array', items: assessedSchema },
      json: ({ assessed }) => assessed,
    },
  });

  app.post('/training/classes', {
    config: { access: TRAINERS },
    schema: {
      tags: ['training'],
      body: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', maxLength: 100 },
          userIds: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 200, default: [] },
          ...csrfProp,
        },
      },
      response: formResponses('/training#classes'),
    },
    handler: async (req, reply) => {
      const b = req.body;
      await createClass(store, req.user!.site_id, b.name, b.userIds, clock.now());
      return reply.redirect('/training#classes', 303);
    },
  });

  app.post('/training/assignments', {
    config: { access: TRAINERS },
    schema: {
      tags: ['training'],
      body: {
        type: 'object',
        required: ['scenarioId', 'dueOn'],
        properties: {
          scenarioId: { type: 'integer', minimum: 1 },
          userIds: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 200, default: [] },
          classId: { type: 'integer', minimum: 0, default: 0 },
          /** YYYY-MM-DD or JJ/MM/AAAA. */
          dueOn: { type: 'string', pattern: DAY_PATTERN },
          // The instructor's choice for this exercise: a form sends the box only when ticked, so the
          // field says "hide", and absent means shown.
          hideProbabilities: { type: 'boolean', default: false },
          ...csrfProp,
        },
      },
      response: formResponses('/training/scenarios/:id'),
    },
    handler: async (req, reply) => {
      const b = req.body;
      await assignScenario(
        store,
        {
          scenarioId: b.scenarioId,
          userIds: b.userIds,
          classId: b.classId || null,
          dueOn: dayValue(b.dueOn, 'dueOn'),
          showProbabilities: !b.hideProbabilities,
        },
        req.user!,
        clock.now(),
      );
      return reply.redirect(`/training/scenarios/${b.scenarioId}`, 303);
    },
  });

  app.post('/training/assignments/:id/start', {
    config: { access: LEARNERS },
    schema: {
      tags: ['training'],
      params: idParams,
      body: csrfOnly,
      response: formResponses('/diagnostics/:id'),
    },
    handler: async (req, reply) => {
      const a = await getAssignment(store, req.user!.site_id, req.params.id);
      if (a.user_id !== req.user!.id)
        throw new ForbiddenError({
          fr: 'ce scénario est affecté à un autre apprenti',
          en: 'this scenario is assigned to another apprentice',
        });
      if (a.session_id) return reply.redirect(`/diagnostics/${a.session_id}`, 303);
      const s = await createDiagSession(
        store,
        { roId: null, assignmentId: a.id, adapter: { kind: 'scenario', spec: String(a.scenario_id) } },
        req.user!,
        clock.now(),
      );
      await markStarted(store, a.id, clock.now());
      return reply.redirect(`/diagnostics/${s.id}`, 303);
    },
  });

  app.get('/training/assignments/:id', {
    config: { access: STAFF },
    schema: { tags: ['training'], params: idParams, response: pageResponses },
    handler: async (req, reply) => {
      const x = await assessAssignment(store, req.user!.site_id, req.params.id);
      if (!isTrainer(req) && x.assignment.user_id !== req.user!.id)
        throw new ForbiddenError({
          fr: 'cette évaluation est celle d’un autre apprenti',
          en: "this is another apprentice's assessment",
        });
      const a = x.assessment;
      const body = html`<p>${x.assignment.user_name} — ${x.scenario.title} — ${progress(req, x.assignment)}</p>
${
  x.battery
    ? html`<section class="card assessment battery-assessment"><p class="battery-read">${
        x.battery.read
          ? html`${T(req, { fr: 'Rapport batterie de traction lu le', en: 'Traction-battery report read on' })} ${formatDateTime(req.lang, x.battery.at!)} : ${batteryReadText(req, x.battery.value)}`
          : T(req, {
              fr: 'Rapport batterie de traction pas encore lu.',
              en: 'Traction-battery report not read yet.',
            })
      }</p></section>`
    : a
      ? html`<section class="card assessment"><h2>${T(req, { fr: 'Note', en: 'Mark' })} : <span class="mark">${String(a.mark)}</span> / 20</h2>
<p class="right-cause">${a.rightCause ? T(req, a.trueCause === null ? { fr: 'Bonne conclusion : aucune cause, aucune pièce remplacée', en: 'Right ending: no cause, no part replaced' } : { fr: 'Bonne cause trouvée', en: 'Right cause found' }) : a.premature ? T(req, { fr: 'Conclusion prématurée (non confirmée par un test)', en: 'Premature conclusion (not confirmed by a test)' }) : T(req, { fr: 'Cause non trouvée', en: 'Cause not found' })} — ${T(req, { fr: 'vraie cause', en: 'true cause' })} : ${T(req, causeName(a.trueCause, x.expert?.treeId))}${a.conclusion ? html`, ${T(req, { fr: 'conclusion', en: 'conclusion' })} : ${T(req, causeName(a.conclusion, x.apprentice?.treeId))}` : ''}</p>
<table class="skills"><tbody>${Object.entries(a.skills).map(([k, v]) => html`<tr data-skill="${k}"><th>${T(req, SKILLS[k as keyof typeof SKILLS])}</th><td class="level-${v}">${T(req, LEVEL[v])}</td></tr>`)}</tbody></table>
<table class="compare"><thead><tr><th></th><th>${T(req, { fr: 'Apprenti', en: 'Apprentice' })}</th><th>${T(req, { fr: 'Expert', en: 'Expert' })}</th></tr></thead><tbody>
<tr><th>${T(req, { fr: 'Tests', en: 'Tests' })}</th><td>${a.tests.apprentice}</td><td>${a.tests.expert}</td></tr>
<tr><th>${T(req, { fr: 'Coût (€)', en: 'Cost (€)' })}</th><td>${a.cost.apprentice}</td><td>${a.cost.expert}</td></tr>
<tr><th>${T(req, { fr: 'Temps des tests et réparations (min)', en: 'Test and repair time (min)' })}</th><td>${a.minutes.apprentice}</td><td>${a.minutes.expert}</td></tr>
<tr><th>${T(req, { fr: 'Durée de la session (min)', en: 'Session duration (min)' })}</th><td>${x.minutes ?? '—'}</td><td></td></tr>
</tbody></table>
${a.needlessRepairs.length ? html`<p class="needless">${T(req, { fr: 'Pièces remplacées inutilement', en: 'Parts replaced needlessly' })} : ${a.needlessRepairs.map((c) => T(req, causeName(c, x.apprentice?.treeId))).join(', ')}</p>` : ''}
${a.skippedSafety.length ? html`<p class="error skipped-safety">${T(req, { fr: 'Sécurité oubliée', en: 'Safety skipped' })} : ${a.skippedSafety.map((s, i) => html`${i ? ' — ' : ''}<span class="skipped" data-test="${s.test}" data-missing="${s.missing.join(' ')}">${T(req, skippedSafetyText(knowledgeBase(), s))}</span>`)}</p>` : ''}
<ul class="remarks">${a.remarks.map((r) => html`<li>${T(req, r)}</li>`)}</ul>
<div class="grid"><div><h3>${T(req, { fr: 'Chemin de l’apprenti', en: "Apprentice's path" })}</h3>${pathList(req, x.apprentice ? { version: 1, treeId: x.apprentice.treeId, facts: { vehicle: 'petrol', dtcs: [] }, steps: x.apprentice.steps, state: 'done', conclusion: x.apprentice.conclusion, costModel: { labourRate: 70 } } : null)}</div>
<div><h3>${T(req, { fr: 'Chemin expert', en: 'Expert path' })}</h3>${pathList(req, x.expert ? { version: 1, treeId: x.expert.treeId, facts: { vehicle: 'petrol', dtcs: [] }, steps: x.expert.steps, state: 'done', conclusion: x.expert.conclusion, costModel: { labourRate: 70 } } : null)}</div></div>
</section>`
      : html`<p class="muted">${T(req, { fr: 'Pas encore de diagnostic guidé enregistré.', en: 'No guided diagnosis recorded yet.' })}</p>`
}`;
      return sendPage(
        reply,
        renderPage(req, { fr: 'Évaluation', en: 'Assessment' }, body, {
          scripts: ['/static/diagnostics.css'],
        }),
      );
    },
  });

  // Training export: the session's data without customer identity and with a truncated VIN.
  app.get('/api/training/sessions/:id/export', {
    config: { access: TRAINERS },
    schema: {
      tags: ['training'],
      params: idParams,
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          properties: {
            session: { description: 'id, adapter, started_at, ended_at' },
            vehicle: {
              description: 'maker, model, model_year, energy, truncated VIN; null without an order',
            },
            vin: { type: ['string', 'null'] },
            readings: { description: 'the latest readings, the VIN truncated' },
            samples: { description: 'live samples { t, pid, value }' },
            marks: { description: 'marked moments { id, t, label }' },
            path: { description: 'the guided diagnosis (SessionData), or null' },
            traffic: {
              type: 'object',
              additionalProperties: false,
              properties: { format: { type: 'string' }, text: { type: 'string' } },
            },
          },
        },
        ...apiErrors,
      },
    },
    handler: async (req) => trainingExport(store, req.user!.site_id, req.params.id),
  });
}

/** Recordings, scenarios, classes, assignments and assessments. */
export const trainingPlugin = fp(training, {
  name: 'atelier-training',
  encapsulate: true,
  dependencies: ['atelier-core'],
  decorators: { fastify: ['deps'] },
});
