import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures.test-support.js';
import {
  appendTraffic,
  TRAFFIC_CHUNK_BYTES,
  TrafficRecorder,
  trafficChunks,
  trafficSummary,
} from './traffic.js';

describe('the traffic recorder', () => {
  it('keeps whole lines up to the limit, then records nothing more and says where it stopped once', () => {
    const r = new TrafficRecorder(100);
    r.write('a'.repeat(59) + '\n');
    r.write('b'.repeat(19) + '\nc' + 'c'.repeat(28) + '\n'); // crosses the limit: the first line fits
    r.write('d\n');
    expect(r.truncated).toBe(true);
    expect(r.bytes).toBe(80);
    const first = r.take();
    expect(first).toEqual({ text: `${'a'.repeat(59)}\n${'b'.repeat(19)}\n`, truncatedAt: 100 });
    r.write('e\n');
    expect(r.take()).toEqual({ text: '', truncatedAt: 0 });
  });

  it('counts bytes, not characters, and continues a session already partly stored', () => {
    const r = new TrafficRecorder(10, 6);
    r.write('éé\n'); // 5 bytes: over
    expect(r.take()).toEqual({ text: '', truncatedAt: 10 });
    const cut = new TrafficRecorder(10, 10, 10);
    cut.write('x\n');
    expect(cut.take()).toEqual({ text: '', truncatedAt: 0 });
  });
});

describe('stored traffic', () => {
  it('is stored in bounded chunks on line ends, summed, and read back in order', async () => {
    const f = await fixture();
    try {
      const session = (await f.store.get<{ id: number }>(
        "INSERT INTO diag_sessions (site_id, user_id, adapter_kind, adapter_spec, state, started_at) VALUES (?, ?, 'tcp', 'x:1', 'new', 0) RETURNING id",
        [f.users.tech.site_id, f.users.tech.id],
      ))!.id;
      const line = `${'41 0C 1A F8 '.repeat(10)}\n`;
      const text = line.repeat(Math.ceil((3 * TRAFFIC_CHUNK_BYTES) / line.length));
      await appendTraffic(f.store, session, 'elm327-transcript', text);
      await appendTraffic(f.store, session, 'elm327-transcript', '', 4096);
      const rows = await f.store.all<{ bytes: number; chunk: string }>(
        'SELECT bytes, chunk FROM diag_traffic WHERE session_id = ? ORDER BY id',
        [session],
      );
      expect(rows.length).toBeGreaterThan(3);
      for (const r of rows) {
        expect(r.bytes).toBeLessThanOrEqual(TRAFFIC_CHUNK_BYTES);
        if (r.chunk) expect(r.chunk.endsWith('\n')).toBe(true);
      }
      let back = '';
      for await (const c of trafficChunks(f.store, session, 2)) back += c;
      expect(back).toBe(text);
      expect(await trafficSummary(f.store, session)).toEqual({
        format: 'elm327-transcript',
        bytes: Buffer.byteLength(text),
        truncatedAt: 4096,
      });
    } finally {
      await f.close();
    }
  });
});
