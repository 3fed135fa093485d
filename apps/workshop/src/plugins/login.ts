import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { isLoginNonce, issueLoginToken, LOGIN_TOKEN_TTL_MS, newLoginNonce } from '../services/login-token.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../services/password-policy.js';
import { createSession, destroySession, SESSION_TTL_MS } from '../services/sessions.js';
import { authenticate, changePassword } from '../services/users.js';
import { html } from '../web/html.js';
import { csrfField, renderPage, sendPage, T } from '../web/layout.js';
import { typed } from '../web/routes.js';
import {
  apiErrors,
  csrfOnly,
  formResponses,
  pageErrors,
  pageResponses,
  seeOther,
  userSchema,
} from '../web/schemas.js';
import { LOGIN_COOKIE, SESSION_COOKIE } from '../web/types.js';

/** Only same-site paths are followed after login, never an absolute URL (open redirect). */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/board';

async function login(scope: FastifyInstance): Promise<void> {
  const app = typed(scope);
  const { store, clock } = app.deps;
  const setSessionCookie = (reply: FastifyReply, id: string) =>
    reply.setCookie(SESSION_COOKIE, id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      // Secure whenever the request came over HTTPS (directly or, with trustProxy, via a proxy).
      secure: 'auto',
      maxAge: SESSION_TTL_MS / 1000,
    });

  app.get(
    '/',
    { config: { access: 'public' }, schema: { hide: true, response: { 303: seeOther('/board') } } },
    async (_req, reply) => reply.redirect('/board', 303),
  );

  app.get('/login', {
    config: {
      access: 'public',
      // Cheap now (nothing is stored for an anonymous visitor), but not free: a page and an HMAC.
      rateLimit: { max: app.loginPageRate.max, timeWindow: app.loginPageRate.timeWindowMs },
    },
    schema: {
      tags: ['session'],
      querystring: {
        type: 'object',
        properties: { next: { type: 'string', maxLength: 500 }, lang: { type: 'string' } },
      },
      response: pageResponses,
    },
    handler: async (req, reply) => {
      // No session row for an anonymous visitor: the form's CSRF token is signed for a nonce kept
      // in a cookie (a signed double submit). Other tabs' forms stay valid: the nonce is kept.
      let nonce = req.cookies[LOGIN_COOKIE];
      if (!isLoginNonce(nonce)) {
        nonce = newLoginNonce();
        reply.setCookie(LOGIN_COOKIE, nonce, {
          path: '/login',
          httpOnly: true,
          sameSite: 'strict',
          secure: 'auto',
          maxAge: LOGIN_TOKEN_TTL_MS / 1000,
        });
      }
      const csrf = issueLoginToken(app.loginSecret, nonce, clock.now());
      reply.header('cache-control', 'no-store');
      const next = safeNext(req.query.next);
      return sendPage(
        reply,
        renderPage(
          req,
          { fr: 'Connexion', en: 'Log in' },
          html`<form method="post" action="/login" class="card narrow">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="next" value="${next}">
  <label>${T(req, { fr: 'Identifiant', en: 'Login' })} <input name="login" autocomplete="username" required autofocus></label>
  <label>${T(req, { fr: 'Mot de passe', en: 'Password' })} <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">${T(req, { fr: 'Se connecter', en: 'Log in' })}</button>
</form>`,
        ),
      );
    },
  });

  app.post('/login', {
    config: {
      access: 'public',
      csrf: 'login',
      rateLimit: { max: app.loginRate.max, timeWindow: app.loginRate.timeWindowMs },
    },
    schema: {
      tags: ['session'],
      body: {
        type: 'object',
        required: ['login', 'password'],
        properties: {
          login: { type: 'string', maxLength: 100 },
          password: { type: 'string', maxLength: 200 },
          next: { type: 'string', maxLength: 500 },
          _csrf: { type: 'string' },
        },
      },
      response: {
        200: {
          description: 'connecté (accept: application/json) / logged in',
          type: 'object',
          required: ['ok', 'csrf'],
          additionalProperties: false,
          properties: { ok: { type: 'boolean' }, csrf: { type: 'string' } },
        },
        303: seeOther('next, or /board'),
        ...pageErrors,
      },
    },
    handler: async (req, reply) => {
      const body = req.body;
      const user = await authenticate(store, body.login, body.password);
      if (!user) {
        const msg = T(req, { fr: 'identifiant ou mot de passe incorrect', en: 'wrong login or password' });
        if (req.headers.accept?.includes('application/json')) return reply.code(401).send({ error: msg });
        return sendPage(
          reply,
          renderPage(
            req,
            { fr: 'Connexion', en: 'Log in' },
            html`<p class="error" role="alert">${msg}</p><p><a href="/login">${T(req, { fr: 'Réessayer', en: 'Try again' })}</a></p>`,
          ),
          401,
        );
      }
      // A fresh session id at every login (session fixation); a session already held here ends.
      if (req.session) await destroySession(store, req.session.id);
      const session = await createSession(store, user.id, clock.now());
      setSessionCookie(reply, session.id);
      reply.clearCookie(LOGIN_COOKIE, { path: '/login' });
      if (req.headers.accept?.includes('application/json'))
        return reply.send({ ok: true, csrf: session.csrf });
      return reply.redirect(safeNext(body.next), 303);
    },
  });

  app.post('/logout', {
    config: { access: 'authenticated' },
    schema: { tags: ['session'], body: csrfOnly, response: formResponses('/login') },
    handler: async (req, reply) => {
      if (req.session) await destroySession(store, req.session.id);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/login', 303);
    },
  });

  app.get('/account', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['session'],
      querystring: { type: 'object', properties: { done: { type: 'string' }, lang: { type: 'string' } } },
      response: pageResponses,
    },
    handler: async (req, reply) => {
      const done = req.query.done === '1';
      const body = html`${done ? html`<p class="card" role="status">${T(req, { fr: 'Mot de passe changé.', en: 'Password changed.' })}</p>` : ''}
<form method="post" action="/account/password" class="card narrow">${csrfField(req)}
  <h2>${T(req, { fr: 'Changer mon mot de passe', en: 'Change my password' })}</h2>
  <label>${T(req, { fr: 'Mot de passe actuel', en: 'Current password' })} <input name="current" type="password" autocomplete="current-password" required></label>
  <label>${T(req, { fr: 'Nouveau mot de passe ({n} caractères min., ni courant, ni votre nom)', en: 'New password ({n} characters min., not a common one, not your name)' }, { n: MIN_PASSWORD_LENGTH })} <input name="next" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required></label>
  <button type="submit">${T(req, { fr: 'Changer', en: 'Change' })}</button>
</form>`;
      return sendPage(reply, renderPage(req, { fr: 'Mon compte', en: 'My account' }, body));
    },
  });

  app.post('/account/password', {
    config: {
      access: 'authenticated',
      rateLimit: { max: app.loginRate.max, timeWindow: app.loginRate.timeWindowMs },
    },
    schema: {
      tags: ['session'],
      body: {
        type: 'object',
        required: ['current', 'next'],
        properties: {
          current: { type: 'string', maxLength: 200 },
          next: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH },
          _csrf: { type: 'string' },
        },
      },
      response: formResponses('/account?done=1'),
    },
    handler: async (req, reply) => {
      await changePassword(store, req.user!.id, req.body, req.session?.id ?? null);
      return reply.redirect('/account?done=1', 303);
    },
  });

  app.get('/api/me', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['session'],
      response: {
        200: {
          type: 'object',
          additionalProperties: false,
          properties: { user: userSchema, csrf: { type: 'string' }, lang: { type: 'string' } },
        },
        ...apiErrors,
      },
    },
    handler: async (req) => ({ user: req.user!, csrf: req.session?.csrf, lang: req.lang }),
  });
}

/** Log in and out, one's account, `/api/me`. */
export const loginPlugin = fp(login, {
  name: 'atelier-login',
  encapsulate: true,
  dependencies: ['atelier-core', '@fastify/rate-limit'],
  decorators: { fastify: ['deps', 'loginRate', 'loginPageRate', 'loginSecret'] },
});
