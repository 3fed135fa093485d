import { DemoCar, Elm327Emulator, loadProfiles, profileByName, serveTcp } from '@atelier/elm327';
import type { Responder } from '@atelier/obd';
import { afterEach, describe, expect, it } from 'vitest';
import { cliContext } from '../testing.js';
import { adapterCommand } from './adapter.js';
import { dtcSubcommand } from './obd/dtc.js';
import { readSubcommand } from './obd/read.js';

/**
 * What a French user reads when the link to the car fails, through the commands themselves against
 * the ELM327 emulator: the error in French, the adapter's own words quoted, no class name; the
 * English output and the JSON unchanged. The French is written here by hand.
 */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function emulated(responder: Responder, profile = 'genuine') {
  const p = profileByName(profile, loadProfiles());
  const emu = new Elm327Emulator({
    responder,
    baud: 0,
    latencyMs: 1,
    profile: { ...p, quirks: { ...p.quirks, searchMs: 50, resetMs: 50 } },
  });
  const tcp = await serveTcp(emu, { port: 0 });
  closers.push(tcp.close);
  return `elm327:tcp://127.0.0.1:${tcp.port}`;
}

/** The demo car, except that `answer` replaces what it says to requests of service `sid`. */
function carAnswering(sid: number, answer: (ecu: number) => Uint8Array | undefined): Responder {
  const car = new DemoCar();
  return {
    ecus: () => car.ecus(),
    respond: (req) => {
      if (req.data[0] !== sid) return car.respond(req);
      const data = answer(0x7e8);
      return data ? [{ ecu: 0x7e8, data }] : [];
    },
  };
}

describe('link errors through the commands, in French', () => {
  it('obd read: DTCs NOT READ because NO DATA, said in French; English and JSON unchanged', async () => {
    const adapter = await emulated(carAnswering(0x03, () => undefined));
    const fr = cliContext('fr', process.cwd());
    expect(await readSubcommand.run(['--adapter', adapter], fr.ctx)).toBe(1);
    expect(fr.out()).toContain(
      "Codes mémorisés : NON LUS (aucun calculateur n'a répondu à 03 — l'adaptateur dit « NO DATA »)",
    );
    expect(fr.out()).toContain(
      "  dtcs.stored : aucun calculateur n'a répondu à 03 — l'adaptateur dit « NO DATA »",
    );
    expect(fr.out()).not.toMatch(/ElmNoDataError|no ECU answered/);

    const en = cliContext('en', process.cwd());
    expect(await readSubcommand.run(['--adapter', adapter], en.ctx)).toBe(1);
    expect(en.out()).toContain('Stored DTCs : NOT READ (ElmNoDataError: no ECU answered to 03 (NO DATA))');

    // Scripts read the JSON: English, with the class name, whatever the user's language.
    const json = cliContext('fr', process.cwd());
    await readSubcommand.run(['--adapter', adapter, '--json'], json.ctx);
    const r = JSON.parse(json.out());
    expect(r.errors['dtcs.stored']).toBe('ElmNoDataError: no ECU answered to 03 (NO DATA)');
    expect(r).not.toHaveProperty('errorsFr');
  }, 60_000);

  it('obd dtc: an ECU refusing (7F 03 22) is said in French with its NRC', async () => {
    const adapter = await emulated(carAnswering(0x03, () => Uint8Array.of(0x7f, 0x03, 0x22)));
    const fr = cliContext('fr', process.cwd());
    expect(await dtcSubcommand.run(['--adapter', adapter], fr.ctx)).toBe(1);
    expect(fr.out()).toContain(
      'Mémorisés : NON LUS (le calculateur 7E8 a refusé le service 03 : conditions non remplies (NRC 22 conditionsNotCorrect))',
    );
    const en = cliContext('en', process.cwd());
    await dtcSubcommand.run(['--adapter', adapter], en.ctx);
    expect(en.out()).toContain(
      'Stored : NOT READ (NegativeResponseError: ECU 7E8 refused service 03: NRC 22 conditionsNotCorrect)',
    );
  }, 60_000);

  it('adapter check with no car: each protocol tried in French, the JSON gains the code', async () => {
    const silent: Responder = { respond: () => [], ecus: () => [] };
    const adapter = await emulated(silent, 'clone-v1.5');
    const fr = cliContext('fr', process.cwd());
    expect(await adapterCommand.run(['check', adapter], fr.ctx)).toBe(0);
    const line = fr
      .out()
      .split('\n')
      .find((l) => l.startsWith('Protocoles essayés'));
    expect(line).toMatch(
      /^Protocoles essayés : auto : aucun calculateur n'a répondu à 0100 — l'adaptateur dit « NO DATA » ; 6 : aucun calculateur n'a répondu à 0100 — l'adaptateur dit « NO DATA » ; /,
    );
    // The 29-bit and 250 kbit/s CAN protocols meet a bus fault, the K-line ones do not initialise.
    expect(line).toContain("8 : défaut du bus CAN en envoyant 0100 — l'adaptateur dit « CAN ERROR »");
    expect(line).toContain(
      "1 : la ligne K ne s'est pas initialisée pour 0100 — l'adaptateur dit « BUS INIT: ...ERROR »",
    );
    expect(fr.out()).toContain(
      "Verdict : adaptateur joint, véhicule injoignable : aucun protocole n'a répondu (contact mis ? prise bien enfoncée ?) — aucun protocole véhicule n'a répondu (essayés : auto, 6, 8, 7, 9, 5, 4, 3, 2, 1) : le contact est-il mis ?",
    );
    expect(fr.out()).not.toMatch(/UnableToConnectError|ElmNoDataError/);

    const json = cliContext('fr', process.cwd());
    await adapterCommand.run(['check', adapter, '--json'], json.ctx);
    const r = JSON.parse(json.out());
    expect(r.protocols[0]).toEqual({
      protocol: '0',
      code: 'failed',
      outcome: 'no ECU answered to 0100 (NO DATA)',
      outcomeFr: "aucun calculateur n'a répondu à 0100 — l'adaptateur dit « NO DATA »",
    });
    expect(r.verdict.en).toBe(
      'adapter reached, car not reached: no vehicle protocol answered (ignition on? plug seated?) — UnableToConnectError: no vehicle protocol answered (tried auto, 6, 8, 7, 9, 5, 4, 3, 2, 1): is the ignition on?',
    );
  }, 60_000);
});
