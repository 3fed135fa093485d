import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@atelier/command';
import { DemoCar, Elm327Emulator, loadProfiles, profileByName, serveTcp } from '@atelier/elm327';
import type { Responder } from '@atelier/obd';
import { afterEach, describe, expect, it } from 'vitest';
import { cliContext, runCli } from '../testing.js';
import { adapterCommand } from './adapter.js';

const context = (lang: 'fr' | 'en' = 'en') => cliContext(lang, process.cwd());

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function emulated(profile: string, responder: Responder = new DemoCar(), searchFails = false) {
  const emu = new Elm327Emulator({
    responder,
    baud: 0,
    latencyMs: 1,
    searchFails,
    profile: {
      ...profileByName(profile, loadProfiles()),
      quirks: { ...profileByName(profile, loadProfiles()).quirks, searchMs: 50, resetMs: 50 },
    },
  });
  const tcp = await serveTcp(emu, { port: 0 });
  closers.push(tcp.close);
  return `elm327:tcp://127.0.0.1:${tcp.port}`;
}

describe('atelier adapter check', () => {
  it('tells the chip of each emulated adapter profile, with what it refuses', async () => {
    const cases: [string, string, RegExp][] = [
      ['genuine', 'genuine', /answers every command of v2\.3/],
      ['clone-v1.5', 'clone', /never released a v1\.5/],
      ['fake-v2.1', 'clone', /refuses ATIGN \(v1\.4\), ATAMC \(v2\.0\), which v2\.1 has/],
      ['obdlink', 'stn', /answers STI with STN2120/],
    ];
    for (const [profile, family, why] of cases) {
      const c = context();
      expect(await adapterCommand.run(['check', await emulated(profile), '--json'], c.ctx)).toBe(0);
      const r = JSON.parse(c.out());
      expect(r.chip.family, profile).toBe(family);
      expect(r.chip.why.en, profile).toMatch(why);
      expect(r.profile).toBe(profile);
      expect(r.voltage).toBe(12.6);
      expect(r.protocols).toEqual([
        {
          protocol: '0',
          code: 'found',
          outcome: 'found ISO 15765-4 (CAN 11/500)',
          outcomeFr: 'ISO 15765-4 (CAN 11/500) trouvé',
        },
      ]);
      expect(r.ecus).toEqual(['7E8', '7E9']);
      if (profile !== 'obdlink') expect(r.refused).toContain('STI');
    }
  }, 60_000);

  it('an adapter without a car: exit 0, the chip still described, the protocols tried listed', async () => {
    const silent: Responder = { respond: () => [], ecus: () => [] };
    const c = context('fr');
    expect(await adapterCommand.run(['check', await emulated('clone-v1.5', silent, true)], c.ctx)).toBe(0);
    expect(c.out()).toMatch(
      /Puce : clone — se présente comme « ELM327 v1\.5 » ; Elm Electronics n'a jamais publié de v1\.5/,
    );
    expect(c.out()).toMatch(/Protocoles essayés : auto : .*UNABLE TO CONNECT.* ; 6 : /);
    expect(c.out()).toMatch(/Verdict : adaptateur joint, véhicule injoignable/);
  }, 60_000);

  it('nothing listening: exit 3; a bad name or none: usage', async () => {
    const c = context();
    expect(await adapterCommand.run(['check', 'elm327:tcp://127.0.0.1:1'], c.ctx)).toBe(3);
    expect(c.err()).toMatch(/Verdict: adapter not reached — DisconnectedError/);
    await expect(adapterCommand.run(['check', 'elm327:ttyUSB0'], context().ctx)).rejects.toThrow(UsageError);
    await expect(adapterCommand.run(['probe'], context().ctx)).rejects.toThrow(UsageError);
  }, 60_000);

  it('a sim: name that names no scenario, or a bad option: the user reads it in French on stderr', async () => {
    const fr = await runCli(['--lang', 'fr', 'adapter', 'check', 'sim:no-such-car']);
    expect(fr.code).toBe(2);
    expect(fr.stderr).toMatch(
      /^connexion à sim:no-such-car…\natelier adapter: adaptateur « sim:no-such-car » : aucun scénario « no-such-car » \(connus : .*misfire-cyl2.* ; ou le chemin d’un fichier de scénario \.yaml\)\n/,
    );
    const en = await runCli(['--lang', 'en', 'adapter', 'check', 'sim:no-such-car']);
    expect(en.stderr).toMatch(
      /\natelier adapter: adapter 'sim:no-such-car': no scenario 'no-such-car' \(known: .*misfire-cyl2.*; or a path to a scenario \.yaml\)\n/,
    );
    const via = await runCli(['--lang', 'fr', 'adapter', 'check', 'sim:misfire-cyl2?via=usb']);
    expect(via.code).toBe(2);
    expect(via.stderr).toMatch(
      /^atelier adapter: adaptateur « sim:misfire-cyl2\?via=usb » : via « usb » : attendu isotp ou elm327\n/,
    );
  });

  it('takes the adapter as --adapter too, as every other command does; not two of them', async () => {
    const c = context();
    expect(await adapterCommand.run(['check', '--adapter', 'elm327:tcp://127.0.0.1:1'], c.ctx)).toBe(3);
    expect(c.err()).toMatch(/Verdict: adapter not reached — DisconnectedError/);
    const twice = adapterCommand.run(
      ['check', '--adapter', 'elm327:tcp://127.0.0.1:1', 'sim:x'],
      context().ctx,
    );
    await expect(twice).rejects.toThrow(/one adapter, and only one/);
  }, 60_000);

  it('a bad scenario file behind sim: is a usage error saying where and why in French', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'atelier-adapter-')), 'bad.yaml');
    writeFileSync(
      bad,
      'name: x\nvehicle: petrol\ncomplaint: { fr: a, en: b }\ntrue_cause: c\nfaults:\n  - { type: misfire, cylinder: 9, severity: 0.5 }\n',
    );
    const fr = await adapterCommand.run(['check', `sim:${bad}`], context('fr').ctx).catch((e: unknown) => e);
    expect(fr).toBeInstanceOf(UsageError);
    expect((fr as Error).message).toBe(
      `adaptateur « sim:${bad} » : ${bad}, ligne 6, champ faults[0].cylinder : misfire sur petrol : le cylindre doit être entre 1 et 4`,
    );
    const en = await adapterCommand.run(['check', `sim:${bad}`], context('en').ctx).catch((e: unknown) => e);
    expect((en as Error).message).toBe(
      `adapter 'sim:${bad}': ${bad}:6: faults[0].cylinder: misfire on petrol: cylinder must be 1..4`,
    );
  });
});
