import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { isYamlError, sayYamlError } from './yaml-error-texts.js';

/** The first error the `yaml` library reports on `text`. */
function yamlErrorOf(text: string) {
  const [err] = parseDocument(text, { prettyErrors: true, uniqueKeys: true }).errors;
  if (!err) throw new Error('parsed without an error');
  return err;
}

describe("the YAML library's errors in French: line, column and reason", () => {
  it.each([
    [
      'a tab as indentation',
      'name: a\nvehicle:\n\tprofile: petrol\n',
      'ligne 3, colonne 1 : tabulation en début de ligne : YAML n’accepte que des espaces pour indenter',
    ],
    [
      'a key twice',
      'name: a\nseed: 1\nname: b\n',
      'ligne 3, colonne 1 : clé en double : une clé ne peut figurer qu’une fois au même niveau',
    ],
    [
      'a field less indented than its neighbours',
      'vehicle:\n    profile: petrol\n  vin: X\n',
      'ligne 3, colonne 1 : indentation incorrecte : les éléments d’un même niveau doivent commencer à la même colonne',
    ],
    [
      'a value with a colon in it',
      'complaint: voyant: allumé\n',
      'ligne 1, colonne 12 : deux « : » sur la même ligne : une valeur contenant « : » s’écrit entre guillemets, un bloc commence à la ligne suivante',
    ],
    [
      'a value starting with @',
      'name: @home\n',
      'ligne 1, colonne 7 : valeur commençant par @ : écrivez-la entre guillemets',
    ],
    [
      'a list left open',
      'faults: [misfire, egr\n',
      'ligne 2, colonne 1 : liste entre crochets non fermée (« ] » manquant) ou pas assez indentée',
    ],
  ])('%s', (_what, text, fr) => {
    const err = yamlErrorOf(text);
    expect(isYamlError(err)).toBe(true);
    expect(sayYamlError(err, 'fr')).toBe(fr);
    // English is the library's first line, as it was always shown.
    expect(sayYamlError(err, 'en')).toBe(err.message.split('\n')[0]);
  });

  it('a code it does not know gets the library’s words quoted', () => {
    const err = {
      code: 'SOMETHING_NEW',
      message: 'Something new at line 4, column 2:',
      linePos: [{ line: 4, col: 2 }],
    };
    expect(sayYamlError(err, 'fr')).toBe('ligne 4, colonne 2 : « Something new »');
  });
});
