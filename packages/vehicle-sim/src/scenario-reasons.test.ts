/**
 * Scenario files refused in the reader's language: real bad files, one per family of reasons, said
 * in French and in English (the texts written out here, not taken from the catalogue), and every
 * reason of the catalogue written in both languages.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario, readScenarioFile, ScenarioError } from './scenario.js';
import { SCENARIO_TEXTS, type ScenarioReasonCode, sayScenarioReason } from './scenario-reasons.js';

const GOOD = `name: demo
vehicle: petrol
seed: 5
complaint:
  fr: "Voyant moteur"
  en: "Engine light"
true_cause: "bougie"
faults:
  - { type: misfire, cylinder: 2, severity: 0.3, onset: 10min }
drive:
  - { phase: urban, duration: 15min }
  - { phase: idle }
`;

function refusal(run: () => unknown): ScenarioError {
  try {
    run();
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}
const refused = (text: string) => refusal(() => parseScenario(text, 'bad.yaml'));

describe('a refused scenario file says where and why in French and in English', () => {
  it.each([
    [
      'YAML that does not parse',
      'name: demo\nname: again\n',
      'bad.yaml:2: YAML: Map keys must be unique at line 2, column 1:',
      'bad.yaml, ligne 2 : YAML invalide (Map keys must be unique at line 2, column 1:)',
    ],
    [
      'not a mapping',
      '- just\n- a list\n',
      'bad.yaml:1: a scenario is a mapping (name:, vehicle:, faults: …)',
      'bad.yaml, ligne 1 : un scénario est un ensemble de champs (name:, vehicle:, faults: …)',
    ],
    [
      'an unknown field',
      `${GOOD}colour: red\n`,
      'bad.yaml:13: colour: unknown field (expected one of name, vehicle, seed, ambient_c, odometer_km, fuel_pct, soc_pct, complaint, true_cause, faults, drive, session_start, recording)',
      'bad.yaml, ligne 13, champ colour : champ inconnu (champs possibles : name, vehicle, seed, ambient_c, odometer_km, fuel_pct, soc_pct, complaint, true_cause, faults, drive, session_start, recording)',
    ],
    [
      'a value out of range',
      GOOD.replace('severity: 0.3', 'severity: "150 %"'),
      'bad.yaml:9: faults[0].severity: must be between 0 and 1 (got "150 %")',
      'bad.yaml, ligne 9, champ faults[0].severity : valeur attendue entre 0 et 1 (trouvé "150 %")',
    ],
    [
      'a value that is no number',
      GOOD.replace('seed: 5', 'seed: cinq'),
      'bad.yaml:3: seed: must be a number (got "cinq")',
      'bad.yaml, ligne 3, champ seed : valeur attendue : un nombre (trouvé "cinq")',
    ],
    [
      'a duration that is none',
      GOOD.replace('onset: 10min', 'onset: bientôt'),
      'bad.yaml:9: faults[0].onset: must be seconds or a duration like "90s", "15min", "2h", "1h30" (got "bientôt")',
      'bad.yaml, ligne 9, champ faults[0].onset : valeur attendue : des secondes ou une durée comme « 90s », « 15min », « 2h », « 1h30 » (trouvé "bientôt")',
    ],
    [
      'a missing field',
      GOOD.replace('true_cause: "bougie"\n', ''),
      // A field that is not there is placed at the mapping that lacks it.
      'bad.yaml:1: true_cause: is required',
      'bad.yaml, ligne 1, champ true_cause : champ obligatoire',
    ],
    [
      'a fault the vehicle cannot have (a cylinder it does not have)',
      GOOD.replace('cylinder: 2', 'cylinder: 9'),
      'bad.yaml:9: faults[0].cylinder: misfire on petrol: cylinder must be 1..4',
      'bad.yaml, ligne 9, champ faults[0].cylinder : misfire sur petrol : le cylindre doit être entre 1 et 4',
    ],
    [
      'a fault the vehicle cannot have (no EGR valve on a petrol car)',
      GOOD.replace('type: misfire, cylinder: 2', 'type: egr_stuck'),
      'bad.yaml:9: faults[0].type: egr_stuck on petrol: this engine has no EGR valve',
      'bad.yaml, ligne 9, champ faults[0].type : egr_stuck sur petrol : ce moteur n’a pas de vanne EGR',
    ],
    [
      'a drive phase without its duration',
      GOOD.replace('{ phase: urban, duration: 15min }', '{ phase: urban }'),
      'bad.yaml:11: drive[0].duration: is required except on the last phase',
      'bad.yaml, ligne 11, champ drive[0].duration : champ obligatoire, sauf sur la dernière phase',
    ],
  ])('%s', (_what, text, en, fr) => {
    const err = refused(text);
    expect(err.message).toBe(en);
    expect(err.messageIn('en')).toBe(en);
    expect(err.messageIn('fr')).toBe(fr);
  });

  it('a file that is not text, and a built-in scenario that does not exist', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'atelier-scenario-')), 'x.yaml');
    writeFileSync(file, 'name: x\n\u0000');
    const binary = refusal(() => readScenarioFile(file));
    expect(binary.message).toBe(`${file}: binary content (byte 0x00 at offset 8): not a text file`);
    expect(binary.messageIn('fr')).toBe(
      `${file} : contenu binaire (octet 8) : un fichier de scénario est un texte YAML`,
    );
    const unknown = refusal(() => loadScenario('no-such-thing'));
    expect(unknown.message).toMatch(
      /^no-such-thing: no built-in scenario of that name \(known: .*misfire-cyl2/,
    );
    expect(unknown.messageIn('fr')).toMatch(
      /^no-such-thing : aucun scénario intégré de ce nom \(connus : .*misfire-cyl2/,
    );
  });

  it('keeps its file, line, field and English reason for programs', () => {
    const err = refused(GOOD.replace('severity: 0.3', 'severity: 0'));
    expect([err.file, err.line, err.path, err.reason]).toEqual([
      'bad.yaml',
      9,
      'faults[0].severity',
      'must be above 0 (a fault of severity 0 is no fault)',
    ]);
    expect(err.detail.code).toBe('severity-zero');
  });
});

describe('the catalogue', () => {
  // Any value for any parameter: the texts must say it in both languages, not drop it.
  const anyParams = new Proxy({}, { get: (_t, k) => (typeof k === 'string' ? `«${k}»` : undefined) });
  it.each(Object.keys(SCENARIO_TEXTS) as ScenarioReasonCode[])(
    '%s is written in French and English',
    (code) => {
      const r = { code, params: anyParams };
      const en = sayScenarioReason(r, 'en');
      const fr = sayScenarioReason(r, 'fr');
      expect(en.trim()).not.toBe('');
      expect(fr.trim()).not.toBe('');
      expect(fr).not.toMatch(/undefined|\[object/);
      expect(fr).not.toBe(en);
    },
  );
});
