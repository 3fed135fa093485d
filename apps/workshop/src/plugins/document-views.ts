/**
 * The order's documents as pages: the quote lines with their totals (editable until the customer
 * agrees), the agreement form with the signature pad, the quality-control checklist, the invoice
 * box, and the printable documents — quote (devis), repair order, invoice — each with the mentions
 * French rules ask for. No route here: functions of what the plugins loaded.
 */
import { bpToPercent, computeTotals, type InvoiceDocument, type Totals } from '@atelier/facturx';
import { dtcTitle } from '@atelier/obd';
import type { FastifyRequest } from 'fastify';
import { formatDateTime, formatDay, formatMoney, type Lang } from '../i18n.js';
import { ENERGY_LABEL, STATE_LABEL } from '../services/domain.js';
import { HV_WORK, HV_WORK_LABEL, HV_WORK_SYMBOL, parseRequirement } from '../services/hv.js';
import type { Invoice, InvoiceRow } from '../services/invoices.js';
import type { OrderDiagnosis } from '../services/order-diagnosis.js';
import type { OrderDetail } from '../services/orders.js';
import { ORDER_KIND_LABEL, type OrderKind } from '../services/process.js';
import { QC_RESULT_LABEL, QC_RESULTS, type QcStatus } from '../services/quality.js';
import {
  AGREEMENT_LABEL,
  AGREEMENT_METHODS,
  type Agreement,
  EDITABLE_STATES,
  PART_ORIGIN_LABEL,
  PART_ORIGINS,
  PIEC_CHOICE_LABEL,
  PIEC_CHOICES,
  type QuoteLine,
  quoteTotals,
  TIME_BASES,
  TIME_BASIS_LABEL,
  UNIT_LABEL,
  VAT_RATES,
} from '../services/quotes.js';
import { type LabourRate, TIME_BILLING_LABEL, type WorkshopProfile } from '../services/workshop-profile.js';
import { dateTimeInput, dayInput } from '../web/dates.js';
import { type Html, html } from '../web/html.js';
import { csrfField, T } from '../web/layout.js';
import { freezeValue, pidLabel } from './diagnostics/views.js';

const qtyFormat = {
  fr: new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 }),
};
export const quantity = (lang: Lang, milli: number) => qtyFormat[lang].format(milli / 1000);
const pct = (lang: Lang, bp: number) => `${bpToPercent(bp).replace('.', lang === 'fr' ? ',' : '.')} %`;
const euros = (req: FastifyRequest, cents: number) => formatMoney(req.lang, cents);
const dateOf = (lang: Lang, iso: string | null | undefined) =>
  iso
    ? new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
        timeZone: 'UTC',
        dateStyle: 'long',
      }).format(new Date(`${iso}T00:00:00Z`))
    : '—';
const confirmBox = (req: FastifyRequest, text: { fr: string; en: string }) =>
  html`<label class="check confirm"><input type="checkbox" name="confirm" value="yes" required> ${T(req, text)}</label>`;

/** The fault memories a code is read from (SAE J1979 services 03, 07, 0A), as a mechanic names them. */
const MEMORY_LABEL: Record<string, { fr: string; en: string }> = {
  stored: { fr: 'mémorisé', en: 'stored' },
  pending: { fr: 'en attente', en: 'pending' },
  permanent: { fr: 'permanent', en: 'permanent' },
};

const STATUS_LABEL = {
  proposed: { fr: 'proposée', en: 'proposed' },
  approved: { fr: 'accordée', en: 'approved' },
  declined: { fr: 'refusée — travaux différés', en: 'declined — deferred work' },
};

/** What a line says besides its name: how time is billed, the rate, where a part comes from. */
function lineDetail(req: FastifyRequest, l: QuoteLine, rates: LabourRate[]): string {
  const out: string[] = [];
  if (l.kind === 'labour') {
    if (l.time_basis) out.push(T(req, TIME_BASIS_LABEL[l.time_basis]));
    const rate = rates.find((r) => r.id === l.labour_rate_id);
    if (rate && l.unit === 'hour')
      out.push(`${rate.code} ${req.lang === 'fr' ? rate.label_fr : rate.label_en}`);
    if (l.unit === 'flat' && l.sold_hours)
      out.push(T(req, { fr: '{h} h comprises', en: '{h} h included' }, { h: l.sold_hours }));
    if (l.schedule_ref) out.push(T(req, { fr: 'barème {r}', en: 'schedule {r}' }, { r: l.schedule_ref }));
    if (l.hv_work !== 'none')
      out.push(`⚡ ${T(req, HV_WORK_LABEL[l.hv_work])} (${HV_WORK_SYMBOL[l.hv_work]})`);
  } else if (l.part_origin)
    out.push(T(req, { fr: 'pièce {o}', en: '{o} part' }, { o: T(req, PART_ORIGIN_LABEL[l.part_origin]) }));
  return out.join(' · ');
}

export function totalsRows(
  req: FastifyRequest,
  t: Totals,
  strongLabel = { fr: 'Total TTC', en: 'Total incl. VAT' },
): Html {
  return html`<table class="totals"><tbody>
<tr><th>${T(req, { fr: 'Total HT', en: 'Total excl. VAT' })}</th><td data-total="ht">${euros(req, t.ht)}</td></tr>
${t.vat.map((v) => html`<tr><th>${T(req, { fr: 'TVA {r} sur {b}', en: 'VAT {r} on {b}' }, { r: pct(req.lang, v.rateBp), b: euros(req, v.baseCents) })}</th><td>${euros(req, v.vatCents)}</td></tr>`)}
<tr><th>${T(req, { fr: 'Total TVA', en: 'Total VAT' })}</th><td data-total="tva">${euros(req, t.tva)}</td></tr>
<tr class="grand"><th>${T(req, strongLabel)}</th><td data-total="ttc">${euros(req, t.ttc)}</td></tr>
</tbody></table>`;
}

/** The quote lines as a table; with `edit`, each line can be changed or removed (the quote is editable). */
export function linesTable(
  req: FastifyRequest,
  o: Pick<OrderDetail, 'id' | 'lines'>,
  rates: LabourRate[],
  opts: { edit?: boolean; status?: boolean } = {},
): Html {
  if (!o.lines.length)
    return html`<p class="muted">${T(req, { fr: 'Aucune ligne de devis.', en: 'No quote line.' })}</p>`;
  return html`<table class="lines doc-lines"><thead><tr><th>${T(req, { fr: 'Réf.', en: 'Ref.' })}</th><th>${T(req, { fr: 'Désignation', en: 'Description' })}</th><th class="num">${T(req, { fr: 'Qté', en: 'Qty' })}</th><th class="num">${T(req, { fr: 'PU HT', en: 'Unit price excl. VAT' })}</th><th class="num">${T(req, { fr: 'TVA', en: 'VAT' })}</th><th class="num">${T(req, { fr: 'Montant HT', en: 'Amount excl. VAT' })}</th>${opts.status ? html`<th>${T(req, { fr: 'Statut', en: 'Status' })}</th>` : ''}${opts.edit ? html`<th class="no-print"></th>` : ''}</tr></thead>
<tbody>${o.lines.map(
    (l) =>
      html`<tr class="line-${l.status}" data-line="${l.id}"><td>${l.part_ref}</td><td>${l.description}${lineDetail(req, l, rates) ? html`<br><small class="muted">${lineDetail(req, l, rates)}</small>` : ''}</td><td class="num">${quantity(req.lang, l.quantity_milli)} ${T(req, UNIT_LABEL[l.unit])}</td><td class="num">${euros(req, l.unit_price_cents)}</td><td class="num">${pct(req.lang, l.vat_rate_bp)}</td><td class="num">${euros(req, l.price_cents)}</td>${
        opts.status
          ? html`<td>${T(req, STATUS_LABEL[l.status])}${l.followup_on ? html` (${T(req, { fr: 'relance', en: 'follow-up' })} ${formatDay(req.lang, l.followup_on)})` : ''}</td>`
          : ''
      }${opts.edit ? html`<td class="no-print">${lineEditor(req, o.id, l, rates)}</td>` : ''}</tr>`,
  )}</tbody></table>`;
}

const rateOptions = (req: FastifyRequest, rates: LabourRate[], selected?: number | null) =>
  rates
    .filter((r) => r.active)
    .map(
      (r) =>
        html`<option value="${r.id}" ${r.id === selected ? html`selected` : ''}>${r.code} — ${req.lang === 'fr' ? r.label_fr : r.label_en} (${euros(req, r.rate_cents)} HT/h)</option>`,
    );
const vatOptions = (req: FastifyRequest, selected = 2000) =>
  VAT_RATES.map(
    (v) => html`<option value="${v}" ${v === selected ? html`selected` : ''}>${pct(req.lang, v)}</option>`,
  );
const decimal = (n: number) => String(n);

/** The fields of a line, filled with `l` when editing. */
function lineFields(req: FastifyRequest, kind: 'labour' | 'part', rates: LabourRate[], l?: QuoteLine): Html {
  if (kind === 'labour')
    return html`<input type="hidden" name="kind" value="labour">
<label>${T(req, { fr: 'Libellé', en: 'Description' })} <input name="description" required maxlength="500" value="${l?.description ?? ''}"></label>
<label>${T(req, { fr: 'Facturation du temps', en: 'Time billing' })} <select name="timeBasis">${TIME_BASES.map((b) => html`<option value="${b}" ${(l?.time_basis ?? 'schedule') === b ? html`selected` : ''}>${T(req, TIME_BASIS_LABEL[b])}</option>`)}</select></label>
<label>${T(req, { fr: 'Taux horaire affiché', en: 'Posted hourly rate' })} <select name="rateId">${rateOptions(req, rates, l?.labour_rate_id)}</select></label>
<label>${T(req, { fr: 'Temps (h)', en: 'Time (h)' })} <input name="hours" type="number" step="0.01" min="0" max="100" value="${l ? decimal(l.sold_hours) : '1'}"></label>
<label>${T(req, { fr: 'Référence barème', en: 'Schedule reference' })} <input name="scheduleRef" maxlength="60" value="${l?.schedule_ref ?? ''}"></label>
<label>${T(req, { fr: 'Prix du forfait HT (€, forfait seulement)', en: 'Flat price excl. VAT (€, flat rate only)' })} <input name="unitPrice" inputmode="decimal" value="${l?.unit === 'flat' ? decimal(l.unit_price_cents / 100) : ''}"></label>
<label>${T(req, { fr: 'Opération haute tension', en: 'High-voltage operation' })} <select name="hvWork">${HV_WORK.map((w) => html`<option value="${w}" ${(l?.hv_work ?? 'none') === w ? html`selected` : ''}>${T(req, HV_WORK_LABEL[w])}${w === 'none' ? '' : ` (${HV_WORK_SYMBOL[w]})`}</option>`)}</select></label>
<label>${T(req, { fr: 'TVA', en: 'VAT' })} <select name="vatRate">${vatOptions(req, l?.vat_rate_bp)}</select></label>`;
  return html`<input type="hidden" name="kind" value="part">
<label>${T(req, { fr: 'Désignation', en: 'Description' })} <input name="description" required maxlength="500" value="${l?.description ?? ''}"></label>
<label>${T(req, { fr: 'Référence pièce', en: 'Part reference' })} <input name="partRef" maxlength="60" value="${l?.part_ref ?? ''}"></label>
<label>${T(req, { fr: 'Quantité', en: 'Quantity' })} <input name="quantity" type="number" step="0.001" min="0.001" value="${l ? decimal(l.quantity_milli / 1000) : '1'}"></label>
<label>${T(req, { fr: 'Unité', en: 'Unit' })} <select name="unit"><option value="unit" ${l?.unit !== 'litre' ? html`selected` : ''}>${T(req, { fr: 'pièce', en: 'piece' })}</option><option value="litre" ${l?.unit === 'litre' ? html`selected` : ''}>${T(req, { fr: 'litre', en: 'litre' })}</option></select></label>
<label>${T(req, { fr: 'Prix unitaire HT (€)', en: 'Unit price excl. VAT (€)' })} <input name="unitPrice" inputmode="decimal" required value="${l ? decimal(l.unit_price_cents / 100) : ''}"></label>
<label>${T(req, { fr: 'Origine', en: 'Origin' })} <select name="origin">${PART_ORIGINS.map((p) => html`<option value="${p}" ${(l?.part_origin ?? 'new') === p ? html`selected` : ''}>${T(req, PART_ORIGIN_LABEL[p])}</option>`)}</select></label>
<label>${T(req, { fr: 'TVA', en: 'VAT' })} <select name="vatRate">${vatOptions(req, l?.vat_rate_bp)}</select></label>`;
}

function lineEditor(req: FastifyRequest, roId: number, l: QuoteLine, rates: LabourRate[]): Html {
  return html`<details class="line-edit"><summary>${T(req, { fr: 'Modifier', en: 'Edit' })}</summary>
<form method="post" action="/orders/${roId}/lines/${l.id}" class="card">${csrfField(req)}${lineFields(req, l.kind, rates, l)}
<button type="submit">${T(req, { fr: 'Enregistrer la ligne', en: 'Save the line' })}</button></form>
<form method="post" action="/orders/${roId}/lines/${l.id}/delete" class="card danger">${csrfField(req)}
${confirmBox(req, { fr: 'Je confirme la suppression de cette ligne', en: 'I confirm deleting this line' })}
<button type="submit" class="danger">${T(req, { fr: 'Supprimer la ligne', en: 'Delete the line' })}</button></form></details>`;
}

/** The quote on the order page: lines, totals, forms to add lines while it is editable. */
export function quoteSection(
  req: FastifyRequest,
  o: OrderDetail,
  rates: LabourRate[],
  canWork: boolean,
): Html {
  const editable = canWork && EDITABLE_STATES.includes(o.state);
  const t = quoteTotals(o.lines);
  return html`<section class="quote" id="quote"><h2>${T(req, { fr: 'Devis', en: 'Quote' })} <a class="small" href="/orders/${o.id}/quote">${T(req, { fr: 'Devis imprimable', en: 'Printable quote' })}</a></h2>
${o.quote_sent_at ? html`<p class="muted">${T(req, { fr: 'Envoyé le {d}, valable jusqu’au {v}', en: 'Sent on {d}, valid until {v}' }, { d: formatDateTime(req.lang, o.quote_sent_at), v: dateOf(req.lang, o.quote_valid_until) })}</p>` : ''}
${linesTable(req, o, rates, { edit: editable, status: true })}
${o.lines.length ? totalsRows(req, t) : ''}
${
  editable
    ? html`<div class="actions">
<form method="post" action="/orders/${o.id}/lines" class="card add-labour">${csrfField(req)}<h3>${T(req, { fr: 'Ajouter de la main-d’œuvre', en: 'Add labour' })}</h3>${lineFields(req, 'labour', rates)}<button type="submit">${T(req, { fr: 'Ajouter', en: 'Add' })}</button></form>
<form method="post" action="/orders/${o.id}/lines" class="card add-part">${csrfField(req)}<h3>${T(req, { fr: 'Ajouter une pièce', en: 'Add a part' })}</h3>${lineFields(req, 'part', rates)}<button type="submit">${T(req, { fr: 'Ajouter', en: 'Add' })}</button></form>
</div>`
    : ''
}</section>`;
}

/** The order's diagnosis: the cause, codes before and after, values measured, and what to do with it. */
export function diagnosisSection(
  req: FastifyRequest,
  o: OrderDetail,
  d: OrderDiagnosis | null,
  opts: { canWork: boolean; startForm: Html | ''; rates: readonly LabourRate[] },
): Html {
  const canPropose = opts.canWork && d?.conclusion && EDITABLE_STATES.includes(o.state);
  // each code once, with the memories and ECUs it was read from
  const codes = (list: OrderDiagnosis['codesBefore']) => {
    const byCode = new Map<string, { memories: Set<string>; ecus: Set<string> }>();
    for (const c of list) {
      const e = byCode.get(c.code) ?? { memories: new Set<string>(), ecus: new Set<string>() };
      e.memories.add(c.memory);
      e.ecus.add(c.ecu);
      byCode.set(c.code, e);
    }
    return byCode.size
      ? html`<ul class="codes">${[...byCode].map(
          ([code, e]) =>
            html`<li><code>${code}</code> ${dtcTitle(code, req.lang)} ${[...e.memories].map((m) => html`<span class="badge memory-${m}">${T(req, MEMORY_LABEL[m] ?? { fr: m, en: m })}</span>`)} <span class="muted">${[...e.ecus].join(', ')}</span></li>`,
        )}</ul>`
      : html`<p>${T(req, { fr: 'Aucun code.', en: 'No code.' })}</p>`;
  };
  const status = {
    found: { fr: 'cause trouvée, à réparer', en: 'cause found, to repair' },
    repaired: { fr: 'réparée, vérification à faire', en: 'repaired, to verify' },
    confirmed: { fr: 'confirmée par la vérification', en: 'confirmed by the verification' },
  };
  return html`<section class="diagnosis" id="diagnosis"><h2>${T(req, { fr: 'Diagnostic', en: 'Diagnosis' })}</h2>
${
  d
    ? html`<p><a href="/diagnostics/${d.session.id}">${T(req, { fr: 'Session de diagnostic', en: 'Diagnostic session' })} #${d.session.id}</a> — ${d.session.user_name ?? ''}, ${formatDateTime(req.lang, d.session.started_at)} · <a href="/diagnostics/${d.session.id}/report">${T(req, { fr: 'Rapport client', en: 'Customer report' })}</a></p>
${
  d.conclusion
    ? html`<p class="conclusion" data-cause="${d.conclusion.cause}"><strong>${T(req, d.conclusion.name)}</strong> — ${T(req, status[d.conclusion.status])}${d.conclusion.probability !== null ? html` (${T(req, { fr: 'probabilité', en: 'probability' })} ${Math.round(d.conclusion.probability * 100)} %)` : ''}${d.conclusion.repair ? html`<br>${T(req, { fr: 'Réparation : {r}', en: 'Repair: {r}' }, { r: T(req, d.conclusion.repair) })}` : ''}</p>`
    : html`<p class="muted">${T(req, { fr: 'Aucune cause trouvée pour l’instant.', en: 'No cause found yet.' })}</p>`
}
<div class="actions"><div><h3>${T(req, { fr: 'Codes avant intervention', en: 'Codes before the work' })}</h3>${codes(d.codesBefore)}</div>
<div><h3>${T(req, { fr: 'Codes après intervention', en: 'Codes after the work' })}</h3>${d.codesAfter ? codes(d.codesAfter) : html`<p class="muted">${T(req, { fr: 'Pas encore relus.', en: 'Not read again yet.' })}</p>`}</div></div>
${
  d.freezeFrame.length || d.tests.length
    ? html`<h3>${T(req, { fr: 'Valeurs mesurées', en: 'Measured values' })}</h3><table class="measured"><tbody>
${d.freezeFrame.map((f) => html`<tr><th>${pidLabel(req.lang, f.pid)}</th><td>${freezeValue(req.lang, f.value)}</td><td class="muted">${T(req, { fr: 'données figées', en: 'freeze frame' })} ${f.ecu}</td></tr>`)}
${d.tests.map((t) => html`<tr><th>${T(req, t.name)}</th><td>${t.value !== undefined && t.value !== null ? `${String(t.value)}${t.unit ? ` ${t.unit}` : ''}` : ''}</td><td>${t.outcome === 'bad' ? T(req, { fr: 'mauvais', en: 'bad' }) : T(req, { fr: 'bon', en: 'good' })}</td></tr>`)}
</tbody></table>`
    : ''
}
${
  canPropose
    ? html`<form method="post" action="/orders/${o.id}/propose-lines" class="inline propose">${csrfField(req)}<label>${T(req, { fr: 'Main-d’œuvre au taux', en: 'Labour at the rate' })} <select name="rateId" required><option value="">—</option>${opts.rates.map((r) => html`<option value="${r.id}">${r.code} ${req.lang === 'fr' ? r.label_fr : r.label_en}</option>`)}</select></label> <button type="submit">${T(req, { fr: 'Proposer les lignes du devis', en: 'Propose the quote lines' })}</button></form>`
    : ''
}`
    : html`<p class="muted">${T(req, { fr: 'Aucune session de diagnostic sur cet ordre.', en: 'No diagnostic session on this order.' })}</p>`
}
${opts.startForm}
</section>`;
}

/** The customer's agreement: the form (lines, PIEC choice, how, who, when, the signature pad) and what was recorded. */
export function agreementSection(
  req: FastifyRequest,
  o: OrderDetail,
  agreements: Agreement[],
  canDesk: boolean,
): Html {
  const hasParts = o.lines.some((l) => l.kind === 'part');
  const recorded = agreements.length
    ? html`<ul class="agreements">${agreements.map(
        (a) =>
          html`<li data-method="${a.method}">${T(req, { fr: 'Accord de {who} ({how}), le {when}, pour {amount} TTC', en: 'Agreement of {who} ({how}), on {when}, for {amount} incl. VAT' }, { who: a.signer_name, how: T(req, AGREEMENT_LABEL[a.method]), when: formatDateTime(req.lang, a.agreed_at), amount: euros(req, a.amount_ttc_cents) })}${a.reference ? html` — ${a.reference}` : ''}${a.piec_choice ? html` — ${T(req, PIEC_CHOICE_LABEL[a.piec_choice])}` : ''} <span class="muted">(${T(req, { fr: 'enregistré par {who} le {when}', en: 'recorded by {who} on {when}' }, { who: a.recorded_by_name ?? '—', when: formatDateTime(req.lang, a.recorded_at) })})</span>${a.signature ? html`<br><img class="signature" src="${a.signature}" alt="${T(req, { fr: 'signature du client', en: "customer's signature" })}">` : ''}</li>`,
      )}</ul>`
    : '';
  if (o.state !== 'awaiting_approval' || !canDesk)
    return agreements.length
      ? html`<section class="agreement" id="agreement"><h2>${T(req, { fr: 'Accord du client', en: "Customer's agreement" })}</h2>${recorded}</section>`
      : html``;
  return html`<section class="agreement" id="agreement"><h2>${T(req, { fr: 'Accord du client', en: "Customer's agreement" })}</h2>${recorded}
<form method="post" action="/orders/${o.id}/approval" class="card agreement-form" data-signature-form>${csrfField(req)}
<fieldset><legend>${T(req, { fr: 'Lignes accordées', en: 'Approved lines' })}</legend>${o.lines.map(
    (l) =>
      html`<label class="check"><input type="checkbox" name="approve" value="${l.id}" checked> ${l.description} — ${euros(req, l.price_cents)} HT</label>`,
  )}
<label>${T(req, { fr: 'Relance des travaux refusés le', en: 'Follow up declined work on' })} ${dayInput(req, 'followupOn', null)}</label></fieldset>
${
  hasParts
    ? html`<fieldset class="piec"><legend>${T(req, { fr: 'Pièces issues de l’économie circulaire (PIEC)', en: 'Circular-economy parts (PIEC)' })}</legend>
<p class="muted">${T(req, { fr: 'Proposées au client pour les pièces qui le permettent (Code de la consommation, art. L224-67).', en: 'Offered to the customer for the parts that allow it (French Consumer Code, art. L224-67).' })}</p>
${PIEC_CHOICES.map((c) => html`<label class="check"><input type="radio" name="piecChoice" value="${c}" required> ${T(req, PIEC_CHOICE_LABEL[c])}</label>`)}</fieldset>`
    : ''
}
<fieldset><legend>${T(req, { fr: 'Comment le client a donné son accord', en: 'How the customer agreed' })}</legend>
${AGREEMENT_METHODS.map((m, i) => html`<label class="check"><input type="radio" name="method" value="${m}" ${i === 0 ? html`checked` : ''} required> ${T(req, AGREEMENT_LABEL[m])}</label>`)}
<label>${T(req, { fr: 'Nom de la personne qui accepte', en: 'Name of the person agreeing' })} <input name="signerName" required maxlength="200" value="${o.customer_name ?? ''}"></label>
<label>${T(req, { fr: 'Téléphone ou e-mail : numéro appelé, interlocuteur, message reçu', en: 'Phone or e-mail: number called, who answered, message received' })} <input name="reference" maxlength="500"></label>
<label>${T(req, { fr: 'Accord donné le (si plus tôt)', en: 'Agreed on (if earlier)' })} ${dateTimeInput(req, 'agreedAt', null)}</label>
<div class="signature-pad" data-signature-pad hidden><p>${T(req, { fr: 'Signature du client (« bon pour accord ») :', en: "Customer's signature ('approved'):" })}</p>
<canvas width="480" height="160" aria-label="${T(req, { fr: 'zone de signature', en: 'signature area' })}"></canvas>
<button type="button" data-signature-clear>${T(req, { fr: 'Effacer', en: 'Clear' })}</button></div>
<input type="hidden" name="signature" value="">
<noscript><p class="muted">${T(req, { fr: 'La signature sur tablette demande JavaScript : enregistrez un accord par téléphone ou e-mail.', en: 'Signing on the tablet needs JavaScript: record an agreement by phone or e-mail.' })}</p></noscript>
</fieldset>
<p>${T(req, { fr: 'Montant du devis', en: 'Quote amount' })} : <strong>${euros(req, quoteTotals(o.lines).ttc)} TTC</strong></p>
<button type="submit" name="action" value="approve">${T(req, { fr: "Enregistrer l'accord", en: 'Record the agreement' })}</button>
</form></section>`;
}

/** The quality-control checklist: each item good / not applicable / failed, with a note. */
export function qualitySection(
  req: FastifyRequest,
  o: OrderDetail,
  qc: QcStatus | null,
  canCheck: boolean,
): Html {
  if (!qc || !['quality_control', 'ready', 'delivered'].includes(o.state)) return html``;
  const form = o.state === 'quality_control' && canCheck;
  return html`<section class="quality" id="quality"><h2>${T(req, { fr: 'Contrôle qualité', en: 'Quality control' })} ${qc.complete ? html`<span class="tag ok">✔ ${T(req, { fr: 'complet', en: 'complete' })}</span>` : ''}</h2>
${form ? html`<form method="post" action="/orders/${o.id}/quality" class="card">${csrfField(req)}` : ''}
<table class="checklist"><tbody>${qc.items.map(
    (i) =>
      html`<tr data-item="${i.id}"><th>${T(req, i.text)}</th><td>${
        form
          ? QC_RESULTS.map(
              (r) =>
                html`<label class="check"><input type="radio" name="result_${i.id}" value="${r}" ${i.last?.result === r ? html`checked` : ''}> ${T(req, QC_RESULT_LABEL[r])}</label>`,
            )
          : i.last
            ? T(req, QC_RESULT_LABEL[i.last.result])
            : '—'
      }${form ? html`<input name="note_${i.id}" maxlength="500" placeholder="${T(req, { fr: 'remarque (obligatoire si sans objet ou non conforme)', en: 'note (required if not applicable or failed)' })}" value="${i.last?.note ?? ''}">` : i.last?.note ? html` — ${i.last.note}` : ''}</td><td class="muted">${i.last ? `${i.last.checked_by_name ?? ''}, ${formatDateTime(req.lang, i.last.checked_at)}` : ''}</td></tr>`,
  )}</tbody></table>
${form ? html`<button type="submit">${T(req, { fr: 'Enregistrer le contrôle', en: 'Record the check' })}</button></form>` : ''}</section>`;
}

/** The invoice box: issue it (confirmed), or the invoice and credit notes of the order. */
export function invoiceSection(
  req: FastifyRequest,
  o: OrderDetail,
  invoices: InvoiceRow[],
  canInvoice: boolean,
  problems: string[],
): Html {
  const canIssue =
    canInvoice && !o.invoice && (o.state === 'ready' || (o.state === 'delivered' && invoices.length > 0));
  if (!invoices.length && !canIssue) return html``;
  const kind = (i: InvoiceRow) =>
    i.kind === 'invoice'
      ? T(req, { fr: 'Facture', en: 'Invoice' })
      : T(req, { fr: 'Avoir', en: 'Credit note' });
  return html`<section class="invoice" id="invoice"><h2>${T(req, { fr: 'Facturation', en: 'Invoicing' })}</h2>
${
  invoices.length
    ? html`<table class="invoices"><tbody>${invoices.map(
        (i) =>
          html`<tr><td>${kind(i)}</td><td><a href="/invoices/${i.id}">${i.number}</a></td><td>${dateOf(req.lang, i.issue_date)}</td><td class="num">${T(req, { fr: '{a} TTC', en: '{a} incl. VAT' }, { a: euros(req, i.ttc_cents) })}</td><td><a href="/invoices/${i.id}/pdf">PDF Factur-X</a></td></tr>`,
      )}</tbody></table>`
    : ''
}
${
  canIssue
    ? problems.length
      ? html`<p class="error">${T(req, { fr: 'Facture impossible : {p}', en: 'Cannot invoice: {p}' }, { p: problems.join(' ; ') })}</p>`
      : html`<form method="post" action="/orders/${o.id}/invoice" class="card">${csrfField(req)}
<p>${T(req, { fr: 'La facture reprend les lignes accordées : {ttc} TTC. Une fois émise, elle ne se modifie plus (un avoir la corrige).', en: 'The invoice takes the approved lines: {ttc} incl. VAT. Once issued it cannot change (a credit note corrects it).' }, { ttc: euros(req, quoteTotals(o.lines.filter((l) => l.status === 'approved')).ttc) })}</p>
${confirmBox(req, { fr: 'Je confirme l’émission de la facture', en: 'I confirm issuing the invoice' })}
<button type="submit">${T(req, { fr: 'Émettre la facture', en: 'Issue the invoice' })}</button></form>`
    : ''
}</section>`;
}

export function kindLabel(req: FastifyRequest, k: OrderKind): string {
  return T(req, ORDER_KIND_LABEL[k]);
}

/** The HV requirement as the page explains it: derived, never chosen. */
export function hvText(req: FastifyRequest, o: OrderDetail): Html {
  const symbols = parseRequirement(o.hv_requirement);
  if (!symbols.length) return html`${T(req, { fr: 'aucune', en: 'none' })}`;
  return html`⚡ <strong>${symbols.join(' + ')}</strong> <small class="muted">${T(req, { fr: '(déduit de l’énergie du véhicule et des opérations du devis)', en: "(derived from the vehicle's energy and the quote's operations)" })}</small>`;
}

// ——— Printable documents ———

/** The workshop's identity as a document header: name, legal form, SIRET, VAT, register, address. */
export function identityBlock(p: WorkshopProfile): Html {
  return html`<div class="identity"><strong>${p.legal_name}</strong>${p.trading_name ? html` — ${p.trading_name}` : ''}<br>
${p.legal_form}<br>${p.address_line1}${p.address_line2 ? html`, ${p.address_line2}` : ''}, ${p.postcode} ${p.city}<br>
SIRET ${p.siret} · TVA ${p.vat_id} · ${p.register}${p.phone || p.email ? html`<br>${[p.phone, p.email].filter(Boolean).join(' · ')}` : ''}</div>`;
}

interface CustomerBlock {
  name: string;
  address_line1: string;
  address_line2: string;
  postcode: string;
  city: string;
  country: string;
  is_business: number;
  siret: string;
  vat_id: string;
}

export function customerBlock(req: FastifyRequest, c: CustomerBlock | null): Html {
  if (!c)
    return html`<div class="customer"><em>${T(req, { fr: 'Client non renseigné', en: 'No customer' })}</em></div>`;
  return html`<div class="customer"><span class="muted">${T(req, { fr: 'Client', en: 'Customer' })}</span><br><strong>${c.name}</strong><br>
${c.address_line1 ? html`${c.address_line1}${c.address_line2 ? html`, ${c.address_line2}` : ''}<br>${c.postcode} ${c.city}${c.country !== 'FR' ? ` (${c.country})` : ''}` : html`<em class="error">${T(req, { fr: 'adresse à compléter', en: 'address missing' })}</em>`}
${c.is_business && c.siret ? html`<br>SIRET ${c.siret}` : ''}${c.is_business && c.vat_id ? html` · TVA ${c.vat_id}` : ''}</div>`;
}

export function vehicleFacts(req: FastifyRequest, o: OrderDetail): Html {
  return html`<dl class="facts doc-facts">
<dt>${T(req, { fr: 'Véhicule', en: 'Vehicle' })}</dt><dd>${o.vehicle.maker} ${o.vehicle.model} ${o.vehicle.model_year ?? ''} (${T(req, ENERGY_LABEL[o.vehicle.energy])})</dd>
<dt>${T(req, { fr: 'Immatriculation', en: 'Registration' })}</dt><dd>${o.vehicle.plate || '—'}</dd>
<dt>VIN</dt><dd><code>${o.vehicle.vin}</code></dd>
<dt>${T(req, { fr: 'Kilométrage', en: 'Odometer' })}</dt><dd>${o.odometer_km === null ? '—' : `${o.odometer_km.toLocaleString(req.lang === 'fr' ? 'fr-FR' : 'en-GB')} km`}</dd>
<dt>${T(req, { fr: 'Ordre de réparation', en: 'Repair order' })}</dt><dd>${o.number} — ${T(req, { fr: 'ouvert le', en: 'opened on' })} ${formatDateTime(req.lang, o.created_at)}</dd>
<dt>${T(req, { fr: 'Demande du client', en: "Customer's request" })}</dt><dd>${o.complaint || '—'}</dd>
</dl>`;
}

/** The rates posted (TTC, as the arrêté of 2 March 1990 asks them displayed) and how time is billed. */
export function ratesMention(req: FastifyRequest, p: WorkshopProfile, rates: LabourRate[]): Html {
  const ttc = (r: LabourRate) =>
    computeTotals([{ quantityMilli: 1000, unitPriceCents: r.rate_cents, vatRateBp: r.vat_rate_bp }]).ttc;
  return html`<p class="mention">${T(req, { fr: 'Taux horaires affichés (TTC)', en: 'Posted hourly rates (incl. VAT)' })} : ${rates
    .filter((r) => r.active)
    .map((r) => `${r.code} ${req.lang === 'fr' ? r.label_fr : r.label_en} ${euros(req, ttc(r))}`)
    .join(
      ' ; ',
    )}. ${T(req, { fr: 'Le temps est facturé {how}.', en: 'Time is billed {how}.' }, { how: T(req, TIME_BILLING_LABEL[p.time_billing]) })}</p>`;
}

/** The quote as a document (devis). */
export function quoteDocument(
  req: FastifyRequest,
  o: OrderDetail,
  p: WorkshopProfile,
  rates: LabourRate[],
  customer: CustomerBlock | null,
  agreements: Agreement[],
  now: number,
): Html {
  const t = quoteTotals(o.lines);
  const last = agreements.at(-1);
  return html`<article class="document quote-doc">
<div class="doc-head">${identityBlock(p)}<div class="doc-title"><h2>${T(req, { fr: 'DEVIS', en: 'QUOTE' })} ${o.number}</h2>
<p>${T(req, { fr: 'Établi le', en: 'Drawn up on' })} ${formatDateTime(req.lang, o.quote_sent_at ?? now)}<br>${T(req, { fr: 'Valable jusqu’au', en: 'Valid until' })} ${dateOf(req.lang, o.quote_valid_until)}</p>${customerBlock(req, customer)}</div></div>
${vehicleFacts(req, o)}
${linesTable(req, o, rates, { status: o.state !== 'quote' && o.state !== 'diagnosis' && o.state !== 'reception' })}
${totalsRows(req, t)}
<div class="mentions">
<p class="mention">${p.quote_fee_cents ? T(req, { fr: 'Devis payant : {f} TTC, déduit de la facture si les travaux sont commandés.', en: 'This quote costs {f} incl. VAT, deducted from the invoice if the work is ordered.' }, { f: euros(req, p.quote_fee_cents) }) : T(req, { fr: 'Devis gratuit.', en: 'This quote is free of charge.' })} ${T(req, { fr: 'Prix valables {n} jours.', en: 'Prices valid for {n} days.' }, { n: p.quote_validity_days })}</p>
${ratesMention(req, p, rates)}
<p class="mention">${T(req, { fr: 'Pièces issues de l’économie circulaire : pour les pièces de carrosserie, d’optique, de vitrage non collé, de sellerie et les pièces mécaniques ou électroniques qui le permettent, vous pouvez choisir des pièces de réemploi ou d’échange standard (art. L224-67 du Code de la consommation).', en: 'Circular-economy parts: for body, lighting, non-bonded glazing, trim parts and the mechanical or electronic parts that allow it, you may choose reused or standard-exchange parts (French Consumer Code, art. L224-67).' })}${o.piec_choice ? html` <strong>${T(req, PIEC_CHOICE_LABEL[o.piec_choice as 'piec' | 'new'])}.</strong>` : ''}</p>
<p class="mention">${T(req, { fr: 'Aucun travail non prévu au devis ne sera fait sans votre accord.', en: 'No work outside this quote will be done without your agreement.' })}${p.mediator ? html` ${T(req, { fr: 'Médiateur de la consommation', en: 'Consumer mediator' })} : ${p.mediator}.` : ''}</p>
</div>
${
  last
    ? html`<div class="agreed"><p>${T(req, { fr: 'Bon pour accord — {who}, {how}, le {when}', en: 'Approved — {who}, {how}, on {when}' }, { who: last.signer_name, how: T(req, AGREEMENT_LABEL[last.method]), when: formatDateTime(req.lang, last.agreed_at) })}</p>${last.signature ? html`<img class="signature" src="${last.signature}" alt="signature">` : ''}</div>`
    : html`<div class="signatures"><div>${T(req, { fr: '« Bon pour accord », date et signature du client', en: "'Approved', date and customer's signature" })}</div><div>${T(req, { fr: "Cachet de l'atelier", en: 'Workshop stamp' })}</div></div>`
}
</article>`;
}

/** The repair order as a document (ordre de réparation): what was received and what was agreed. */
export function repairOrderDocument(
  req: FastifyRequest,
  o: OrderDetail,
  p: WorkshopProfile,
  rates: LabourRate[],
  customer: CustomerBlock | null,
  now: number,
): Html {
  const agreed = o.lines.filter((l) => l.status === 'approved');
  return html`<article class="document order-doc">
<div class="doc-head">${identityBlock(p)}<div class="doc-title"><h2>${T(req, { fr: 'ORDRE DE RÉPARATION', en: 'REPAIR ORDER' })} ${o.number}</h2>
<p>${T(req, STATE_LABEL[o.state])} — ${T(req, { fr: 'imprimé le', en: 'printed on' })} ${formatDateTime(req.lang, now)}</p>${customerBlock(req, customer)}</div></div>
${vehicleFacts(req, o)}
<dl class="facts doc-facts">
<dt>${T(req, { fr: 'État constaté à la réception', en: 'Condition at reception' })}</dt><dd>${o.condition_notes || '—'}</dd>
<dt>${T(req, { fr: 'Diagnostic', en: 'Diagnosis' })}</dt><dd>${o.diagnosis_notes || '—'}</dd>
<dt>${T(req, { fr: 'Technicien', en: 'Technician' })}</dt><dd>${o.assignee_name ?? '—'}</dd>
<dt>${T(req, { fr: 'Habilitation requise', en: 'Habilitation required' })}</dt><dd>${hvText(req, o)}</dd>
</dl>
${linesTable(req, o, rates, { status: true })}
${totalsRows(req, quoteTotals(agreed.length ? agreed : o.lines))}
${ratesMention(req, p, rates)}
<div class="signatures"><div>${T(req, { fr: 'Signature du client', en: "Customer's signature" })}</div><div>${T(req, { fr: "Cachet de l'atelier", en: 'Workshop stamp' })}</div></div>
</article>`;
}

/** An invoice or credit note as issued: from its stored document, never from today's data. */
export function invoiceDocument(req: FastifyRequest, inv: Invoice): Html {
  const d: InvoiceDocument = inv.issued.doc;
  const t = computeTotals(d.lines);
  const credit = inv.kind === 'credit_note';
  const party = (x: InvoiceDocument['seller']) =>
    html`<strong>${x.name}</strong>${x.legalForm ? html`<br>${x.legalForm}` : ''}<br>${x.address.line1}${x.address.line2 ? html`, ${x.address.line2}` : ''}<br>${x.address.postcode} ${x.address.city}${x.siret ? html`<br>SIRET ${x.siret}` : ''}${x.vatId ? html`<br>TVA ${x.vatId}` : ''}${x.register ? html`<br>${x.register}` : ''}`;
  // The issued invoice's details and legal mentions were frozen in French (the legal document); the
  // labels around them follow the reader. `lang` says so to screen readers and to the language crawl.
  return html`<article class="document invoice-doc" data-number="${inv.number}">
<div class="doc-head"><div class="identity">${party(d.seller)}</div><div class="doc-title"><h2>${credit ? T(req, { fr: 'AVOIR', en: 'CREDIT NOTE' }) : T(req, { fr: 'FACTURE', en: 'INVOICE' })} ${inv.number}</h2>
<p>${T(req, { fr: 'Date d’émission', en: 'Issue date' })} : ${dateOf(req.lang, d.issueDate)}${d.dueDate ? html`<br>${T(req, { fr: 'Échéance', en: 'Due date' })} : ${dateOf(req.lang, d.dueDate)}` : ''}${d.preceding ? html`<br><strong>${T(req, { fr: 'Avoir sur la facture {n} du {d}', en: 'Credit note on invoice {n} of {d}' }, { n: d.preceding.number, d: dateOf(req.lang, d.preceding.issueDate) })}</strong>` : ''}</p>
<div class="customer"><span class="muted">${T(req, { fr: 'Client', en: 'Customer' })}</span><br>${party(d.buyer)}</div></div></div>
<dl class="facts doc-facts" lang="fr">${inv.issued.details.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<table class="lines doc-lines"><thead><tr><th>${T(req, { fr: 'Réf.', en: 'Ref.' })}</th><th>${T(req, { fr: 'Désignation', en: 'Description' })}</th><th class="num">${T(req, { fr: 'Qté', en: 'Qty' })}</th><th class="num">${T(req, { fr: 'PU HT', en: 'Unit price excl. VAT' })}</th><th class="num">${T(req, { fr: 'TVA', en: 'VAT' })}</th><th class="num">${T(req, { fr: 'Montant HT', en: 'Amount excl. VAT' })}</th></tr></thead>
<tbody>${d.lines.map(
    (l, i) =>
      html`<tr><td>${l.sellerRef ?? ''}</td><td>${l.name}${l.note ? html`<br><small class="muted">${l.note}</small>` : ''}</td><td class="num">${quantity(req.lang, l.quantityMilli)}</td><td class="num">${euros(req, l.unitPriceCents)}</td><td class="num">${pct(req.lang, l.vatRateBp)}</td><td class="num">${euros(req, t.lines[i]!)}</td></tr>`,
  )}</tbody></table>
${totalsRows(req, t, credit ? { fr: 'Total de l’avoir TTC', en: 'Credit note total incl. VAT' } : { fr: 'Net à payer TTC', en: 'Amount due incl. VAT' })}
<div class="mentions">${d.paymentTerms ? html`<p class="mention">${T(req, { fr: 'Conditions de paiement', en: 'Payment terms' })} : <span lang="fr">${d.paymentTerms}</span></p>` : ''}
${d.paymentMeans?.iban ? html`<p class="mention">IBAN ${d.paymentMeans.iban}${d.paymentMeans.bic ? ` — BIC ${d.paymentMeans.bic}` : ''}</p>` : ''}
${[...inv.issued.mentions, ...d.notes.map((n) => n.text)].map((m) => html`<p class="mention" lang="fr">${m}</p>`)}</div>
</article>`;
}

/**
 * The customer report's header: the workshop's identity, the order, the vehicle with its mileage
 * and the customer's request (the report's diagnostic body follows it).
 */
export function reportHeader(
  req: FastifyRequest,
  d: {
    session: { id: number; user_name?: string | null; vin: string | null; vin_check: string | null };
    order: OrderDetail | null;
    profile: WorkshopProfile;
    now: number;
  },
): Html {
  const { session: s, order, profile, now } = d;
  return html`<div class="doc-head report-head">${identityBlock(profile)}<div class="doc-title"><p>${T(req, { fr: 'Édité le', en: 'Issued on' })} ${formatDateTime(req.lang, now)}<br>${T(req, { fr: 'session', en: 'session' })} #${s.id}, ${s.user_name ?? ''}</p></div></div>
${
  order
    ? html`<table class="report-facts"><tbody>
<tr><th>${T(req, { fr: 'Ordre de réparation', en: 'Repair order' })}</th><td>${order.number}</td></tr>
<tr><th>${T(req, { fr: 'Client', en: 'Customer' })}</th><td>${order.customer_name ?? '—'}</td></tr>
<tr><th>${T(req, { fr: 'Véhicule', en: 'Vehicle' })}</th><td>${order.vehicle.maker} ${order.vehicle.model} ${order.vehicle.model_year ?? ''} (${T(req, ENERGY_LABEL[order.vehicle.energy])})</td></tr>
<tr><th>${T(req, { fr: 'Immatriculation', en: 'Registration' })}</th><td>${order.vehicle.plate || '—'}</td></tr>
<tr><th>VIN</th><td>${order.vehicle.vin}${s.vin_check === 'mismatch' ? html` <strong>(${T(req, { fr: 'VIN lu', en: 'VIN read' })} : ${s.vin ?? ''})</strong>` : ''}</td></tr>
<tr><th>${T(req, { fr: 'Kilométrage', en: 'Odometer' })}</th><td>${order.odometer_km === null ? '—' : `${order.odometer_km.toLocaleString(req.lang === 'fr' ? 'fr-FR' : 'en-GB')} km`}</td></tr>
<tr><th>${T(req, { fr: 'Votre demande', en: 'Your request' })}</th><td>${order.complaint}</td></tr>
</tbody></table>`
    : html`<p>VIN ${s.vin ?? '—'}</p>`
}`;
}
