import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Elm327Link, openSerial, openTcp } from '@atelier/elm327';
import { FUNCTIONAL, physical } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { programRuns, requireOracle } from '../../../../tests/support/index.js';
import { runCli } from '../testing.js';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const socat = requireOracle('socat', programRuns('socat', ['-V']));
const hasSocat = !socat.missing;

/** Starts `atelier emulate …` and resolves with the process and its first stdout line. */
function start(args: string[]): Promise<{ child: ChildProcess; first: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'emulate', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, first: out.slice(0, nl) });
    });
    child.once('exit', (code) => reject(new Error(`emulate exited with ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('atelier emulate', () => {
  it('prints its TCP address first, serves a client, stops cleanly on SIGTERM', async () => {
    const { child, first } = await start(['--tcp', '0', '--baud', '0', '--latency', '1']);
    expect(first).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const port = Number(first.split(':')[2]);
    const link = await Elm327Link.connect({ open: () => openTcp('127.0.0.1', port) });
    const [vin] = await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x09, 0x02) });
    expect(String.fromCharCode(...vin!.data.slice(3))).toBe('VF1RFB00X64123456');
    await link.close();
    expect(await stop(child, 'SIGTERM')).toBe(0);
  });

  it.skipIf(!hasSocat)(
    `prints the pty path, which serialport opens; SIGINT removes it${socat.skipNote}`,
    async () => {
      const { child, first } = await start(['--pty', '--baud', '38400']);
      expect(existsSync(first)).toBe(true);
      const link = await Elm327Link.connect({ open: () => openSerial(first, 38_400) });
      expect(link.adapter?.protocol.id).toBe('6');
      await link.close();
      expect(await stop(child, 'SIGINT')).toBe(0);
      expect(existsSync(first)).toBe(false);
    },
  );

  it("--replay of a bad transcript says the line and why in the user's language", async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'atelier-emulate-')), 'bad.transcript');
    writeFileSync(bad, '0.000\ttx\t"ATZ\\r"\n12\trx\t"ELM327 \\v1.5"\n');
    const fr = await runCli(['--lang', 'fr', 'emulate', '--tcp', '0', '--replay', bad]);
    expect(fr.code).toBe(1);
    expect(fr.stderr).toBe(
      `atelier emulate: ${bad}, ligne 2 : les données ne sont pas un texte JSON (entre guillemets, caractères spéciaux échappés)\n`,
    );
    const en = await runCli(['--lang', 'en', 'emulate', '--tcp', '0', '--replay', bad]);
    expect(en.stderr).toBe(`atelier emulate: TranscriptError: ${bad}:2: the data is not a JSON string\n`);
  });

  it('--replay serves a recorded transcript back', async () => {
    const fixture = fileURLToPath(
      new URL(
        '../../../../packages/elm327/src/fixtures/clone-v1.5-echo-searching.transcript',
        import.meta.url,
      ),
    );
    const { child, first } = await start(['--tcp', '0', '--baud', '0', '--replay', fixture]);
    const link = await Elm327Link.connect({ open: () => openTcp('127.0.0.1', Number(first.split(':')[2])) });
    expect(link.adapter?.ecus).toEqual([0x7e8]);
    const rpm = () => link.request({ target: physical(0x7e0), data: Uint8Array.of(0x01, 0x0c) });
    expect(Array.from((await rpm())[0]!.data)).toEqual([0x41, 0x0c, 0x0f, 0xa0]);
    expect(Array.from((await rpm())[0]!.data)).toEqual([0x41, 0x0c, 0x0f, 0xb4]);
    await link.close();
    expect(await stop(child, 'SIGTERM')).toBe(0);
  });

  it('refuses a bad option with usage and exit code 2', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, '--lang', 'en', 'emulate', '--baud', 'fast'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err).toMatch(/--baud: 'fast' must be a number/);
  });
});
