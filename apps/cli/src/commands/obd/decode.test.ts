import { PassThrough } from 'node:stream';
import type { CliContext } from '@atelier/command';
import { describe, expect, it } from 'vitest';
import { dtcCommand } from '../dtc.js';
import { vinCommand } from '../vin.js';
import { decodeSubcommand } from './decode.js';

function context(lang: 'fr' | 'en' = 'en') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const ctx: CliContext = {
    stdout,
    stderr,
    lang,
    cwd: process.cwd(),
    signal: new AbortController().signal,
    stderrIsTTY: false,
  };
  return { ctx, out: () => out, err: () => err };
}

describe('atelier obd decode', () => {
  it('prints one JSON line per PID, with "ecu" only when the line had a header', async () => {
    const { ctx, out } = context();
    const code = await decodeSubcommand.run(
      ['--json', '7E8 04 41 0C 1A F8', '410C1AF8', '7E8 06 41 0D 32 14 80 80'],
      ctx,
    );
    expect(code).toBe(0);
    expect(
      out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { ecu: '7E8', mode: 1, pid: '0C', key: 'ENGINE_RPM', value: 1726, unit: 'rpm' },
      { mode: 1, pid: '0C', key: 'ENGINE_RPM', value: 1726, unit: 'rpm' },
      { ecu: '7E8', mode: 1, pid: '0D', key: 'VEHICLE_SPEED', value: 50, unit: 'km/h' },
      {
        ecu: '7E8',
        mode: 1,
        pid: '14',
        key: 'O2_B1S1_VOLTAGE',
        value: { voltage: 0.64, shortTermFuelTrim: 0 },
        unit: { voltage: 'V', shortTermFuelTrim: '%' },
      },
    ]);
  });

  it('prints readable text in French, decodes DTC lines, and reports a bad line with exit code 1', async () => {
    const { ctx, out, err } = context('fr');
    const code = await decodeSubcommand.run(['41 05 7B', '43 01 03 01', '41 0C 1A FG'], ctx);
    expect(code).toBe(1);
    expect(out()).toContain('COOLANT_TEMP  température liquide de refroidissement = 83 °C');
    expect(out()).toContain('P0301  Ratés de combustion détectés sur le cylindre 1');
    expect(err()).toMatch(/ligne 3, colonne 11/);
  });

  it('says why a line cannot be decoded in French, the English unchanged', async () => {
    const lines = ['7E8 03 7F 22 31', '41 0C 1A', '4C 00'];
    const fr = context('fr');
    expect(await decodeSubcommand.run(lines, fr.ctx)).toBe(1);
    expect(fr.err()).toContain(
      'ligne 1 « 7E8 03 7F 22 31 » : réponse négative au service 22 : requête hors limites, identifiant ou paramètre inconnu (NRC 31 requestOutOfRange)',
    );
    expect(fr.err()).toContain(
      "ligne 2 « 41 0C 1A » : le PID 0C (ENGINE_RPM) demande 2 octet(s) à l'octet 1, il en reste 1 dans 0C 1A",
    );
    expect(fr.err()).toContain(
      "ligne 3 « 4C 00 » : la réponse de service 4C n'est pas de celles que ce décodeur lit (41, 42, 43, 47, 4A)",
    );
    const en = context('en');
    expect(await decodeSubcommand.run(lines, en.ctx)).toBe(1);
    expect(en.err()).toContain('line 1 « 7E8 03 7F 22 31 » : negative response to service 22 (code 31)');
    expect(en.err()).toContain(
      'line 2 « 41 0C 1A » : PID 0C (ENGINE_RPM) needs 2 byte(s) at byte 1, only 1 left in 0C 1A',
    );
  });
});

describe('atelier dtc explain', () => {
  it('explains a titled code and a manufacturer code, in JSON too', async () => {
    const { ctx, out } = context('en');
    expect(await dtcCommand.run(['explain', 'P0301', 'P1234', '--json'], ctx)).toBe(0);
    const [a, b] = out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(a).toMatchObject({
      code: 'P0301',
      bytes: '03 01',
      system: 'P',
      origin: 'generic',
      title: 'Cylinder 1 misfire detected',
      titled: true,
    });
    expect(b).toMatchObject({ code: 'P1234', origin: 'manufacturer', titled: false });
  });

  it('refuses a string that is not a code', async () => {
    const { ctx, err } = context('fr');
    expect(await dtcCommand.run(['explain', 'Q0301'], ctx)).toBe(1);
    expect(err()).toMatch(/n'est pas un code défaut/);
  });
});

describe('atelier vin decode', () => {
  it('decodes a European VIN in French and fails a North American one with a wrong check digit', async () => {
    const { ctx, out } = context('fr');
    expect(await vinCommand.run(['decode', 'VF1RFB00X56123456'], ctx)).toBe(0);
    expect(out()).toMatch(/constructeur\s+Renault \(WMI VF1\)/);
    expect(out()).toMatch(/non exigé dans cette région/);
    const bad = context('fr');
    expect(await vinCommand.run(['decode', '1M8GDM9A1KP042788'], bad.ctx)).toBe(1);
    expect(bad.out()).toMatch(/erreur: chiffre de contrôle « 1 », les caractères du VIN donnent « X »/);
  });

  it('says why a string is not a VIN in French', async () => {
    const bad = context('fr');
    expect(await vinCommand.run(['decode', 'VF1RFB0OX5612345Q'], bad.ctx)).toBe(1);
    expect(bad.err()).toBe(
      "VF1RFB0OX5612345Q : position 8 : « O » est interdit dans un VIN (I, O et Q n'y figurent jamais) ; position 17 : « Q » est interdit dans un VIN (I, O et Q n'y figurent jamais)\n",
    );
  });

  it('prints the VinInfo object with --json', async () => {
    const { ctx, out } = context('en');
    expect(await vinCommand.run(['decode', '--json', '1M8GDM9AXKP042788'], ctx)).toBe(0);
    const v = JSON.parse(out());
    expect(v).toMatchObject({
      wmi: '1M8',
      region: 'North America',
      modelYear: { resolved: 1989 },
      checkDigit: { valid: true, required: true },
      errors: [],
    });
  });
});
