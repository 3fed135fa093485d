/**
 * DBC decode throughput: frames per second through `DbcDecoder.decode`, on a generated log.
 *
 *   pnpm bench dbc-decode [-- --frames 1000000 --runs 5]
 *
 * Generates (fixed seed) a 20-message DBC — Intel and Motorola signals, signed, odd start bits and
 * lengths 1–32, factors/offsets, value tables, one simple-multiplexed and one float message, two
 * 29-bit ids — and a candump -l log of --frames frames in a temporary directory; one frame in five
 * has an id the DBC does not describe. Three passes, each --runs times, median reported:
 *   decode      frames already in memory → decoder.decode (the decoder alone)
 *   read        readLog over the file, no decoding (baseline of the reader)
 *   read+decode readLog then decode each frame (what `atelier can decode` does before printing)
 * Frames/s per wall-clock second and per CPU second of this process (the machine is shared).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DbcDecoder, type Frame, parseDbc, readLog } from '../packages/can/src/index.js';
import { prng } from './can-log-gen.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
  },
});
const FRAMES = Number(values.frames);
const RUNS = Number(values.runs);

function generateDbc(random: () => number): { text: string; ids: { id: number; extended: boolean }[] } {
  const lines = ['VERSION ""', '', 'BU_: ECU', ''];
  const ids: { id: number; extended: boolean }[] = [];
  const vals: string[] = [];
  for (let m = 0; m < 20; m++) {
    const extended = m >= 18;
    const id = extended ? 0x18fe0000 + m * 0x100 + 0xf1 : 0x100 + m * 0x31;
    ids.push({ id, extended });
    lines.push(`BO_ ${extended ? id + 0x80000000 : id} Msg${m}: 8 ECU`);
    if (m === 5) {
      lines.push(' SG_ Sel M : 0|4@1+ (1,0) [0|15] "" ECU');
      for (let k = 0; k < 4; k++) lines.push(` SG_ Mux${k} m${k} : 8|24@1- (0.01,-5) [0|0] "V" ECU`);
      lines.push(' SG_ Tail : 63|8@0+ (1,0) [0|0] "" ECU');
      continue;
    }
    if (m === 6) {
      lines.push(' SG_ F : 0|32@1- (1,0) [0|0] "" ECU', ' SG_ G : 39|32@0- (1,0) [0|0] "" ECU');
      vals.push(`SIG_VALTYPE_ ${id} F : 1;`, `SIG_VALTYPE_ ${id} G : 1;`);
      continue;
    }
    // Fill the 64 bits with 4–8 signals of random lengths, alternating byte orders.
    let bit = 0;
    let k = 0;
    while (bit < 64) {
      const len = Math.min(64 - bit, 1 + Math.floor(random() * 16));
      const intel = (m + k) % 2 === 0;
      // Intel signals take bits [bit, bit + len) upwards; Motorola ones the big-endian span starting there.
      const start = intel ? bit : motorolaStart(bit);
      const signed = random() < 0.4;
      const factor = [1, 0.1, 0.25, 5e-3, 2][Math.floor(random() * 5)];
      const offset = [0, -40, 100][Math.floor(random() * 3)];
      lines.push(
        ` SG_ S${m}_${k} : ${start}|${len}@${intel ? 1 : 0}${signed ? '-' : '+'} (${factor},${offset}) [0|0] "u" ECU`,
      );
      if (len <= 3 && !signed)
        vals.push(`VAL_ ${extended ? id + 0x80000000 : id} S${m}_${k} 0 "off" 1 "on" 2 "err" ;`);
      bit += len;
      k++;
    }
  }
  return { text: `${lines.join('\n')}\n\n${vals.join('\n')}\n`, ids };
}

/**
 * Motorola start bit for a signal whose MSB is big-endian bit index b, counted from the MSB of byte 0:
 * byte b >> 3, bit 7 - (b & 7) in DBC numbering.
 */
function motorolaStart(b: number): number {
  return (b >> 3) * 8 + (7 - (b & 7));
}

function generateLog(path: string, ids: { id: number; extended: boolean }[], random: () => number): void {
  const chunks: string[] = [];
  let t = 1_700_000_000;
  const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));
  for (let i = 0; i < FRAMES; i++) {
    t += 0.0005;
    let id: string;
    if (random() < 0.2) id = (0x700 + Math.floor(random() * 0x80)).toString(16).toUpperCase();
    else {
      const m = ids[Math.floor(random() * ids.length)];
      id = m.extended
        ? m.id.toString(16).toUpperCase().padStart(8, '0')
        : m.id.toString(16).toUpperCase().padStart(3, '0');
    }
    let data = '';
    for (let j = 0; j < 8; j++) data += hex[Math.floor(random() * 256)];
    chunks.push(`(${t.toFixed(6)}) can0 ${id}#${data}\n`);
  }
  writeFileSync(path, chunks.join(''));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function time(fn: () => Promise<number> | number): Promise<{ wall: number; cpu: number; n: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const n = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6, n };
}

const dir = mkdtempSync(join(tmpdir(), 'atelier-dbc-bench-'));
try {
  // The log benches' seeded PRNG: every run decodes the same log.
  const random = prng(20260124);
  const { text, ids } = generateDbc(random);
  const decoder = new DbcDecoder(parseDbc(text, 'bench.dbc'));
  const log = join(dir, 'bench.log');
  generateLog(log, ids, random);
  const frames: Frame[] = [];
  for await (const f of readLog(log)) frames.push(f);
  let sink = 0;
  const passes: Record<string, () => Promise<number> | number> = {
    decode: () => {
      let n = 0;
      for (const f of frames) {
        const d = decoder.decode(f);
        if (d) sink += d.name.length;
        n++;
      }
      return n;
    },
    read: async () => {
      let n = 0;
      for await (const f of readLog(log)) {
        sink += f.data.length;
        n++;
      }
      return n;
    },
    'read+decode': async () => {
      let n = 0;
      for await (const f of readLog(log)) {
        const d = decoder.decode(f);
        if (d) sink += d.name.length;
        n++;
      }
      return n;
    },
  };
  const decodedShare = frames.filter((f) => decoder.decode(f)).length / frames.length;
  console.log(
    `${FRAMES} frames, ${decoder.messages.length} messages, ${(decodedShare * 100).toFixed(1)} % of frames in the DBC; load ${loadavg()[0].toFixed(1)}`,
  );
  console.log('| pass | frames/s (wall) | frames/s (CPU) | runs |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, fn] of Object.entries(passes)) {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const m = await time(fn);
      wall.push(m.n / m.wall);
      cpu.push(m.n / m.cpu);
    }
    const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
    console.log(`| ${name} | ${fmt(median(wall))} | ${fmt(median(cpu))} | ${RUNS} |`);
  }
  if (sink === -1) console.log(sink);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
