/**
 * The CSRF token of the login form, without a stored session: a signed double submit. The browser
 * holds a random nonce in a cookie (`atelier_login`, HttpOnly, SameSite=Strict, path /login); the
 * form carries `issuedAt.HMAC(secret, nonce, issuedAt)`. A forged POST from another site cannot read
 * the form, and a planted cookie is useless without the server's secret to sign for it. Nothing is
 * written to the database for an anonymous visitor.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a login form stays usable. */
export const LOGIN_TOKEN_TTL_MS = 2 * 3600_000;

export const newLoginNonce = (): string => randomBytes(18).toString('base64url');

/** A nonce as the cookie holds it (anything else is replaced by a new one). */
export const isLoginNonce = (v: unknown): v is string => typeof v === 'string' && /^[\w-]{24}$/.test(v);

const sign = (secret: Buffer, nonce: string, issuedAt: number): Buffer =>
  createHmac('sha256', secret).update(`atelier-login\n${nonce}\n${issuedAt}`).digest();

export function issueLoginToken(secret: Buffer, nonce: string, now: number): string {
  return `${now.toString(36)}.${sign(secret, nonce, now).toString('base64url')}`;
}

/** Whether `token` was issued by this server for `nonce`, less than `LOGIN_TOKEN_TTL_MS` ago. */
export function checkLoginToken(secret: Buffer, nonce: unknown, token: unknown, now: number): boolean {
  if (!isLoginNonce(nonce) || typeof token !== 'string' || token.length > 100) return false;
  const m = /^([0-9a-z]{1,12})\.([\w-]{43})$/.exec(token);
  if (!m) return false;
  const issuedAt = Number.parseInt(m[1]!, 36);
  if (!(issuedAt <= now && now - issuedAt < LOGIN_TOKEN_TTL_MS)) return false;
  const given = Buffer.from(m[2]!, 'base64url');
  const expected = sign(secret, nonce, issuedAt);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
