/**
 * The workshop's own commands, `atelier serve` and `atelier db`: the app that owns the server and
 * the store owns how they are started and kept. The `atelier` command lists them and loads this
 * module only when one of them runs (`@atelier/workshop/commands`), so no other command pays for
 * Fastify or sqlite3.
 */
export { dbCommand } from './db.js';
export { serveCommand } from './serve.js';
