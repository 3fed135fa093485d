import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KB_TEXTS, type KbReasonCode, sayKbReason } from './kb/kb-reasons.js';
import { DEFAULT_KB_DIR, KbError, loadKnowledgeBase, parseTree } from './kb/load.js';
import { type InstrumentEntry, lintKnowledgeBase, type SimFaultEntry, sayLintProblem } from './lint.js';
import { checkTreesInEngine } from './model.js';

/**
 * The French a workshop reads when `atelier kb lint` refuses a knowledge base. Every expected line
 * is written here by hand, as the instructor should read it (not built from the texts' table); the
 * line number is found in the broken file itself.
 */
const dirs: string[] = [];
function copyKb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-kb-fr-'));
  dirs.push(dir);
  cpSync(DEFAULT_KB_DIR, dir, { recursive: true });
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Replaces in a file of the copy, checking the text was there (a renamed id must not pass silently). */
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  expect(next, `${file}: ${from}`).not.toBe(text);
  writeFileSync(path, next);
}

/** The 1-based line of the first line of `file` containing `text`. */
function lineOf(dir: string, file: string, text: string): number {
  const n = readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  expect(n, `${file}: ${text}`).toBeGreaterThanOrEqual(0);
  return n + 1;
}

/** The report's lines in `lang`, file names relative to the copy. */
function lines(
  dir: string,
  lang: 'fr' | 'en',
  options: { instruments?: InstrumentEntry[]; simFaults?: SimFaultEntry[] } = {},
): string[] {
  const prefix = `${relative(process.cwd(), dir)}/`;
  return lintKnowledgeBase(dir, options).problems.map((p) => sayLintProblem(p, lang).replace(prefix, ''));
}

describe('atelier kb lint in French', () => {
  it('schema: a value of the wrong kind, out of its limits, missing or unknown', () => {
    const dir = copyKb();
    edit(dir, 'trees/lean.yaml', 'prior: 0.06', 'prior: 1.6');
    edit(dir, 'trees/misfire.yaml', / en: "Faulty ignition coil"/, '');
    edit(dir, 'tests.yaml', 'kind: observation', 'kind: observer');
    edit(dir, 'trees/coolant.yaml', 'vehicles: [', 'vehicles: [tracteur, ');
    const fr = lines(dir, 'fr');
    const lean = lineOf(dir, 'trees/lean.yaml', 'prior: 1.6');
    const misfire = lineOf(dir, 'trees/misfire.yaml', 'Bobine');
    const kind = lineOf(dir, 'tests.yaml', 'kind: observer');
    const coolant = lineOf(dir, 'trees/coolant.yaml', 'vehicles: [tracteur');
    expect(fr).toContain(
      `trees/lean.yaml:${lean}: causes.vacuum_leak.prior: 1.6 est hors des limites : au moins 0, au plus 1`,
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^trees/misfire\\.yaml:(${misfire}|${misfire - 1}): causes\\.ignition_coil\\.name\\.en: valeur attendue : un texte non vide$`,
        ),
      ),
    );
    expect(fr).toContain(
      `tests.yaml:${kind}: tests.0.kind: valeur attendue : « observation » ou « inspection »`,
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^trees/coolant\\.yaml:${coolant}: vehicles\\.0: type de véhicule inconnu « tracteur » \\(types : petrol, diesel, hybrid, ev\\)$`,
        ),
      ),
    );
    // English as it always was.
    const en = lines(dir, 'en');
    expect(en).toContain(`trees/lean.yaml:${lean}: causes.vacuum_leak.prior: 1.6 is outside [0, 1]`);
    expect(en).toContain(`tests.yaml:${kind}: tests.0.kind: expected "observation" or "inspection"`);
  });

  it('probabilities: a certain prior, a test that says nothing about its cause', () => {
    const dir = copyKb();
    edit(dir, 'trees/lean.yaml', 'prior: 0.06', 'prior: 1');
    edit(
      dir,
      'tests.yaml',
      /(id: smoke_test_intake[\s\S]*?vacuum_leak: \{ sensitivity: )[0-9.]+, specificity: [0-9.]+/,
      '$10.5, specificity: 0.5',
    );
    const fr = lines(dir, 'fr');
    const lean = lineOf(dir, 'trees/lean.yaml', 'prior: 1');
    expect(fr).toContain(
      `trees/lean.yaml:${lean}: causes.vacuum_leak.prior: une probabilité a priori de 0 ou 1 ne laisse rien à diagnostiquer`,
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        /^tests\.yaml:\d+: tests\.\d+\.checks\.vacuum_leak: sensitivity \+ specificity doit dépasser 1, sinon le test ne dit rien de cette cause$/,
      ),
    );
  });

  it('references: an unknown test, a cause no tree has, a sign about a cause outside its tree', () => {
    const dir = copyKb();
    edit(dir, 'trees/catalyst.yaml', 'inspect: catalyst_temperature_check', 'inspect: no_such_test');
    edit(
      dir,
      'trees/charging.yaml',
      /checks:\n {6}battery_weak: \{ sensitivity: 0\.7/,
      'checks:\n      batterie: { sensitivity: 0.7',
    );
    edit(dir, 'tests.yaml', /(id: smoke_test_intake[\s\S]*?)vacuum_leak: \{/, '$1prise_air: {');
    const fr = lines(dir, 'fr');
    expect(fr).toContain(
      'trees/catalyst.yaml: causes.catalyst_degraded.inspect: test inconnu « no_such_test » (absent de tests.yaml)',
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        /^trees\/charging\.yaml: signs\.slow_crank_complaint\.checks\.batterie: « batterie » n’est pas une cause de cet arbre$/,
      ),
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        /^tests\.yaml: tests\.smoke_test_intake\.checks\.prise_air: aucun arbre de défaillance n’a de cause « prise_air »$/,
      ),
    );
    expect(fr).toContain(
      'trees/lean.yaml: causes.vacuum_leak.inspect: le test « smoke_test_intake » ne vérifie pas la cause « vacuum_leak »',
    );
  });

  it('signs: a PID key SAE J1979 does not have, an unknown monitor', () => {
    const dir = copyKb();
    edit(
      dir,
      'trees/lean.yaml',
      'LONG_FUEL_TRIM_1: { above: 10, margin: 4 }',
      'LONG_TRIM: { above: 10, margin: 4 }',
    );
    edit(dir, 'trees/coolant.yaml', 'monitor: fuelSystem', 'monitor: fuelsystem');
    const fr = lines(dir, 'fr');
    const lean = lineOf(dir, 'trees/lean.yaml', 'LONG_TRIM:');
    expect(fr).toContain(
      `trees/lean.yaml:${lean}: signs.lean_at_warm_idle.live.values.LONG_TRIM: « LONG_TRIM » n’est pas une clé PID de la table SAE J1979 (par exemple LONG_FUEL_TRIM_1)`,
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        /^trees\/coolant\.yaml:\d+: signs\.open_loop\.readiness\.monitor: moniteur inconnu « fuelsystem » \(/,
      ),
    );
  });

  it('measurements: checked against an instrument catalogue, said in French with the test’s id', () => {
    const dir = copyKb();
    // The smoke machine as a catalogue could state it: one word more than the test classifies.
    const smoke: InstrumentEntry = {
      instrument: 'smoke_machine',
      component: 'intake',
      quantity: 'leak',
      unit: '',
      kind: 'text',
      values: ['none', 'smoke', 'heavy_smoke'],
      engine: ['off'],
    };
    const fr = lines(dir, 'fr', { instruments: [smoke] }).filter((l) => l.includes('smoke_test_intake'));
    expect(fr).toEqual([
      expect.stringMatching(
        /^tests\.yaml: tests\.\d+\.measure\.0: smoke_test_intake : le mot « heavy_smoke » de leak n’est classé ni bon ni mauvais$/,
      ),
    ]);
    const number = lines(dir, 'fr', {
      instruments: [{ ...smoke, kind: 'number', values: undefined }],
    }).filter((l) => l.includes('smoke_test_intake'));
    expect(number).toEqual([
      expect.stringMatching(/smoke_test_intake : leak se lit en nombre : donnez une plage saine \(good\)$/),
    ]);
    expect(lines(dir, 'en', { instruments: [smoke] })).toContainEqual(
      expect.stringMatching(/smoke_test_intake: the word "heavy_smoke" of leak is neither good nor bad$/),
    );
  });

  it('safety: consignation and habilitation (NF C18-550) said with the trade’s words', () => {
    const dir = copyKb();
    edit(
      dir,
      'tests.yaml',
      /(id: hv_isolation_measurement[\s\S]*?safety: \[)hv_lockout, (habilitation_B2VL\])/,
      '$1$2',
    );
    edit(
      dir,
      'trees/hv-isolation.yaml',
      'consignation par un chargé de consignation BCL',
      'consignation par une personne habilitée B2VL',
    );
    edit(
      dir,
      'trees/charging.yaml',
      'safety: [hv_lockout, habilitation_B2VL]',
      'safety: [hv_lockout, habilitation_B2V]',
    );
    const fr = lines(dir, 'fr');
    expect(fr).toContainEqual(
      expect.stringMatching(
        /^tests\.yaml: tests\.\d+\.safety: hv_isolation_measurement : demande la consignation \(son habilitation \(habilitation_B2VL\) est celle d’un travail sur le système haute tension consigné\) : safety doit inclure hv_lockout, faite par un BCL \(chargé de consignation, NF C18-550\)$/,
      ),
    );
    expect(fr).toContain(
      'trees/hv-isolation.yaml: safety.fr: parle de consignation sans dire qui la fait : un BCL (chargé de consignation, NF C18-550)',
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        /^trees\/charging\.yaml: causes\.dcdc_converter_fault\.repair\.safety\.1: dcdc_converter_fault : étape de sécurité inconnue « habilitation_B2V » : une étape est hv_lockout, hv_unlock ou habilitation_SYMBOLE avec un symbole d’habilitation NF C18-550 \(B0L, /,
      ),
    );
  });

  it('safety: a repair on high-voltage parts, and a test energised and locked out at once', () => {
    const dir = copyKb();
    edit(
      dir,
      'trees/traction-battery.yaml',
      /(hv_parts: \[battery_module\],\n\s*)safety: \[hv_lockout, habilitation_B1XL\],\n/,
      '$1',
    );
    edit(dir, 'tests.yaml', /(id: hv_isolation_measurement[\s\S]*?cost: \d+\n)/, '$1    energised: true\n');
    const fr = lines(dir, 'fr');
    expect(fr).toContain(
      'trees/traction-battery.yaml: causes.weak_cell.repair.safety: weak_cell : intervient sur battery_module (haute tension) : safety doit inclure hv_lockout, faite par un BCL (chargé de consignation, NF C18-550)',
    );
    expect(fr).toContain(
      'trees/traction-battery.yaml: causes.weak_cell.repair.safety: weak_cell : intervient dans la batterie de traction (battery_module) : safety doit inclure habilitation_B1XL ou habilitation_B2XL (NF C18-550, habilitation batterie XL)',
    );
    expect(fr).toContainEqual(
      expect.stringMatching(
        /^tests\.yaml: tests\.\d+\.energised: hv_isolation_measurement : un test sous tension \(voiture READY, moteur tournant\) ne peut pas demander aussi hv_lockout : le système haute tension est soit consigné, soit sous tension$/,
      ),
    );
  });

  it('simulated faults: a type the simulator lacks, a part it cannot be at', () => {
    const dir = copyKb();
    edit(
      dir,
      'trees/hv-isolation.yaml',
      'sim_faults: [hv_isolation:inverter]',
      'sim_faults: [hv_isolation:onduleur]',
    );
    edit(
      dir,
      'trees/hv-isolation.yaml',
      'sim_faults: [hv_isolation:hv_battery]',
      'sim_faults: [hv_insulation:hv_battery]',
    );
    const simFaults = [{ type: 'hv_isolation', parts: ['ac_compressor', 'hv_battery', 'inverter'] }];
    const fr = lines(dir, 'fr', { simFaults }).filter((l) => l.startsWith('trees/hv-isolation.yaml'));
    expect(fr).toEqual([
      'trees/hv-isolation.yaml: causes.hv_battery_isolation.sim_faults.0: le simulateur n’a pas de défaut « hv_insulation »',
      'trees/hv-isolation.yaml: causes.inverter_isolation.sim_faults.0: le défaut hv_isolation du simulateur se place sur ac_compressor, hv_battery ou inverter, pas sur « onduleur »',
    ]);
  });

  it('files: no test catalogue, no tree, a file the system will not read', () => {
    const empty = mkdtempSync(join(tmpdir(), 'atelier-kb-fr-'));
    dirs.push(empty);
    expect(lines(empty, 'fr')).toEqual([
      'tests.yaml: catalogue des tests absent (tests.yaml)',
      'trees: aucun arbre de défaillance (fichiers .yaml du dossier trees/)',
    ]);
    expect(lines(empty, 'en')).toEqual(['tests.yaml: missing test catalogue', 'trees: no fault tree']);
    const dir = copyKb();
    mkdirSync(join(dir, 'trees', 'zz-folder.yaml'));
    expect(lines(dir, 'fr')).toContainEqual(
      expect.stringMatching(/^trees\/zz-folder\.yaml: lecture impossible : .*\[EISDIR\]$/),
    );
  });

  it('YAML: an alias without its anchor, said in French, the library’s English kept', () => {
    const dir = copyKb();
    writeFileSync(join(dir, 'trees', 'zz-alias.yaml'), 'id: lean2\ntitle: *titre\n');
    expect(lines(dir, 'fr')).toContain(
      'trees/zz-alias.yaml:1: YAML invalide : l’alias *titre renvoie à une ancre qui n’existe pas : écrivez &titre avant lui (ou mettez le texte entre guillemets)',
    );
    expect(lines(dir, 'en')).toContain(
      'trees/zz-alias.yaml:1: YAML: Unresolved alias (the anchor must be set before the alias): titre',
    );
  });

  it('the fault-tree engine’s refusal comes with the engine’s own French', () => {
    // A prior the reader would refuse, set after reading: only the engine is left to say it.
    const kb = loadKnowledgeBase();
    const lean = structuredClone(kb.trees.find((t) => t.id === 'lean')!);
    lean.causes.find((c) => c.id === 'vacuum_leak')!.prior = 2;
    const [check] = checkTreesInEngine({ trees: [lean], tests: kb.tests });
    expect(check).toMatchObject({
      ok: false,
      error: '<define-basic-event name="vacuum_leak">: probability 2 outside [0, 1]',
      errorFr: '<define-basic-event name="vacuum_leak"> : probabilité 2 hors de [0, 1]',
    });
  });

  it('KbError says itself in French: the file, the line, the field, then why', () => {
    const dir = copyKb();
    edit(dir, 'trees/lean.yaml', 'prior: 0.06', 'prior: 1.6');
    const err = (() => {
      try {
        parseTree(readFileSync(join(dir, 'trees/lean.yaml'), 'utf8'), 'trees/lean.yaml');
      } catch (e) {
        return e as KbError;
      }
      throw new Error('parsed');
    })();
    const line = lineOf(dir, 'trees/lean.yaml', 'prior: 1.6');
    expect(err.message).toBe(`trees/lean.yaml:${line}: causes.vacuum_leak.prior: 1.6 is outside [0, 1]`);
    expect(err.reason).toBe('1.6 is outside [0, 1]');
    expect(err.messageIn('en')).toBe(err.message);
    expect(err.messageIn('fr')).toBe(
      `trees/lean.yaml, ligne ${line}, champ causes.vacuum_leak.prior : 1.6 est hors des limites : au moins 0, au plus 1`,
    );
    // A cross reference has no line: the file and the field.
    edit(dir, 'trees/catalyst.yaml', 'inspect: catalyst_temperature_check', 'inspect: no_such_test');
    edit(dir, 'trees/lean.yaml', 'prior: 1.6', 'prior: 0.06');
    const ref = (() => {
      try {
        loadKnowledgeBase(dir);
      } catch (e) {
        return e as KbError;
      }
      throw new Error('loaded');
    })();
    expect(ref).toBeInstanceOf(KbError);
    expect(ref.messageIn('fr')).toBe(
      `${relative(process.cwd(), join(dir, 'trees/catalyst.yaml'))}, champ causes.catalyst_degraded.inspect : test inconnu « no_such_test » (absent de tests.yaml)`,
    );
  });
});

describe('no problem without French', () => {
  it('every reason of the table is written in both languages, French not the English copied', () => {
    // Any value a text is given: a string that is also a list, so that `join`, `split` and `${}` work.
    const value = Object.assign(['«x»'], { toString: () => '«x»', split: () => ['«x»'] });
    const params = new Proxy(
      {},
      { get: (_, k) => (k === 'what' ? 'test' : k === 'why' ? { code: 'lockout-kit', params: {} } : value) },
    );
    const codes = Object.keys(KB_TEXTS) as KbReasonCode[];
    expect(codes.length).toBeGreaterThan(60);
    for (const code of codes) {
      const en = sayKbReason({ code, params }, 'en');
      const fr = sayKbReason({ code, params }, 'fr');
      expect(en, code).not.toBe('');
      expect(fr, code).not.toBe('');
      expect(fr, code).not.toBe(en);
    }
  });

  it('every problem of a knowledge base broken in many ways carries its French', () => {
    const dir = copyKb();
    edit(dir, 'trees/lean.yaml', 'prior: 0.06', 'prior: 1.6');
    edit(dir, 'trees/catalyst.yaml', 'inspect: catalyst_temperature_check', 'inspect: no_such_test');
    edit(
      dir,
      'tests.yaml',
      /(id: hv_isolation_measurement[\s\S]*?safety: \[)hv_lockout, (habilitation_B2VL\])/,
      '$1$2',
    );
    edit(
      dir,
      'trees/hv-isolation.yaml',
      'sim_faults: [hv_isolation:inverter]',
      'sim_faults: [hv_isolation:onduleur]',
    );
    edit(
      dir,
      'trees/traction-battery.yaml',
      /(hv_parts: \[battery_module\],\n\s*)safety: \[hv_lockout, habilitation_B1XL\],\n/,
      '$1',
    );
    writeFileSync(join(dir, 'trees', 'zz-tab.yaml'), 'id: tabbed\ncauses:\n\ta: 1\n');
    writeFileSync(join(dir, 'trees', 'zz-alias.yaml'), 'id: *nowhere\n');
    const instruments: InstrumentEntry[] = [
      {
        instrument: 'smoke_machine',
        component: 'intake',
        quantity: 'leak',
        unit: 'l',
        kind: 'number',
        engine: ['off'],
      },
    ];
    const r = lintKnowledgeBase(dir, {
      instruments,
      simFaults: [{ type: 'hv_isolation', parts: ['inverter'] }],
    });
    expect(r.problems.length).toBeGreaterThan(8);
    for (const p of r.problems) {
      expect(p.fr, p.message).toBeTypeOf('string');
      expect(p.fr, p.message).not.toBe('');
      expect(p.fr, p.message).not.toBe(p.message);
      expect(KB_TEXTS[p.code], p.message).toBeDefined();
    }
  });
});
