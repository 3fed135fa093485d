import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeText, TextEncodingError } from '@atelier/can';
import { ObdClient } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { FAULT_TYPES } from './faults.js';
import { ResponderLink } from './responder-link.js';
import {
  listScenarios,
  loadScenario,
  parseDurationText,
  parseScenario,
  readScenarioFile,
  ScenarioError,
  scenarioSummary,
} from './scenario.js';
import { GOOD_SCENARIO as GOOD, Tester } from './test-support.js';
import { Vehicle } from './vehicle.js';

function errorOf(text: string): ScenarioError {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario files', () => {
  it('parses a good file: durations with units, defaults, session start a minute into the open-ended idle', () => {
    const s = parseScenario(GOOD);
    expect(s.faults).toEqual([{ type: 'misfire', cylinder: 2, severity: 0.3, onset: 600 }]);
    expect(s.sessionStart).toBe(960);
    expect(s.protocol).toBe('can11');
    expect(s.vin).toMatch(/^VF1/);
  });

  it('reads names as a person writes them: any case, words joined by _, - or a space', () => {
    const s = parseScenario(
      GOOD.replace('vehicle: petrol', 'vehicle: Petrol-V6')
        .replace('type: misfire', 'type: Misfire')
        .replace('phase: urban', 'phase: Urban')
        .replace('phase: idle', 'phase: "key on"'),
    );
    expect(s.vehicle).toBe('petrol-v6');
    expect(s.faults[0]!.type).toBe('misfire');
    expect(s.drive.map((d) => d.phase)).toEqual(['urban', 'key_on']);
    // What spells none of them is still refused, with the names it could have been.
    expect(errorOf(GOOD.replace('phase: urban', 'phase: City')).messageIn('fr')).toBe(
      'bad.yaml, ligne 11, champ drive[0].phase : phase inconnue "City" (phases possibles : off, key_on, idle, urban, motorway, hold)',
    );
  });

  it('meets a car whose last phase is idle with its engine idling, not cranking, when no session_start is written', async () => {
    for (const vehicle of ['petrol', 'diesel']) {
      const text = (start: string) =>
        `name: t\nvehicle: ${vehicle}\ncomplaint: "x"\ntrue_cause: none\n${start}drive:\n  - { phase: urban, duration: 10min }\n  - { phase: off, duration: 5min }\n  - { phase: idle }\n`;
      const read = async (start: string) => {
        const obd = new ObdClient(new ResponderLink(Vehicle.fromScenario(parseScenario(text(start)))));
        const value = async (pid: number) => (await obd.readPid(pid))[0]!.value as number;
        return { rpm: await value(0x0c), runS: await value(0x1f), volts: await value(0x42) };
      };
      // Written as the built-in scenarios write it: a minute into the idle phase.
      const idling = await read('session_start: 16min\n');
      expect(await read('')).toEqual(idling);
      // An engine at idle: above starter speed, charging, running for about a minute.
      expect(idling.rpm, vehicle).toBeGreaterThan(600);
      expect(idling.volts, vehicle).toBeGreaterThan(13.5);
      expect(idling.runS, vehicle).toBeGreaterThanOrEqual(55);
      // What the old default met: the engine cranking, the battery pulled down.
      const cranking = await read('session_start: 15min\n');
      expect(cranking.rpm, vehicle).toBeLessThan(300);
      expect(cranking.volts, vehicle).toBeLessThan(11.5);
    }
  });

  it('takes a complaint written once, as a plain string, for both languages; refuses an empty one or a list', () => {
    const once = GOOD.replace(
      'complaint:\n  fr: "Voyant moteur"\n  en: "Engine light"\n',
      'complaint: "Le moteur tremble au ralenti"\n',
    );
    expect(parseScenario(once).complaint).toEqual({
      fr: 'Le moteur tremble au ralenti',
      en: 'Le moteur tremble au ralenti',
    });
    for (const bad of ['complaint: ""\n', 'complaint: [a, b]\n']) {
      const err = errorOf(GOOD.replace('complaint:\n  fr: "Voyant moteur"\n  en: "Engine light"\n', bad));
      expect(err.path).toBe('complaint');
      expect(err.messageIn('fr')).toBe(
        'bad.yaml, ligne 4, champ complaint : champ obligatoire : les mots du client, en texte ou en { fr: …, en: … }',
      );
    }
  });

  it.each([
    ['severity out of range', GOOD.replace('severity: 0.3', 'severity: 1.5'), 'faults[0].severity', 9],
    ['unknown fault type', GOOD.replace('type: misfire', 'type: misfir'), 'faults[0].type', 9],
    [
      'cylinder the engine does not have',
      GOOD.replace('cylinder: 2', 'cylinder: 6'),
      'faults[0].cylinder',
      9,
    ],
    ['missing complaint language', GOOD.replace('  en: "Engine light"\n', ''), 'complaint.en', 5],
    ['unknown profile', GOOD.replace('vehicle: petrol', 'vehicle: tractor'), 'vehicle', 2],
    ['bad duration', GOOD.replace('duration: 15min', 'duration: soon'), 'drive[0].duration', 11],
    ['unknown phase', GOOD.replace('phase: urban', 'phase: rally'), 'drive[0].phase', 11],
    ['typo in a top-level field', GOOD.replace('seed: 5', 'sede: 5'), 'sede', 3],
    [
      'fault the vehicle cannot have',
      GOOD.replace('type: misfire, cylinder: 2', 'type: dpf_clogged'),
      'faults[0].type',
      9,
    ],
    ['missing true cause', GOOD.replace('true_cause: "bougie"\n', ''), 'true_cause', undefined],
    ['bad VIN', GOOD.replace('vehicle: petrol', 'vehicle: { profile: petrol, vin: ABC }'), 'vehicle.vin', 2],
    [
      'rpm on a moving phase',
      GOOD.replace('phase: urban, duration', 'phase: urban, rpm: 2000, duration'),
      'drive[0].rpm',
      11,
    ],
  ])('%s → an error naming the field', (_label, text, path, line) => {
    const e = errorOf(text);
    expect(e.path).toBe(path);
    expect(e.file).toBe('bad.yaml');
    if (line !== undefined) expect(e.line).toBe(line);
    expect(e.message).toContain(path);
  });

  it.each([
    [
      'a part the fault does not have',
      'type: vacuum_leak, part: fuel_cap',
      'faults[0].part',
      /brake_servo_hose, pcv_hose/,
    ],
    [
      'a part on a fault without parts',
      'type: misfire, cylinder: 2, part: coil',
      'faults[0].part',
      /no parts/,
    ],
    [
      'an unknown intermittent condition',
      'type: misfire, cylinder: 2, intermittent: { when: raining }',
      'faults[0].intermittent.when',
      /hot, cold, load, moving, idle/,
    ],
    [
      'an intermittent fault that never shows',
      'type: misfire, cylinder: 2, intermittent: { duty: 1 }',
      'faults[0].intermittent.duty',
      /exclusive/,
    ],
    [
      'an episode without a duty',
      'type: misfire, cylinder: 2, intermittent: { when: hot, episode: 20s }',
      'faults[0].intermittent.episode',
      /duty/,
    ],
  ])('%s → an error naming the field', (_label, fault, path, reason) => {
    const e = errorOf(GOOD.replace('type: misfire, cylinder: 2', fault));
    expect(e.path).toBe(path);
    expect(e.message).toMatch(reason);
  });

  it.each([
    // From the profile's architecture: the parts a car has, never what a knowledge base covers.
    ['hybrid', 'type: charging_fault', /hybrid has no alternator.*DC-DC/],
    ['ev', 'type: belt_slipping', /EV has no alternator/],
    ['petrol', 'type: dcdc_converter', /only a hybrid or an EV/],
    ['hybrid', 'type: starter_fault', /motor-generator/],
    ['diesel', 'type: misfire, cylinder: 2', /spark ignition/],
    ['diesel', 'type: ignition_coil, cylinder: 1', /spark ignition/],
    ['ev', 'type: low_compression, cylinder: 1', /EV has no engine/],
    ['petrol', 'type: hv_isolation', /hybrid or electric/],
    ['petrol', 'type: dp_sensor_drift', /DPF/],
    ['ev', 'type: can_wiring, ecu: transmission', /no transmission ECU/],
  ])('%s: %s is refused when the scenario loads', (vehicle, fault, reason) => {
    const e = errorOf(
      GOOD.replace('vehicle: petrol', `vehicle: ${vehicle}`).replace('type: misfire, cylinder: 2', fault),
    );
    expect(e.path).toMatch(/^faults\[0\]/);
    expect(e.message).toMatch(reason);
  });

  it('accepts what the car does have: a weak 12 V battery on an EV, two faults, an intermittent one', () => {
    const ev = parseScenario(
      GOOD.replace('vehicle: petrol', 'vehicle: ev').replace(
        'type: misfire, cylinder: 2',
        'type: weak_battery',
      ),
    );
    expect(ev.faults[0].type).toBe('weak_battery');
    const two = parseScenario(
      GOOD.replace(
        '  - { type: misfire, cylinder: 2, severity: 0.3, onset: 10min }',
        '  - { type: misfire, cylinder: 2, severity: 0.3 }\n  - { type: evap_small_leak, severity: 0.5, intermittent: { when: hot, duty: 0.5, episode: 2min } }',
      ),
    );
    expect(two.faults.map((f) => f.type)).toEqual(['misfire', 'evap_small_leak']);
    expect(two.faults[1].intermittent).toEqual({ when: 'hot', duty: 0.5, episodeS: 120 });
  });

  it('reads durations and numbers as French speakers write them', () => {
    const s = parseScenario(
      GOOD.replace('severity: 0.3', 'severity: "30 %"')
        .replace('onset: 10min', 'onset: 1h30')
        .replace('duration: 15min', 'duration: "1 h 5 min"')
        .replace('seed: 5', 'seed: 5\nfuel_pct: "40 %"\nambient_c: "-2,5"'),
    );
    expect(s.faults[0]).toMatchObject({ severity: 0.3, onset: 5400 });
    expect(s.fuelPct).toBe(40);
    expect(s.ambientC).toBe(-2.5);
    expect(s.drive[0]).toMatchObject({ duration: 3900 });
    for (const [text, seconds] of [
      ['1h30', 5400],
      ['1H30', 5400],
      ['2 h', 7200],
      ['45 mn', 2700],
      ['20 sec', 20],
      ['1,5 h', 5400],
      ['1h30min', 5400],
      ['90s', 90],
      ['3 minutes', 180],
    ] as const)
      expect(parseDurationText(text), text).toBe(seconds);
    for (const text of ['soon', '90', '1h30x', 'h30', '10 km', ''])
      expect(parseDurationText(text), text).toBeUndefined();
    // a percentage where the field is not a fraction or a percentage stays refused
    expect(errorOf(GOOD.replace('cylinder: 2', 'cylinder: "20 %"')).path).toBe('faults[0].cylinder');
    expect(errorOf(GOOD.replace('severity: 0.3', 'severity: "150 %"')).message).toMatch(/between 0 and 1/);
  });

  it('reads files saved as UTF-8 with a BOM, UTF-16 and Windows-1252 ("ANSI")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-text-'));
    const text = GOOD.replace('"Voyant moteur"', '"Le moteur broute à froid, « ça cale » — 5 €"').replace(
      /\n/g,
      '\r\n',
    );
    const files: [string, Buffer][] = [
      ['utf8-bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
      ['utf16le.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['utf16be.yaml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
      // Windows-1252 written byte by byte from its code chart: à E0, « AB, » BB, — 97, € 80
      [
        'ansi.yaml',
        Buffer.from(
          [...text].map(
            (c) => ({ à: 0xe0, '«': 0xab, '»': 0xbb, '—': 0x97, '€': 0x80 })[c] ?? c.charCodeAt(0),
          ),
        ),
      ],
    ];
    for (const [name, bytes] of files) {
      writeFileSync(join(dir, name), bytes);
      expect(readScenarioFile(join(dir, name)).complaint.fr, name).toBe(
        'Le moteur broute à froid, « ça cale » — 5 €',
      );
    }
    expect(decodeText(files[3]![1]).encoding).toBe('windows-1252');
    expect(decodeText(files[1]![1]).encoding).toBe('utf-16le');
    // binary stays refused, saying where
    writeFileSync(join(dir, 'bin.yaml'), Buffer.from('name: x\n\u0000\u0001'));
    expect(() => readScenarioFile(join(dir, 'bin.yaml'))).toThrow(/binary content \(byte 0x00 at offset 8\)/);
    expect(() => decodeText(Buffer.from([0xff, 0xfe, 0x41]))).toThrow(TextEncodingError);
  });

  it('reports YAML syntax errors with their line', () => {
    const e = errorOf('name: x\nvehicle: [petrol\n');
    expect(e.message).toMatch(/YAML/);
    expect(e.line).toBeGreaterThan(0);
  });

  it('the built-in scenarios cover every injectable fault, and one has no fault', () => {
    const all = listScenarios();
    const covered = new Set(all.flatMap((s) => s.faults.map((f) => f.type)));
    for (const type of FAULT_TYPES) expect(covered, type).toContain(type);
    expect(all.some((s) => s.faults.length === 0)).toBe(true);
    const sum = scenarioSummary(loadScenario('vacuum-leak'));
    expect(Object.keys(sum)).toEqual(['name', 'vehicle', 'faults', 'true_cause', 'complaint']);
    expect(sum.complaint.fr.length).toBeGreaterThan(5);
  });

  it('same scenario and seed give the same answers; another seed gives other noise', async () => {
    const run = async (seed: number) => {
      const s = { ...loadScenario('vacuum-leak'), seed };
      const t = new Tester(Vehicle.fromScenario(s, { startMs: 0 }));
      const out: number[][] = [];
      for (let i = 0; i < 50; i++) {
        t.wait(0.5);
        for (const a of await t.ask([0x01, 0x0c, 0x10, 0x14])) out.push(a.data);
      }
      return JSON.stringify(out);
    };
    const a = await run(13);
    expect(await run(13)).toBe(a);
    expect(await run(14)).not.toBe(a);
  });
});
