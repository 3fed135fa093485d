import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

/**
 * Data files a user writes, refused by the commands that read them, as a French user meets it: one
 * line on stderr naming the file, the line and the field, without the class name; the English line
 * as it always was. Run as a user runs them (a child process). The French is written here by hand.
 */

const ROOT = resolve(import.meta.dirname, '../../../..');
const LOG = join(ROOT, 'tests/fixtures/ev/sim_kona_weak_cell_battery.log');

describe('a battery definition file with a mistake: atelier ev report --vehicle FILE', () => {
  it('names the file, the line and the field, in French', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-ev-def-'));
    const kona = readFileSync(join(ROOT, 'packages/ev/definitions/hyundai-kona-ioniq.yaml'), 'utf8');
    // The pack current on 7 bytes: a width the definitions do not take (1 to 4).
    const bad = kona.replace(
      '{ quantity: packCurrent, at: 13, bytes: 2,',
      '{ quantity: packCurrent, at: 13, bytes: 7,',
    );
    expect(bad).not.toBe(kona);
    writeFileSync(join(dir, 'ma-kona.yaml'), bad);
    const line = bad.split('\n').findIndex((l) => l.includes('bytes: 7')) + 1;

    const fr = await runCli(['ev', 'report', LOG, '--vehicle', 'ma-kona.yaml'], {
      cwd: dir,
      env: { ATELIER_LANG: 'fr' },
    });
    expect(fr.code).toBe(1);
    expect(fr.stderr).toBe(
      `atelier ev: ma-kona.yaml, ligne ${line}, champ requests[0].fields[1].bytes : un nombre entier de 1 à 4 attendu, trouvé 7\n`,
    );
    const en = await runCli(['ev', 'report', LOG, '--vehicle', 'ma-kona.yaml'], {
      cwd: dir,
      env: { ATELIER_LANG: 'en' },
    });
    expect(en.stderr).toBe(
      'atelier ev: DefinitionError: ma-kona.yaml: requests[0].fields[1].bytes: expected an integer 1–4, got 7\n',
    );
  });

  it('a good definition file is read like the built-in one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-ev-def-'));
    writeFileSync(
      join(dir, 'kona.yaml'),
      readFileSync(join(ROOT, 'packages/ev/definitions/hyundai-kona-ioniq.yaml'), 'utf8'),
    );
    const own = await runCli(['ev', 'report', LOG, '--vehicle', 'kona.yaml', '--json'], {
      cwd: dir,
      env: { ATELIER_LANG: 'en' },
    });
    const builtIn = await runCli(['ev', 'report', LOG, '--vehicle', 'hyundai-kona-ioniq', '--json'], {
      cwd: dir,
      env: { ATELIER_LANG: 'en' },
    });
    expect(own.stderr).toBe('');
    expect(own.code).toBe(builtIn.code);
    const a = JSON.parse(own.stdout);
    const b = JSON.parse(builtIn.stdout);
    expect(a.vehicle.id).toBe('hyundai-kona-ioniq');
    expect(a.soc).toBeDefined();
    expect(a.cells).toBeDefined();
    expect(a.soc).toEqual(b.soc);
    expect(a.cells).toEqual(b.cells);
  });
});

describe('an adapter profile file with a mistake: atelier emulate --profile FILE', () => {
  it('names the file, the line and the field, in French; the emulator does not start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-profile-'));
    const clone = readFileSync(join(ROOT, 'hardware/elm327/profiles/clone-v1.5.yaml'), 'utf8');
    // The search time written with its unit: the profile takes milliseconds, a number.
    const bad = clone.replace('searchMs: 4000', 'searchMs: "4 s"');
    expect(bad).not.toBe(clone);
    writeFileSync(join(dir, 'mon-clone.yaml'), bad);
    const line = bad.split('\n').findIndex((l) => l.includes('searchMs')) + 1;

    const fr = await runCli(['emulate', '--tcp', '0', '--profile', 'mon-clone.yaml'], {
      cwd: dir,
      env: { ATELIER_LANG: 'fr' },
    });
    expect(fr.code).toBe(1);
    expect(fr.stdout).toBe('');
    expect(fr.stderr).toBe(
      `atelier emulate: mon-clone.yaml, ligne ${line}, champ quirks.searchMs : quirks.searchMs doit être un nombre positif ou nul\n`,
    );
    const en = await runCli(['emulate', '--tcp', '0', '--profile', 'mon-clone.yaml'], {
      cwd: dir,
      env: { ATELIER_LANG: 'en' },
    });
    expect(en.stderr).toBe(
      "atelier emulate: ProfileError: mon-clone.yaml: quirk 'quirks.searchMs' must be a non-negative number\n",
    );
  });
});

describe('a fault tree with a mistake: atelier fta analyze FILE', () => {
  it('names the file, the line and the element, in French (YAML and MEF XML)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fta-'));
    writeFileSync(
      join(dir, 'arbre.yaml'),
      'gates:\n  Top: { or: [A, B] }\nbasic-events:\n  A: 0.1\n  B: 1.5\n',
    );
    writeFileSync(
      join(dir, 'arbre.xml'),
      '<opsa-mef>\n<define-fault-tree name="t">\n<define-gate name="Top"><or><basic-event name="A"/></or></define-gate>\n</define-fault-tree>\n</opsa-mef>\n',
    );
    const yaml = await runCli(['fta', 'analyze', 'arbre.yaml'], { cwd: dir, env: { ATELIER_LANG: 'fr' } });
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toBe(
      `atelier fta: ${join(dir, 'arbre.yaml')}, ligne 5, <basic-event name="B"> : probabilité 1.5 hors de [0, 1]\n`,
    );
    const xml = await runCli(['fta', 'analyze', 'arbre.xml'], { cwd: dir, env: { ATELIER_LANG: 'fr' } });
    expect(xml.stderr).toBe(
      `atelier fta: ${join(dir, 'arbre.xml')}, ligne 3, <or> : <or> prend au moins deux arguments, trouvé 1\n`,
    );
    const en = await runCli(['fta', 'analyze', 'arbre.yaml'], { cwd: dir, env: { ATELIER_LANG: 'en' } });
    expect(en.stderr).toBe(
      `atelier fta: ValidationError: ${join(dir, 'arbre.yaml')}, line 5, <basic-event name="B">: probability 1.5 outside [0, 1]\n`,
    );
  });

  it('a truncated MEF XML file: at the end of the file, the tag left open and its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fta-'));
    // A file cut short by a copy: the gate's <or> and everything after it are missing their ends.
    writeFileSync(
      join(dir, 'arbre.xml'),
      '<opsa-mef>\n<define-fault-tree name="t">\n<define-gate name="Top">\n<or>\n<basic-event name="A"/>\n',
    );
    const fr = await runCli(['fta', 'analyze', 'arbre.xml'], { cwd: dir, env: { ATELIER_LANG: 'fr' } });
    expect(fr.code).toBe(1);
    expect(fr.stderr).toBe(
      `atelier fta: ${join(dir, 'arbre.xml')}, en fin de fichier : XML mal formé : la balise <or> ouverte ligne 4 n’est jamais fermée (fichier tronqué ?)\n`,
    );
    const en = await runCli(['fta', 'analyze', 'arbre.xml'], { cwd: dir, env: { ATELIER_LANG: 'en' } });
    expect(en.stderr).toBe(
      `atelier fta: MefParseError: ${join(dir, 'arbre.xml')}, end of file: malformed XML: unclosed tag: or (opened on line 4)\n`,
    );
  });

  it('a tree with several top gates: which ones, and how to choose, in French', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fta-'));
    writeFileSync(
      join(dir, 'arbre.yaml'),
      'gates:\n  Panne: { or: [A, B] }\n  Alarme: { and: [A, B] }\nbasic-events:\n  A: 0.1\n  B: 0.2\n',
    );
    const fr = await runCli(['fta', 'analyze', 'arbre.yaml'], { cwd: dir, env: { ATELIER_LANG: 'fr' } });
    expect(fr.code).toBe(1);
    expect(fr.stderr).toBe(
      'atelier fta: plusieurs portes sommets (Panne, Alarme) : choisissez-en une (option top, --top en ligne de commande)\n',
    );
    const en = await runCli(['fta', 'analyze', 'arbre.yaml'], { cwd: dir, env: { ATELIER_LANG: 'en' } });
    expect(en.stderr).toBe(
      'atelier fta: ModelError: several top gates (Panne, Alarme); choose one (option top, --top on the command line)\n',
    );
  });

  it('fta posterior: an observation naming an event the tree does not have', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-fta-'));
    writeFileSync(
      join(dir, 'arbre.yaml'),
      'gates:\n  Top: { or: [A, B] }\nbasic-events:\n  A: 0.1\n  B: 0.2\n',
    );
    const args = ['fta', 'posterior', 'arbre.yaml', '--evidence', 'Pompe=hs'];
    const fr = await runCli(args, { cwd: dir, env: { ATELIER_LANG: 'fr' } });
    expect(fr.stderr).toBe(
      'atelier fta: événement inconnu « Pompe » (ni porte, ni événement de base, ni test, ni constat de Top)\n',
    );
    const en = await runCli(args, { cwd: dir, env: { ATELIER_LANG: 'en' } });
    expect(en.stderr).toBe(
      "atelier fta: EvidenceError: unknown event 'Pompe' (not a gate, basic event, test or finding of Top)\n",
    );
  });
});
