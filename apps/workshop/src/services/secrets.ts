/**
 * Server secrets kept in the database, so that every process serving one workshop (or a dealer
 * group's PostgreSQL) signs with the same key, and a restart does not invalidate the login forms
 * already shown. Made once, at random, the first time they are asked for; never shown by any route.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/store.js';

export async function serverSecret(db: Db, name: string, now: number): Promise<Buffer> {
  const read = async () =>
    (await db.get<{ value: string }>('SELECT value FROM server_secrets WHERE name = ?', [name]))?.value;
  let value = await read();
  if (value === undefined) {
    try {
      await db.run('INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)', [
        name,
        randomBytes(32).toString('base64url'),
        now,
      ]);
    } catch {
      // Another process made it between the read and the insert: its value is the one.
    }
    value = await read();
  }
  if (value === undefined) throw new Error(`server secret '${name}' could not be stored`);
  return Buffer.from(value, 'base64url');
}
