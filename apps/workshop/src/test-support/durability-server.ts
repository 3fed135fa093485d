/**
 * Child process for the durability and group tests: a demo server on a given file or URL (and,
 * optionally, a read-cache time in ms), its URL on stdout, then it waits to be killed.
 */
import { startServer } from '../server.js';

const file = process.argv[2];
if (!file) throw new Error('usage: durability-server.ts DB_FILE');
const server = await startServer({
  db: file,
  demo: true,
  port: 0,
  loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
  ...(process.argv[3] ? { readCacheMs: Number(process.argv[3]) } : {}),
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
