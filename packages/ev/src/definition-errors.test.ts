import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DefinitionError, parseDefinition, readDefinitionFile } from './definition.js';

/**
 * A battery definition file a user wrote, refused: the file, the line, the field and why, in
 * French; `message` (and `reason`) in English word for word as before. Texts written here by hand.
 */

const GOOD = `id: my-car
name: { fr: "Ma voiture", en: "My car" }
protocol: uds
ecu: { request: 0x7E4, response: 0x7EC }
cells: 96
cellVoltage: { min: 2.5, max: 4.2 }
requests:
  - request: "22 01 01"
    label: { fr: "pack", en: "pack" }
    fields:
      - { quantity: soc, at: 7, bytes: 1, scale: 0.5, unit: "%" }
      - { quantity: packVoltage, at: 15, bytes: 2, scale: 0.1, unit: V }
`;

const refused = (text: string, file = 'ma-voiture.yaml'): DefinitionError => {
  try {
    parseDefinition(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(DefinitionError);
    return err as DefinitionError;
  }
  return expect.fail('the definition was accepted');
};

describe('a bad battery definition, in French with its line', () => {
  it('the good file is accepted (the cases below each change one thing)', () => {
    expect(parseDefinition(GOOD, 'ma-voiture.yaml').requests[0]!.fields).toHaveLength(2);
  });

  it('a field out of range: line 12, the field path, the value found', () => {
    const err = refused(GOOD.replace('bytes: 2,', 'bytes: 7,'));
    expect(err.messageIn('fr')).toBe(
      'ma-voiture.yaml, ligne 12, champ requests[0].fields[1].bytes : un nombre entier de 1 à 4 attendu, trouvé 7',
    );
    expect(err.message).toBe('ma-voiture.yaml: requests[0].fields[1].bytes: expected an integer 1–4, got 7');
    expect(err.reason).toBe('expected an integer 1–4, got 7');
    expect(err.line).toBe(12);
  });

  it('a field left out: the line of the mapping that should hold it', () => {
    const err = refused(GOOD.replace(' scale: 0.1,', ''));
    expect(err.messageIn('fr')).toBe(
      'ma-voiture.yaml, ligne 12, champ requests[0].fields[1].scale : un nombre attendu, trouvé rien (le champ manque)',
    );
    expect(err.message).toBe(
      'ma-voiture.yaml: requests[0].fields[1].scale: expected a number, got undefined',
    );
  });

  it('a wrong protocol, a text in one language, an extra quantity without a label', () => {
    expect(refused(GOOD.replace('protocol: uds', 'protocol: can')).messageIn('fr')).toBe(
      'ma-voiture.yaml, ligne 3, champ protocol : kwp2000 ou uds attendu',
    );
    const label = refused(GOOD.replace('{ fr: "pack", en: "pack" }', '"pack"'));
    expect(label.messageIn('fr')).toBe(
      'ma-voiture.yaml, ligne 9, champ requests[0].label : un texte en deux langues attendu : { fr: "…", en: "…" }',
    );
    expect(label.message).toBe('ma-voiture.yaml: requests[0].label: expected { fr, en } texts');
    const extra = refused(GOOD.replace('quantity: soc', 'quantity: hx'));
    expect(extra.messageIn('fr')).toBe(
      "ma-voiture.yaml, ligne 11, champ requests[0].fields[0].label : une grandeur supplémentaire (hx) a besoin d'un libellé (label: { fr, en })",
    );
    expect(extra.message).toBe(
      'ma-voiture.yaml: requests[0].fields[0].label: an extra quantity (hx) needs a label',
    );
  });

  it('a YAML syntax error: its line and column, what is wrong; the English as the library says it', () => {
    const err = refused(
      GOOD.replace('name: { fr: "Ma voiture", en: "My car" }', 'name: { fr: "Ma voiture", en: "My car"'),
    );
    expect(err.messageIn('fr')).toBe(
      'ma-voiture.yaml, ligne 3 : YAML invalide, colonne 1 : ensemble entre accolades non fermé (« } » manquant) ou pas assez indenté',
    );
    expect(err.message).toMatch(
      /^ma-voiture\.yaml: \(yaml\): Flow map in block collection must be sufficiently indented and end with a \} at line 3, column 1:/,
    );
  });

  it('a file that is not a mapping', () => {
    const err = refused('- just a list\n');
    expect(err.messageIn('fr')).toBe(
      'ma-voiture.yaml : le fichier doit décrire une définition (des champs « clé: valeur »)',
    );
    expect(err.message).toBe('ma-voiture.yaml: (top): expected a mapping');
  });

  it('readDefinitionFile names the file as the user gave it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ev-def-'));
    writeFileSync(join(dir, 'car.yaml'), GOOD.replace('cells: 96', 'cells: 0'));
    const err = (() => {
      try {
        readDefinitionFile(join(dir, 'car.yaml'), 'car.yaml');
      } catch (e) {
        return e as DefinitionError;
      }
      return expect.fail('accepted');
    })();
    expect(err.messageIn('fr')).toBe(
      'car.yaml, ligne 5, champ cells : un nombre entier de 1 à 1024 attendu, trouvé 0',
    );
  });
});
