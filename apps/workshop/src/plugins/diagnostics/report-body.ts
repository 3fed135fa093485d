/**
 * The diagnostic body of the customer report, made from the same record as the session's page: the
 * codes read before (per memory), the guided diagnosis' outcome, the work done, and the verification
 * as the path recorded it — battery charged (after a charging repair), codes cleared, road test,
 * codes after. Words only, French or English:
 * no internal key reaches the customer.
 */
import { describeBatteryCharge, type SessionData, verifyOutcome } from '@atelier/diagnosis';
import { dtcTitle } from '@atelier/obd';
import type { FastifyRequest } from 'fastify';
import type { Text } from '../../i18n.js';
import type { StoredReading } from '../../services/diagnostics.js';
import { causeName, knowledgeBase } from '../../services/knowledge.js';
import { type Html, html } from '../../web/html.js';
import { T } from '../../web/layout.js';
import { measuredText, missingText, outcomeHtml } from './views.js';

type Memory = 'stored' | 'pending' | 'permanent';
const MEMORY: Record<Memory, Text> = {
  stored: { fr: 'mémorisé', en: 'stored' },
  pending: { fr: 'en attente de confirmation', en: 'pending confirmation' },
  permanent: { fr: 'mémoire permanente', en: 'permanent' },
};
const MEMORIES: Memory[] = ['stored', 'pending', 'permanent'];

/** The codes read before the diagnosis, per memory: from the guided session's facts, else the readings. */
function codesBefore(guided: SessionData | null, readings: StoredReading[]): Map<string, Set<Memory>> | null {
  const out = new Map<string, Set<Memory>>();
  const add = (code: string, m: Memory) => {
    const set = out.get(code) ?? new Set<Memory>();
    set.add(m);
    out.set(code, set);
  };
  if (guided && (guided.facts.dtcMemories || guided.facts.dtcs.length)) {
    for (const code of guided.facts.dtcs)
      for (const m of guided.facts.dtcMemories?.[code] ?? ['stored']) add(code, m as Memory);
    return out;
  }
  const read = readings.filter((r) => r.kind === 'dtcs' && MEMORIES.includes(r.item as Memory));
  if (!read.length) return null;
  for (const r of read) for (const code of r.value as string[]) add(code, r.item as Memory);
  return out;
}

function codeTable(req: FastifyRequest, codes: Map<string, Set<Memory>>): Html {
  if (!codes.size)
    return html`<p class="no-dtc">${T(req, { fr: 'Aucun code défaut.', en: 'No trouble code.' })}</p>`;
  return html`<table class="report-codes"><tbody>${[...codes].map(
    ([code, memories]) =>
      html`<tr data-code="${code}"><td><code>${code}</code></td><td>${dtcTitle(code, req.lang)}</td><td>${MEMORIES.filter(
        (m) => memories.has(m),
      )
        .map((m) => T(req, MEMORY[m]))
        .join(', ')}</td></tr>`,
  )}</tbody></table>`;
}

/** The report's diagnostic sections. */
export function reportBody(req: FastifyRequest, guided: SessionData | null, readings: StoredReading[]): Html {
  const before = codesBefore(guided, readings);
  const steps = guided?.steps ?? [];
  const lastRepair = steps.findLastIndex((x) => x.kind === 'repair');
  const repair = lastRepair >= 0 ? steps[lastRepair] : undefined;
  const after = lastRepair >= 0 ? steps.slice(lastRepair + 1) : [];
  const clear = after.findLast((x) => x.kind === 'clear');
  const roadTest = after.findLast((x) => x.kind === 'road_test');
  const charge = after.findLast((x) => x.kind === 'battery_charge');
  const verify = after.findLast((x) => x.kind === 'verify');
  const treeCauses = knowledgeBase().trees.find((t) => t.id === guided?.treeId)?.causes ?? [];
  const measured = steps.filter((x) => x.kind === 'test' && x.measured);
  const yes = (b: boolean) => T(req, b ? { fr: 'oui', en: 'yes' } : { fr: 'non', en: 'no' });
  return html`<h2>${T(req, { fr: 'Codes défaut relevés', en: 'Trouble codes found' })}</h2>
${before ? codeTable(req, before) : html`<p>${T(req, { fr: 'Non lus.', en: 'Not read.' })}</p>`}
<h2>${T(req, { fr: 'Diagnostic', en: 'Diagnosis' })}</h2>
${
  guided?.outcome || guided?.conclusion
    ? html`<div id="report-conclusion">${outcomeHtml(req, guided)}</div>`
    : html`<p>${T(req, { fr: 'Diagnostic en cours.', en: 'Diagnosis in progress.' })}</p>`
}
${
  measured.length
    ? html`<h3>${T(req, { fr: 'Mesures', en: 'Measurements' })}</h3><ul class="report-measures">${measured.map(
        (x) =>
          x.kind === 'test' && x.measured
            ? html`<li>${T(req, knowledgeBase().tests.get(x.id)?.name ?? { fr: x.id, en: x.id })} : ${measuredText(req, x.measured, x.id)}</li>`
            : '',
      )}</ul>`
    : ''
}
${
  repair?.kind === 'repair'
    ? html`<h2>${T(req, { fr: 'Intervention', en: 'Work done' })}</h2><p>${T(req, causeName(repair.cause, guided?.treeId))} — ${T(
        req,
        treeCauses.find((c) => c.id === repair.cause)?.repair ?? { fr: '', en: '' },
      )}</p>`
    : ''
}
${
  repair
    ? html`<h2>${T(req, { fr: 'Contrôle après intervention', en: 'Check after the work' })}</h2>
<table class="report-check"><tbody>
${charge?.kind === 'battery_charge' ? html`<tr><th>${T(req, { fr: 'Batterie rechargée', en: 'Battery charged' })}</th><td>${T(req, describeBatteryCharge(charge))}</td></tr>` : ''}
<tr><th>${T(req, { fr: 'Codes effacés', en: 'Codes cleared' })}</th><td>${clear?.kind === 'clear' ? (clear.ok ? yes(true) : T(req, { fr: 'refusé par le véhicule', en: 'refused by the car' })) : yes(false)}</td></tr>
<tr><th>${T(req, { fr: 'Essai routier', en: 'Road test' })}</th><td>${roadTest?.kind === 'road_test' ? `${yes(true)}${roadTest.minutes ? ` (${roadTest.minutes} min)` : ''}` : yes(false)}</td></tr>
<tr><th>${T(req, { fr: 'Codes relus après l’essai', en: 'Codes read after the road test' })}</th><td>${
        verify?.kind === 'verify'
          ? verify.dtcsAfter.length
            ? html`${verify.dtcsAfter.map((c) => html`<code>${c}</code> ${dtcTitle(c, req.lang)} `)}`
            : T(req, { fr: 'aucun', en: 'none' })
          : T(req, { fr: 'pas encore relus', en: 'not read yet' })
      }</td></tr>
<tr><th>${T(req, { fr: 'Résultat', en: 'Result' })}</th><td class="report-result">${
        verify?.kind === 'verify'
          ? verifyOutcome(verify) === 'cured'
            ? T(req, { fr: 'réparation validée', en: 'repair validated' })
            : verifyOutcome(verify) === 'incomplete'
              ? `${T(req, { fr: 'vérification incomplète', en: 'verification incomplete' })} (${verify.missing ? missingText(req, verify.missing) : ''})`
              : T(req, {
                  fr: 'défaut toujours présent : le diagnostic reprend',
                  en: 'fault still present: the diagnosis goes on',
                })
          : T(req, { fr: 'vérification à faire', en: 'verification to do' })
      }</td></tr>
</tbody></table>
<p class="muted">${T(req, { fr: 'Un code en mémoire permanente reste en mémoire jusqu’à ce que le calculateur ait refait son contrôle sur un cycle de conduite complet ; il ne signifie pas que le défaut est revenu.', en: 'A "permanent" code stays in memory until the ECU has run its check again over a full drive cycle; it does not mean the fault came back.' })}</p>`
    : ''
}`;
}
