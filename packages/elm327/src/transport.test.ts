import { type AddressInfo, createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { DisconnectedError } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { elmReason } from './elm-reasons.js';
import { openSerial, openTcp, probeBaud } from './transport.js';

describe('probeBaud', () => {
  it('says every rate it tried, in English and in French', async () => {
    // A line that never answers: no prompt at any rate.
    const err = await probeBaud(async () => new PassThrough(), [9_600, 38_400], 30).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect((err as DisconnectedError).message).toBe(
      'no ELM327 prompt at any baud rate (tried 9600 (no prompt), 38400 (no prompt))',
    );
    expect((err as DisconnectedError).messageIn('fr')).toBe(
      "aucune invite d'ELM327 à aucun débit (essayés : 9600 (pas d'invite), 38400 (pas d'invite)) : adaptateur éteint, ou pas un ELM327 ?",
    );
  });

  it('stops at the first rate when the port itself is refused (not a serial port, taken, not ours)', async () => {
    for (const os of ['ENOTTY', 'EBUSY', 'EACCES']) {
      let opened = 0;
      const refused = new DisconnectedError(elmReason('line-failed', { address: '/dev/x', why: 'no', os }));
      const err = await probeBaud(async () => {
        opened++;
        throw refused;
      }, [38_400, 9_600, 115_200]).catch((e: unknown) => e);
      expect(err).toBe(refused);
      expect(opened).toBe(1);
    }
  });

  it('goes on to the next rate when one rate fails to open for another reason', async () => {
    let opened = 0;
    const err = await probeBaud(
      async (baud) => {
        opened++;
        throw new DisconnectedError(
          elmReason('line-failed', { address: '/dev/x', why: `rate ${baud} refused`, os: 'EINVAL' }),
        );
      },
      [38_400, 9_600],
    ).catch((e: unknown) => e);
    expect(opened).toBe(2);
    expect((err as Error).message).toMatch(/tried 38400 \(\/dev\/x: rate 38400 refused\), 9600/);
  });
});

describe('a line that would not open, in French: the same words as an SLCAN adapter', () => {
  /** A TCP port nothing listens on: one the system gave, closed again. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  it('a serial port that does not exist', async () => {
    const err = await openSerial('/dev/atelier-no-such-tty', 38_400, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect((err as DisconnectedError).messageIn('fr')).toBe(
      '/dev/atelier-no-such-tty : port série introuvable (adaptateur débranché, ou un autre nom de port ?) [ENOENT]',
    );
    expect((err as DisconnectedError).messageIn('en')).toMatch(/^\/dev\/atelier-no-such-tty: .*No such file/);
  });

  it('a device that is not a serial port', async () => {
    const err = await openSerial('/dev/null', 38_400, 0).catch((e: unknown) => e);
    expect((err as DisconnectedError).messageIn('fr')).toBe(
      "/dev/null : ce n'est pas un port série [ENOTTY]",
    );
  });

  it('a TCP address where nothing listens', async () => {
    const port = await closedPort();
    const err = await openTcp('127.0.0.1', port, 2_000).catch((e: unknown) => e);
    expect((err as DisconnectedError).messageIn('fr')).toBe(
      `tcp://127.0.0.1:${port} : connexion refusée : rien n'écoute à cette adresse (appareil éteint, mauvais port ?) [ECONNREFUSED]`,
    );
    expect((err as DisconnectedError).messageIn('en')).toBe(
      `tcp://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
