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
import { GOOD_SCENARIO as GOOD } from './test-support.js';

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
      'YAML that does not parse (a key twice)',
      'name: demo\nname: again\n',
      'bad.yaml:2: YAML: Map keys must be unique at line 2, column 1:',
      'bad.yaml, ligne 2 : YAML invalide, colonne 1 : clé en double : une clé ne peut figurer qu’une fois au même niveau',
    ],
    [
      'YAML indented with a tab',
      'name: demo\nvehicle:\n\tprofile: petrol\n',
      'bad.yaml:3: YAML: Tabs are not allowed as indentation at line 3, column 1:',
      'bad.yaml, ligne 3 : YAML invalide, colonne 1 : tabulation en début de ligne : YAML n’accepte que des espaces pour indenter',
    ],
    [
      'YAML with a field less indented than its neighbours',
      'name: demo\nvehicle:\n    profile: petrol\n  vin: VF1AAAAA555123456\n',
      'bad.yaml:4: YAML: All mapping items must start at the same column at line 4, column 1:',
      'bad.yaml, ligne 4 : YAML invalide, colonne 1 : indentation incorrecte : les éléments d’un même niveau doivent commencer à la même colonne',
    ],
    [
      'YAML with a quote left open',
      'name: "demo\nvehicle: petrol\n',
      'bad.yaml:3: YAML: Missing closing "quote at line 3, column 1:',
      'bad.yaml, ligne 3 : YAML invalide, colonne 1 : guillemet fermant (") manquant',
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

  it('a file the system will not read says why in French, the system’s English kept in the message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-scenario-'));
    const missing = join(dir, 'absent.yaml');
    const err = refusal(() => readScenarioFile(missing));
    expect(err.message).toBe(`${missing}: cannot read: ENOENT: no such file or directory, open '${missing}'`);
    expect(err.messageIn('fr')).toBe(`${missing} : lecture impossible : fichier introuvable [ENOENT]`);
    // A folder given as the scenario.
    const folder = refusal(() => readScenarioFile(dir));
    expect(folder.message).toBe(`${dir}: cannot read: EISDIR: illegal operation on a directory, read`);
    expect(folder.messageIn('fr')).toBe(
      `${dir} : lecture impossible : c'est un dossier, pas un fichier [EISDIR]`,
    );
    // A path through a file, as if it were a folder.
    const plain = join(dir, 'plain.yaml');
    writeFileSync(plain, GOOD);
    const through = join(plain, 'x.yaml');
    const notDir = refusal(() => readScenarioFile(through));
    expect(notDir.message).toBe(`${through}: cannot read: ENOTDIR: not a directory, open '${through}'`);
    expect(notDir.messageIn('fr')).toBe(
      `${through} : lecture impossible : un élément du chemin est un fichier, pas un dossier [ENOTDIR]`,
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
