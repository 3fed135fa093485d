import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SlcanEmulator, serveSlcan } from '@atelier/can';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../testing.js';

/**
 * A CAN interface that will not open, as a French user meets it: `atelier can replay --bus …` and
 * `atelier obd read --adapter slcan:…`, run as a user runs them (a child process). The error is one
 * French line on stderr, without the class name; in English the line is the one it always was.
 * The French is written here by hand.
 */

const ROOT = resolve(import.meta.dirname, '../../../../..');
const LOG = join(ROOT, 'tests/fixtures/ev/sim_kona_weak_cell_battery.log');

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** Something on TCP that answers every command with garbage, as a device that is no SLCAN adapter. */
async function garbageOnTcp(): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('data', (d: Buffer) => {
      for (const b of d) if (b === 0x0d) s.write('garbage\r');
    });
  });
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

describe('a CAN interface that will not open, through the commands', () => {
  it('can replay --bus slcan: on a serial port that does not exist', async () => {
    const port = join(mkdtempSync(join(tmpdir(), 'cli-slcan-')), 'ttyUSB9');
    const fr = await runCli(['can', 'replay', LOG, '--bus', `slcan:${port}`], {
      env: { ATELIER_LANG: 'fr' },
    });
    expect(fr.code).toBe(1);
    expect(fr.stderr).toBe(
      `atelier can: impossible d'ouvrir l'adaptateur SLCAN ${port} : port série introuvable (adaptateur débranché, ou un autre nom de port ?) [ENOENT]\n`,
    );
    const en = await runCli(['can', 'replay', LOG, '--bus', `slcan:${port}`], {
      env: { ATELIER_LANG: 'en' },
    });
    expect(en.stderr).toBe(
      `atelier can: SlcanOpenError: cannot open SLCAN adapter ${port}: Error: No such file or directory, cannot open ${port}\n`,
    );
  });

  it('obd read --adapter slcan: on something that is no SLCAN adapter', async () => {
    const port = await garbageOnTcp();
    const adapter = `slcan:tcp://127.0.0.1:${port}`;
    const fr = await runCli(['obd', 'read', '--adapter', adapter], { env: { ATELIER_LANG: 'fr' } });
    expect(fr.code).not.toBe(0);
    expect(fr.stderr).toContain(
      `atelier obd read: Verdict : adaptateur injoignable — impossible d'ouvrir l'adaptateur SLCAN tcp://127.0.0.1:${port} : pas de réponse en 1000 ms à la commande « S6 » (débit CAN de 500 kbit/s) ; dernière ligne reçue : « garbage » (ce n'est pas une réponse à « S6 »). Ce n'est sans doute pas un adaptateur SLCAN, ou la ligne série n'est pas à son débit (option baud=)\n`,
    );
    expect(fr.stderr).not.toMatch(/cannot open|Error:/);
    const en = await runCli(['obd', 'read', '--adapter', adapter], { env: { ATELIER_LANG: 'en' } });
    expect(en.stderr).toContain(
      `atelier obd read: Verdict: adapter not reached — DisconnectedError: tcp://127.0.0.1:${port}: cannot open SLCAN adapter tcp://127.0.0.1:${port}: no answer to 'S6' within 1000 ms (last problem on the line: SLCAN line 'garbage': not an answer to 'S6')\n`,
    );
  });

  it('can replay: a CAN FD frame onto an SLCAN adapter (the emulator), refused in French', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-slcan-fd-'));
    // One CAN FD frame of 12 bytes (candump's "##" form, flags 0).
    writeFileSync(join(dir, 'fd.log'), '(1.000000) can0 123##0112233445566778899AABBCC\n');
    const service = await serveSlcan(new SlcanEmulator({ channel: 'cli-slcan-fd' }));
    try {
      const bus = `slcan:tcp://127.0.0.1:${service.port}`;
      const fr = await runCli(['can', 'replay', 'fd.log', '--bus', bus], {
        cwd: dir,
        env: { ATELIER_LANG: 'fr' },
      });
      expect(fr.code).toBe(1);
      expect(fr.stderr).toBe(
        `atelier can: ${bus} : trame refusée : SLCAN ne transporte pas de trames CAN FD\n`,
      );
      const en = await runCli(['can', 'replay', 'fd.log', '--bus', bus], {
        cwd: dir,
        env: { ATELIER_LANG: 'en' },
      });
      expect(en.stderr).toBe(
        `atelier can: BusError: ${bus}: refused frame: SLCAN carries no CAN FD frames\n`,
      );
    } finally {
      await service.close();
    }
  });

  it('can replay --bus with an option misspelt, and obd read --adapter with a bit rate SLCAN has no code for', async () => {
    const bus = 'slcan:/dev/ttyACM0?bitrat=500000';
    const fr = await runCli(['can', 'replay', LOG, '--bus', bus], { env: { ATELIER_LANG: 'fr' } });
    expect(fr.stderr).toBe(
      `atelier can: bus « ${bus} » : option inconnue « bitrat » (options possibles : bitrate, btr, listen, timestamps, baud)\n`,
    );
    const en = await runCli(['can', 'replay', LOG, '--bus', bus], { env: { ATELIER_LANG: 'en' } });
    expect(en.stderr).toBe(
      `atelier can: BusSpecError: bus '${bus}': unknown option 'bitrat' (bitrate, btr, listen, timestamps, baud)\n`,
    );
    const adapter = 'slcan:/dev/ttyACM0?bitrate=83333';
    const obd = await runCli(['obd', 'read', '--adapter', adapter], { env: { ATELIER_LANG: 'fr' } });
    expect(obd.stderr.split('\n')[0]).toBe(
      `atelier obd: adaptateur « ${adapter} » : bitrate : 83333 bit/s n'est pas un débit SLCAN standard (10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 750000, 1000000) ; donnez plutôt les registres de cadencement du contrôleur (btr=)`,
    );
  });
});
