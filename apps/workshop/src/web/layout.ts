import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Lang, type Text, tr } from '../i18n.js';
import { ROLE_LABEL } from '../services/domain.js';
import { type Html, type HtmlValue, html } from './html.js';

export const T = (req: FastifyRequest, text: Text, vars?: Record<string, string | number>): string =>
  tr(req.lang, text, vars);

/**
 * Every form's hidden fields: the CSRF token, and the page the form is on (`_back`), where a refused
 * form comes back filled in with its message.
 */
export function csrfField(req: FastifyRequest): Html {
  return html`<input type="hidden" name="_csrf" value="${req.session?.csrf ?? ''}"><input type="hidden" name="_back" value="${req.url}">`;
}

const NAV: { href: string; text: Text; roles?: string[] }[] = [
  { href: '/board', text: { fr: 'Tableau', en: 'Board' } },
  {
    href: '/orders/new',
    text: { fr: 'Nouvel OR', en: 'New order' },
    roles: ['technician', 'manager', 'admin'],
  },
  { href: '/planning', text: { fr: 'Planning', en: 'Schedule' } },
  { href: '/customers', text: { fr: 'Clients', en: 'Customers' }, roles: ['technician', 'manager', 'admin'] },
  { href: '/vehicles', text: { fr: 'Véhicules', en: 'Vehicles' } },
  { href: '/clock', text: { fr: 'Pointage', en: 'Clocking' } },
  {
    href: '/kpi',
    text: { fr: 'Indicateurs', en: 'KPIs' },
    roles: ['manager', 'admin', 'instructor', 'technician'],
  },
  { href: '/people', text: { fr: 'Équipe', en: 'Team' }, roles: ['manager', 'admin', 'instructor'] },
  { href: '/invoices', text: { fr: 'Factures', en: 'Invoices' }, roles: ['manager', 'admin'] },
  { href: '/diagnostics', text: { fr: 'Diagnostic', en: 'Diagnostics' } },
  { href: '/training', text: { fr: 'Formation', en: 'Training' } },
  { href: '/adapters', text: { fr: 'Adaptateurs', en: 'Adapters' }, roles: ['admin'] },
];

/** Links to this same page in the other language. */
function langSwitch(req: FastifyRequest): Html {
  const url = new URL(req.url, 'http://x');
  const other: Lang = req.lang === 'fr' ? 'en' : 'fr';
  url.searchParams.set('lang', other);
  return html`<a class="lang" href="${url.pathname + url.search}" hreflang="${other}">${other === 'fr' ? 'Français' : 'English'}</a>`;
}

export function renderPage(
  req: FastifyRequest,
  title: Text,
  body: HtmlValue,
  opts: { print?: boolean; scripts?: string[] } = {},
): string {
  const user = req.user;
  const nav = user
    ? html`<nav>${NAV.filter((n) => !n.roles || n.roles.includes(user.role)).map(
        (n) => html`<a href="${n.href}">${T(req, n.text)}</a>`,
      )}</nav>
      <div class="who"><span class="me"><a href="/account">${user.name}</a><small>${T(req, ROLE_LABEL[user.role])}</small></span>
        <form method="post" action="/logout" class="inline">${csrfField(req)}<button type="submit" class="link">${T(
          req,
          {
            fr: 'Déconnexion',
            en: 'Log out',
          },
        )}</button></form> ${langSwitch(req)}</div>`
    : html`<div class="who">${langSwitch(req)}</div>`;
  return html`<!doctype html>
<html lang="${req.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${req.session?.csrf ?? ''}">
<title>${T(req, title)} — Atelier</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
${(opts.scripts ?? []).map((s) => (s.endsWith('.css') ? html`<link rel="stylesheet" href="${s}">` : html`<script src="${s}" defer></script>`))}
<script src="/static/app.js" defer></script>
</head>
<body class="${opts.print ? 'print' : ''}">
<header><a class="brand" href="/board">Atelier</a>${nav}</header>
<main>
<h1>${T(req, title)}</h1>
${body}
</main>
</body>
</html>`.value;
}

export function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}

export const isApi = (req: FastifyRequest): boolean => req.url.startsWith('/api/');
