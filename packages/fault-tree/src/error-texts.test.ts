import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import { Diagnosis } from './diagnosis.js';
import { EvidenceError, MAX_QUOTE, ModelError } from './errors.js';
import { parseModel } from './load.js';
import { validateModel } from './validate.js';

/**
 * A model file with a mistake, said in French with its place (file, line, column, element); the
 * English `message` and `detail` word for word as before. Every text is written here by hand.
 */

/** The error a model text gives when read and checked, as the command line reads it. */
function refused(text: string, file: string): ModelError {
  try {
    validateModel(parseModel(text, file));
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  return expect.fail('the model was accepted');
}

describe('the YAML form, refused in French', () => {
  it('a probability out of range: the line and the event', () => {
    const err = refused('gates:\n  Top: { or: [A, B] }\nbasic-events:\n  A: 0.1\n  B: 1.5\n', 'arbre.yaml');
    expect(err.messageIn('fr')).toBe(
      'arbre.yaml, ligne 5, <basic-event name="B"> : probabilité 1.5 hors de [0, 1]',
    );
    expect(err.message).toBe('arbre.yaml, line 5, <basic-event name="B">: probability 1.5 outside [0, 1]');
    expect(err.detail).toBe('probability 1.5 outside [0, 1]');
  });

  it('an event used and never defined', () => {
    const err = refused('gates:\n  Top: { or: [A, C] }\nbasic-events:\n  A: 0.1\n', 'arbre.yaml');
    expect(err.messageIn('fr')).toBe(
      'arbre.yaml, ligne 2, <gates.Top.or.1 name="C"> : événement « C » non défini',
    );
    expect(err.message).toBe('arbre.yaml, line 2, <gates.Top.or.1 name="C">: undefined event \'C\'');
  });

  it('an unknown key, listing the known ones', () => {
    const err = refused('gates:\n  Top: { or: [A, B] }\nbasic-event:\n  A: 0.1\n', 'arbre.yaml');
    expect(err.messageIn('fr')).toBe(
      'arbre.yaml, ligne 4, <basic-event> : clé inconnue « basic-event » (attendues : model, mission-time, gates, basic-events, house-events, parameters, ccf-groups)',
    );
    expect(err.message).toBe(
      "arbre.yaml, line 4, <basic-event>: unknown key 'basic-event' (expected model, mission-time, gates, basic-events, house-events, parameters, ccf-groups)",
    );
  });

  it('a gate with no connective, and a cycle through gates', () => {
    const none = refused('gates:\n  Top: { ou: [A, B] }\nbasic-events: { A: 0.1, B: 0.2 }\n', 'arbre.yaml');
    // The line of the value (as the English has always said); the connectives listed after.
    expect(none.messageIn('fr')).toMatch(
      /^arbre\.yaml, ligne 2, <gates\.Top> : aucun connecteur parmi les clés ou \(attendu l’un de : and, or, .*cardinality.*\)$/,
    );
    const cycle = refused(
      'gates:\n  Top: { or: [G1, A] }\n  G1: { and: [Top, A] }\nbasic-events: { A: 0.1 }\n',
      'arbre.yaml',
    );
    expect(cycle.messageIn('fr')).toBe(
      'arbre.yaml, ligne 2, <gate name="Top"> : les portes forment une boucle : Top → G1 → Top',
    );
    expect(cycle.message).toBe('arbre.yaml, line 2, <gate name="Top">: cycle through gates Top → G1 → Top');
  });

  it('a YAML syntax error: the line and what is wrong', () => {
    const err = refused('gates:\n\tTop: { or: [A, B] }\n', 'arbre.yaml');
    expect(err.messageIn('fr')).toBe(
      'arbre.yaml, ligne 2 : YAML invalide : tabulation en début de ligne : YAML n’accepte que des espaces pour indenter',
    );
    expect(err.message).toBe(
      'arbre.yaml, line 2: malformed YAML: Tabs are not allowed as indentation at line 2, column 1:',
    );
  });
});

describe('Open-PSA MEF XML, refused in French', () => {
  const tree = (body: string) =>
    `<opsa-mef>\n<define-fault-tree name="t">\n${body}\n</define-fault-tree>\n</opsa-mef>\n`;

  it('a connective with too few arguments', () => {
    const err = refused(
      tree('<define-gate name="Top"><or><basic-event name="A"/></or></define-gate>'),
      'arbre.xml',
    );
    expect(err.messageIn('fr')).toBe(
      'arbre.xml, ligne 3, <or> : <or> prend au moins deux arguments, trouvé 1',
    );
    expect(err.message).toBe('arbre.xml, line 3, <or>: <or> takes at least two arguments, found 1');
  });

  it('XML that is not well-formed: line and column, the parser’s words in French', () => {
    const err = refused('<opsa-mef><define-fault-tree name="t">\n</opsa-mef>', 'arbre.xml');
    // The `>` of `</opsa-mef>` (column 11) closes a tag that is not the last one opened.
    expect(err.messageIn('fr')).toBe(
      'arbre.xml, ligne 2, colonne 11 : XML mal formé : balise fermante inattendue : elle ne ferme pas la dernière balise ouverte',
    );
    expect(err.message).toBe('arbre.xml, line 2, column 11: malformed XML: unexpected close tag.');
    const fr = (text: string) => refused(text, 'arbre.xml').messageIn('fr');
    expect(fr('<opsa-mef><a b="1" b="2"/></opsa-mef>')).toBe(
      'arbre.xml, ligne 1, colonne 26 : XML mal formé : attribut « b » en double',
    );
    expect(fr('<opsa-mef><a b=1/></opsa-mef>')).toBe(
      'arbre.xml, ligne 1, colonne 16 : XML mal formé : valeur d’attribut sans guillemets (nom="valeur")',
    );
    expect(fr('<opsa-mef><a>R &D;</a></opsa-mef>')).toBe(
      'arbre.xml, ligne 1, colonne 18 : XML mal formé : entité inconnue (un « & » seul s’écrit &amp;)',
    );
    // The parser finds the second root where its empty tag ends: the `/` of `<opsa-mef/>`, column 10.
    expect(fr('<opsa-mef/>\n<opsa-mef/>')).toBe(
      'arbre.xml, ligne 2, colonne 10 : XML mal formé : un second élément racine : un document n’en a qu’un',
    );
    // Words the parser has that are not listed stay as they are, quoted.
    expect(fr('<opsa-mef></></opsa-mef>')).toBe(
      'arbre.xml, ligne 1, colonne 13 : XML mal formé : « weird empty close tag. »',
    );
  });

  it('a truncated file: said at the end of the file, with the tag left open and its line', () => {
    const whole =
      '<?xml version="1.0"?>\n<opsa-mef>\n<define-fault-tree name="pompe">\n' +
      '<define-gate name="Top">\n<or>\n<basic-event name="A"/>\n<basic-event name="B"/>\n</or>\n</define-gate>\n' +
      '<define-basic-event name="A"><float value="0.1"/></define-basic-event>\n' +
      '<define-basic-event name="B"><float value="0.2"/></define-basic-event>\n' +
      '</define-fault-tree>\n</opsa-mef>\n';
    expect(() => validateModel(parseModel(whole, 'arbre.xml'))).not.toThrow();
    // Cut after line 7 (`<basic-event name="B"/>` and its newline): <or>, opened on line 5, is open.
    const cut = whole.split('\n').slice(0, 7).join('\n') + '\n';
    const err = refused(cut, 'arbre.xml');
    expect(err.messageIn('fr')).toBe(
      'arbre.xml, en fin de fichier : XML mal formé : la balise <or> ouverte ligne 5 n’est jamais fermée (fichier tronqué ?)',
    );
    expect(err.message).toBe('arbre.xml, end of file: malformed XML: unclosed tag: or (opened on line 5)');
    expect(err.messageIn('fr')).not.toMatch(/colonne 0/);
    // Cut in the middle of a line, without a final newline: the end of the file all the same.
    const mid = refused(whole.slice(0, whole.indexOf('</define-fault-tree>') + 5), 'arbre.xml');
    expect(mid.messageIn('fr')).toMatch(/^arbre\.xml, en fin de fichier : XML mal formé : /);
    // An error inside the file keeps its line and column.
    const inside = refused(whole.replace('</or>', '</and>'), 'arbre.xml');
    expect(inside.messageIn('fr')).toMatch(/^arbre\.xml, ligne 8, colonne 6 : XML mal formé : /);
  });

  it('a missing name, the wrong root element, a duplicate definition', () => {
    expect(refused(tree('<define-gate><or/></define-gate>'), 'arbre.xml').messageIn('fr')).toBe(
      'arbre.xml, ligne 3, <define-gate> : attribut name manquant',
    );
    expect(refused('<model/>', 'arbre.xml').messageIn('fr')).toBe(
      'arbre.xml, ligne 1, <model> : l’élément racine doit être <opsa-mef>',
    );
    const twice = refused(
      tree(
        '<define-basic-event name="A"><float value="0.1"/></define-basic-event>\n<define-basic-event name="A"><float value="0.2"/></define-basic-event>',
      ),
      'arbre.xml',
    );
    expect(twice.messageIn('fr')).toBe(
      'arbre.xml, ligne 4, <define-basic-event name="A"> : « A » est défini deux fois',
    );
    expect(twice.message).toBe(
      'arbre.xml, line 4, <define-basic-event name="A">: duplicate definition of \'A\'',
    );
  });

  it('a probability attribute that is not a number', () => {
    const err = refused(
      tree('<define-basic-event name="A"><float value="beaucoup"/></define-basic-event>'),
      'arbre.xml',
    );
    expect(err.messageIn('fr')).toBe(
      'arbre.xml, ligne 3, <float> : value doit être un nombre, pas « beaucoup »',
    );
    expect(err.message).toBe("arbre.xml, line 3, <float>: value must be a number, not 'beaucoup'");
  });
});

describe('beyond the file', () => {
  it('a top event that is not a gate', () => {
    const model = parseModel(
      'gates:\n  Top: { or: [A, B] }\nbasic-events: { A: 0.1, B: 0.2 }\n',
      'arbre.yaml',
    );
    const err = (() => {
      try {
        compile(model, { top: 'Sommet' });
      } catch (e) {
        return e as ModelError;
      }
      return expect.fail('compiled');
    })();
    expect(err.messageIn('fr')).toBe(
      "'Sommet' : l’événement sommet « Sommet » n’est pas une porte du modèle",
    );
    expect(err.message).toBe("'Sommet': top event 'Sommet' is not a gate of the model");
  });

  it('a name of megabytes is cut in French as in English', () => {
    const long = 'X'.repeat(MAX_QUOTE + 50);
    const err = refused(`gates:\n  Top: { or: [A, ${long}] }\nbasic-events:\n  A: 0.1\n`, 'arbre.yaml');
    expect(err.messageIn('fr')).toContain(
      `événement « ${'X'.repeat(MAX_QUOTE)}… (${MAX_QUOTE + 50} caractères) » non défini`,
    );
    expect(err.messageIn('fr').length).toBeLessThan(2 * MAX_QUOTE + 150);
  });
});

describe('observations given to a diagnosis, refused in French', () => {
  const model = () =>
    parseModel('gates:\n  Top: { or: [A, B] }\nbasic-events: { A: 0.1, B: 0.2 }\n', 'arbre.yaml');
  const thrown = (f: () => unknown): EvidenceError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(EvidenceError);
      return e as EvidenceError;
    }
    return expect.fail('accepted');
  };

  it('an unknown event, observations that contradict each other', () => {
    const d = new Diagnosis(model());
    const unknown = thrown(() => d.observe('C', true));
    expect(unknown.messageIn('fr')).toBe(
      'événement inconnu « C » (ni porte, ni événement de base, ni test, ni constat de Top)',
    );
    expect(unknown.message).toBe("unknown event 'C' (not a gate, basic event, test or finding of Top)");
    d.observe('Top', false).observe('A', true);
    const impossible = thrown(() => d.posteriors());
    expect(impossible.messageIn('fr')).toBe(
      'les observations sont impossibles ensemble (probabilité 0) : l’une d’elles contredit les autres',
    );
    expect(impossible.message).toBe('the evidence is impossible (probability 0)');
  });
});
