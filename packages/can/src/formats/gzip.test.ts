import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BinaryLogError } from '../log.js';
import {
  all,
  allFromBatches,
  asBinaryKeepsIt,
  LEAF_LOG,
  LEAF_MF4,
  readUntilError,
} from './formats.test-support.js';
import { readLog, readLogText, writeLog } from './index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'atelier-gz-'));

describe('gzip-compressed logs are read as the log inside', () => {
  it('candump, ASC, BLF and MF4 inside .gz: the same frames as the plain file, frame by frame and in columns', async () => {
    const dir = tmp();
    const leaf = await all(readLog(LEAF_LOG));
    const plain: Record<string, string> = {
      'leaf.log': LEAF_LOG,
      'leaf.MF4': LEAF_MF4,
    };
    for (const format of ['asc', 'blf'] as const) {
      const file = join(dir, `leaf.${format}`);
      await writeLog(file, leaf, format);
      plain[`leaf.${format}`] = file;
    }
    for (const [name, file] of Object.entries(plain)) {
      const gz = join(dir, `${name}.gz`);
      writeFileSync(gz, gzipSync(readFileSync(file)));
      const want = (await all(readLog(file))).map(asBinaryKeepsIt);
      const reader = readLog(gz);
      expect(reader.format, name).toBe(readLog(file).format);
      expect((await all(reader)).map(asBinaryKeepsIt), name).toEqual(want);
      expect((await allFromBatches(readLog(gz), 700)).map(asBinaryKeepsIt), name).toEqual(want);
      // Bytes in memory (an upload) too, and a gzip file whose name does not say so (by its magic).
      expect((await all(readLogText(readFileSync(gz), `${name}.gz`))).length, name).toBe(want.length);
      const unnamed = join(dir, `${name}-compressed`);
      writeFileSync(unnamed, readFileSync(gz));
      expect((await all(readLog(unnamed, { format: readLog(file).format }))).length, name).toBe(want.length);
    }
  });

  it('a cut gzip file: the frames before the cut, then a typed error naming the file', async () => {
    const dir = tmp();
    const gz = join(dir, 'cut.log.gz');
    const whole = gzipSync(readFileSync(LEAF_LOG));
    writeFileSync(gz, whole.subarray(0, whole.length >> 1));
    const { frames, error } = await readUntilError(readLog(gz));
    expect(frames.length).toBeGreaterThan(1000);
    expect(error).toBeInstanceOf(BinaryLogError);
    expect(String(error)).toMatch(/cut\.log\.gz: .*bad gzip file: unexpected end of file/);
    // zlib's words stay in English in the message, and are said in French (zlib-texts.ts).
    expect((error as BinaryLogError).message).toBe(
      `${gz}: byte 0 (0x0): bad gzip file: unexpected end of file`,
    );
    expect((error as BinaryLogError).messageIn('fr')).toBe(
      `${gz}, octet 0 (0x0) : fichier gzip illisible : les données compressées s’arrêtent avant leur fin (fichier coupé)`,
    );
  });

  it('a .gz whose deflate data is damaged (a BLF inside): zlib’s reason in English, in French for the reader', async () => {
    const dir = tmp();
    const blf = join(dir, 'leaf.blf');
    await writeLog(blf, await all(readLog(LEAF_LOG)), 'blf');
    const gz = gzipSync(readFileSync(blf));
    const damaged = Buffer.from(gz);
    damaged.fill(0xff, gz.length >> 1, (gz.length >> 1) + 20);
    const file = join(dir, 'damaged.blf.gz');
    writeFileSync(file, damaged);
    const { error } = await readUntilError(readLog(file));
    expect(error).toBeInstanceOf(BinaryLogError);
    // The BLF inside is compressed already, so gzip stored it as it is: the damage shows in the
    // CRC-32 at the end. (Damage within the first 64 KiB used to read as an empty log.)
    expect((error as BinaryLogError).message).toBe(
      `${file}: byte 0 (0x0): bad gzip file: incorrect data check`,
    );
    expect((error as BinaryLogError).messageIn('fr')).toBe(
      `${file}, octet 0 (0x0) : fichier gzip illisible : somme de contrôle fausse : les données ont été altérées`,
    );
  });
});
