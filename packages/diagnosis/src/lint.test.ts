import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_KB_DIR, type KbError, parseTree } from './kb/load.js';
import { lintKnowledgeBase } from './lint.js';

const dirs: string[] = [];
function copyKb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-kb-'));
  dirs.push(dir);
  cpSync(DEFAULT_KB_DIR, dir, { recursive: true });
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('lintKnowledgeBase', () => {
  it('checks each cause’s simulated faults, type or type:part, against the simulator’s catalogue', () => {
    // The catalogue as a simulator states it: its fault types and the parts each can be at.
    const simFaults = [
      { type: 'hv_isolation', parts: ['ac_compressor', 'hv_battery', 'inverter'] },
      { type: 'misfire', parts: [] },
    ];
    const dir = copyKb();
    const hv = join(dir, 'trees', 'hv-isolation.yaml');
    writeFileSync(
      hv,
      readFileSync(hv, 'utf8')
        .replace('sim_faults: [hv_isolation:inverter]', 'sim_faults: [hv_isolation:onduleur]')
        .replace('sim_faults: [hv_isolation:hv_battery]', 'sim_faults: [hv_insulation:hv_battery]'),
    );
    const r = lintKnowledgeBase(dir, { simFaults });
    const hvProblems = r.problems
      .filter((p) => p.file.endsWith('hv-isolation.yaml'))
      .map((p) => `${p.path} ${p.message}`);
    expect(hvProblems).toEqual([
      'causes.hv_battery_isolation.sim_faults.0 the simulator has no fault "hv_insulation"',
      'causes.inverter_isolation.sim_faults.0 the simulator\'s hv_isolation is at ac_compressor, hv_battery, inverter, not "onduleur"',
    ]);
    // A malformed reference is refused when the tree is read, with its place.
    writeFileSync(
      hv,
      readFileSync(hv, 'utf8').replace('sim_faults: [hv_isolation:onduleur]', 'sim_faults: ["hv isolation"]'),
    );
    const bad = lintKnowledgeBase(dir, { simFaults }).problems.map((p) => `${p.path} ${p.message}`);
    expect(bad.some((m) => /sim_faults.*"hv isolation" is not a simulator fault/.test(m))).toBe(true);
  });

  it('passes on the shipped knowledge base: every tree, test and reference valid, every tree in the engine', () => {
    const r = lintKnowledgeBase();
    expect(r.problems).toEqual([]);
    expect(r.trees).toBeGreaterThanOrEqual(14);
    expect(r.tests).toBeGreaterThanOrEqual(40);
  });

  it('refuses a step that needs the HV lock-out without naming it, and a lock-out not given to a BCL', () => {
    const dir = copyKb();
    const testsFile = join(dir, 'tests.yaml');
    writeFileSync(
      testsFile,
      readFileSync(testsFile, 'utf8')
        // measured by hand (no instrument for the measurement rule to see): the habilitation says
        // work on the locked-out system, the lock-out is gone
        .replace(/(id: hv_isolation_measurement[\s\S]*?safety: \[)hv_lockout, (habilitation_B2VL\])/, '$1$2')
        // a set point is not a lock-out
        .replace('Moteur chaud, lire STFT+LTFT', 'Moteur chaud, régime de consigne atteint, lire STFT+LTFT'),
    );
    const hv = join(dir, 'trees', 'hv-isolation.yaml');
    writeFileSync(
      hv,
      readFileSync(hv, 'utf8').replace(
        'consignation par un chargé de consignation BCL',
        'consignation par une personne habilitée B2VL',
      ),
    );
    const msgs = lintKnowledgeBase(dir).problems.map(
      (p) => `${p.file.split('/').pop()} ${p.path} ${p.message}`,
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^tests\.yaml tests\.\d+\.safety hv_isolation_measurement: needs the lock-out \(its habilitation \(habilitation_B2VL\) is for work on the locked-out HV system\): safety must include hv_lockout, done by a BCL/,
      ),
    );
    expect(msgs).toContain(
      'hv-isolation.yaml safety.fr speaks of the lock-out without naming who does it: BCL (chargé de consignation, NF C18-550)',
    );
    // A set point ("consigne") is no lock-out: the trims test saying it is not asked for one.
    expect(readFileSync(testsFile, 'utf8')).toContain('régime de consigne atteint');
    expect(msgs.some((m) => m.includes('read_fuel_trims_idle_2500'))).toBe(false);
    // The English note still names the BCL: only the French one is refused.
    expect(msgs.filter((m) => m.startsWith('hv-isolation.yaml'))).toHaveLength(1);
    expect(msgs).toHaveLength(2);
  });

  it('refuses a repair on high-voltage parts without its safety steps, and a repair that speaks of the lock-out without it', () => {
    const dir = copyKb();
    const edit = (file: string, ...pairs: [string | RegExp, string][]) => {
      const path = join(dir, 'trees', file);
      let text = readFileSync(path, 'utf8');
      for (const [from, to] of pairs) {
        const next = text.replace(from, to);
        expect(next, `${file}: ${from}`).not.toBe(text);
        text = next;
      }
      writeFileSync(path, text);
    };
    edit(
      'traction-battery.yaml',
      // the module replaced with no step at all; the pack removed with a vicinity habilitation only
      [/(hv_parts: \[battery_module\],\n\s*)safety: \[hv_lockout, habilitation_B1XL\],\n/, '$1'],
      [
        /(hv_parts: \[traction_battery\],\n\s*safety: \[hv_lockout, )habilitation_B1XL\]/,
        '$1habilitation_B2VL]',
      ],
    );
    // the DC-DC converter locked out but no habilitation for the work; the inverter's parts forgotten
    edit(
      'charging.yaml',
      ['safety: [hv_lockout, habilitation_B2VL]', 'safety: [hv_lockout]'],
      // a 12 V battery whose text says it is locked out, with nothing declared
      [
        'repair: { fr: "Remplacer la batterie", en: "Replace the battery"',
        'repair: { fr: "Remplacer la batterie après consignation par un BCL", en: "Replace the battery"',
      ],
    );
    edit('hv-isolation.yaml', [
      /(Remplacer l'onduleur[^}]*?)hv_parts: \[inverter\],\n\s*safety: \[[^\]]*\],\n/,
      '$1',
    ]);
    const msgs = lintKnowledgeBase(dir).problems.map(
      (p) => `${p.file.split('/').pop()} ${p.path} ${p.message}`,
    );
    expect(msgs.sort()).toEqual([
      'charging.yaml causes.battery_weak.repair.safety battery_weak: its text speaks of the lock-out: safety must include hv_lockout (said is not gated)',
      'charging.yaml causes.dcdc_converter_fault.repair.safety dcdc_converter_fault: works on dcdc_converter (high voltage): safety must include a habilitation for work on the locked-out system (habilitation_B1L, habilitation_B2L, habilitation_B1VL, habilitation_B2VL, habilitation_B1XL, habilitation_B2XL)',
      'hv-isolation.yaml causes.inverter_isolation.repair.hv_parts inverter_isolation: its inspection (inverter_isolation_test) needs the lock-out: hv_parts must name the high-voltage parts it works on (traction_battery, battery_module, battery_contactor, battery_fuse, hv_cable, dcdc_converter, onboard_charger, electric_compressor, inverter, traction_motor), and safety its steps',
      'hv-isolation.yaml causes.inverter_isolation.repair.safety inverter_isolation: its text speaks of the lock-out: safety must include hv_lockout (said is not gated)',
      'traction-battery.yaml causes.pack_aged.repair.safety pack_aged: works inside the traction battery (traction_battery): safety must include habilitation_B1XL or habilitation_B2XL (NF C18-550, battery option)',
      'traction-battery.yaml causes.weak_cell.repair.safety weak_cell: works inside the traction battery (battery_module): safety must include habilitation_B1XL or habilitation_B2XL (NF C18-550, battery option)',
      'traction-battery.yaml causes.weak_cell.repair.safety weak_cell: works on battery_module (high voltage): safety must include hv_lockout, done by a BCL (NF C18-550)',
    ]);
    // An HV part the knowledge base does not know is refused where it is written.
    edit('hv-isolation.yaml', ['hv_parts: [electric_compressor]', 'hv_parts: [compresseur]']);
    const unknown = lintKnowledgeBase(dir).problems.map((p) => `${p.path} ${p.message}`);
    expect(unknown).toContainEqual(
      expect.stringMatching(
        /causes\.ac_compressor_isolation\.repair\.hv_parts\.0.*unknown high-voltage part "compresseur"/,
      ),
    );
  });

  it('refuses a safety step it cannot gate: a mistyped lock-out or an unknown habilitation symbol', () => {
    const dir = copyKb();
    const testsFile = join(dir, 'tests.yaml');
    const tests = readFileSync(testsFile, 'utf8');
    const typo = tests.replace(/(id: hv_isolation_measurement[\s\S]*?safety: \[)hv_lockout/, '$1hv_lock_out');
    expect(typo).not.toBe(tests);
    writeFileSync(testsFile, typo);
    const charging = join(dir, 'trees', 'charging.yaml');
    const tree = readFileSync(charging, 'utf8');
    const symbol = tree.replace(
      'safety: [hv_lockout, habilitation_B2VL]',
      'safety: [hv_lockout, habilitation_B2V]',
    );
    expect(symbol).not.toBe(tree);
    writeFileSync(charging, symbol);
    const msgs = lintKnowledgeBase(dir)
      .problems.map((p) => `${p.file.split('/').pop()} ${p.path} ${p.message}`)
      .filter((m) => m.includes('unknown safety step'));
    expect(msgs).toEqual([
      expect.stringMatching(
        /^tests\.yaml tests\.\d+\.safety\.0 hv_isolation_measurement: unknown safety step "hv_lock_out": a step is hv_lockout, hv_unlock or habilitation_SYMBOL with an NF C18-550 symbol \(B0L, B1L, B2L, B1VL, B2VL, B1TL, B2TL, B1XL, B2XL, BRL, BCL\)$/,
      ),
      expect.stringMatching(
        /^charging\.yaml causes\.dcdc_converter_fault\.repair\.safety\.1 dcdc_converter_fault: unknown safety step "habilitation_B2V"/,
      ),
    ]);
  });

  it('accepts the lock-out lifted (hv_unlock) as a safety step: a test that needs the HV system powered', () => {
    const dir = copyKb();
    const testsFile = join(dir, 'tests.yaml');
    const tests = readFileSync(testsFile, 'utf8');
    // The DC-DC output is measured with the car READY: the HV system powered, not locked out.
    const ready = tests.replace(
      /(id: dcdc_output_test[\s\S]*?tools: \[multimeter\]\n)/,
      '$1    safety: [hv_unlock]\n',
    );
    expect(ready).not.toBe(tests);
    writeFileSync(testsFile, ready);
    const msgs = lintKnowledgeBase(dir).problems.map((p) => p.message);
    expect(msgs.filter((m) => m.includes('safety'))).toEqual([]);
    expect(msgs).toEqual([]);
  });

  it('refuses a test marked both energised and locked out, and a READY test of an HV tree not marked energised', () => {
    const dir = copyKb();
    const testsFile = join(dir, 'tests.yaml');
    const tests = readFileSync(testsFile, 'utf8');
    const changed = tests
      // The insulation test made "energised": the HV system cannot be both locked out and powered.
      .replace(/(id: hv_isolation_measurement[\s\S]*?cost: \d+\n)/, '$1    energised: true\n')
      // The DC-DC output (measured READY) without its mark: the session would let it run locked out.
      .replace(/(id: dcdc_output_test[\s\S]*?) {4}energised: true\n/, '$1');
    expect(changed).not.toBe(tests);
    writeFileSync(testsFile, changed);
    const problems = lintKnowledgeBase(dir)
      .problems.filter((p) => p.path.endsWith('.energised'))
      .map((p) => p.message);
    expect(problems).toEqual([
      'dcdc_output_test: measured with engine: ready in the high-voltage tree charging: mark it energised: true (the lock-out is lifted before it)',
      'hv_isolation_measurement: a test made energised (the car READY, the engine running) cannot need hv_lockout too: the HV system is either locked out or energised',
    ]);
  });

  it('reads energised as true or false, and nothing else', () => {
    const dir = copyKb();
    const testsFile = join(dir, 'tests.yaml');
    const tests = readFileSync(testsFile, 'utf8');
    writeFileSync(testsFile, tests.replace(/(id: dcdc_output_test[\s\S]*?energised: )true/, '$1oui'));
    const p = lintKnowledgeBase(dir).problems.find((x) => x.path.endsWith('energised'));
    expect(p?.message).toBe('expected true or false');
    expect(p?.path).toMatch(/^tests\.\d+\.energised$/);
  });

  it('reports each broken file with its field path and line, and keeps going', () => {
    const dir = copyKb();
    const lean = join(dir, 'trees', 'lean.yaml');
    writeFileSync(lean, readFileSync(lean, 'utf8').replace('prior: 0.06', 'prior: 1.6'));
    const misfire = join(dir, 'trees', 'misfire.yaml');
    writeFileSync(misfire, readFileSync(misfire, 'utf8').replace(/ en: "Faulty ignition coil"/, ''));
    const catalyst = join(dir, 'trees', 'catalyst.yaml');
    writeFileSync(
      catalyst,
      readFileSync(catalyst, 'utf8').replace('inspect: catalyst_temperature_check', 'inspect: no_such_test'),
    );
    const r = lintKnowledgeBase(dir);
    const msgs = r.problems.map((p) => `${p.file.split('/').pop()}:${p.line ?? ''} ${p.path} ${p.message}`);
    expect(msgs).toContainEqual(
      expect.stringMatching(/^lean\.yaml:\d+ causes\.vacuum_leak\.prior 1\.6 is outside \[0, 1\]/),
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(/^misfire\.yaml:\d+ causes\.ignition_coil\.name\.en expected a non-empty string/),
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^catalyst\.yaml:\d* causes\.catalyst_degraded\.inspect unknown test "no_such_test"/,
      ),
    );
    const leanLine = r.problems.find((p) => p.file.endsWith('lean.yaml'))!.line!;
    expect(readFileSync(lean, 'utf8').split('\n')[leanLine - 1]).toContain('prior: 1.6');
  });

  it('reports a broken sign by tree, field path and line: PID key, monitor, status bit, cause', () => {
    const dir = copyKb();
    const edit = (tree: string, from: string | RegExp, to: string) => {
      const f = join(dir, 'trees', `${tree}.yaml`);
      const text = readFileSync(f, 'utf8');
      expect(text).toMatch(from);
      writeFileSync(f, text.replace(from, to));
    };
    edit('lean', 'LONG_FUEL_TRIM_1: { above: 10, margin: 4 }', 'LONG_TRIM: { above: 10, margin: 4 }');
    edit('coolant', 'monitor: fuelSystem', 'monitor: fuelsystem');
    edit('traction-battery', 'values: { soh: { below: 85', 'values: { state_of_health: { below: 85');
    edit('wheel-speed', 'status: { testFailed: true }', 'status: { failed: true }');
    edit(
      'charging',
      /checks:\n {6}battery_weak: \{ sensitivity: 0\.7/,
      'checks:\n      no_such_cause: { sensitivity: 0.7',
    );
    const r = lintKnowledgeBase(dir);
    const msgs = r.problems.map((p) => `${p.file.split('/').pop()}:${p.line ?? ''} ${p.path} ${p.message}`);
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^lean\.yaml:\d+ signs\.lean_at_warm_idle\.live\.values\.LONG_TRIM "LONG_TRIM" is not a PID key/,
      ),
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^traction-battery\.yaml:\d+ signs\.low_state_of_health\.battery\.values\.state_of_health "state_of_health" is not a battery report figure \(cell_spread, /,
      ),
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^coolant\.yaml:\d+ signs\.open_loop\.readiness\.monitor unknown monitor "fuelsystem"/,
      ),
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^wheel-speed\.yaml:\d+ signs\.no_signal_now\.dtc\.status\.failed not an ISO 14229 status bit/,
      ),
    );
    expect(msgs).toContainEqual(
      expect.stringMatching(
        /^charging\.yaml:\d* signs\.slow_crank_complaint\.checks\.no_such_cause "no_such_cause" is not a cause of this tree/,
      ),
    );
  });

  it('reports YAML syntax errors with the line', () => {
    const dir = copyKb();
    writeFileSync(join(dir, 'trees', 'zz-broken.yaml'), 'id: broken\ncauses:\n  a: [unclosed\n');
    const r = lintKnowledgeBase(dir);
    expect(
      r.problems.some((p) => p.file.endsWith('zz-broken.yaml') && /YAML syntax/.test(p.message) && p.line),
    ).toBe(true);
  });

  it('says a YAML syntax error in French (line, column, reason), English as the library wrote it', () => {
    const dir = copyKb();
    writeFileSync(join(dir, 'trees', 'zz-tab.yaml'), 'id: tabbed\ncauses:\n\ta: 1\n');
    writeFileSync(join(dir, 'trees', 'zz-twice.yaml'), 'id: twice\nid: again\n');
    const r = lintKnowledgeBase(dir);
    const of = (name: string) => r.problems.find((p) => p.file.endsWith(name));
    expect(of('zz-tab.yaml')).toMatchObject({
      line: 3,
      message: 'YAML syntax: Tabs are not allowed as indentation',
      fr: 'syntaxe YAML invalide, colonne 1 : tabulation en début de ligne : YAML n’accepte que des espaces pour indenter',
    });
    expect(of('zz-twice.yaml')).toMatchObject({
      line: 2,
      message: 'YAML syntax: Map keys must be unique',
      fr: 'syntaxe YAML invalide, colonne 1 : clé en double : une clé ne peut figurer qu’une fois au même niveau',
    });
    // The error itself, as a command or a page shows it.
    const err = (() => {
      try {
        parseTree('id: twice\nid: again\n', 'trees/twice.yaml');
      } catch (e) {
        return e as KbError;
      }
      throw new Error('parsed');
    })();
    expect(err.message).toBe('trees/twice.yaml:2: YAML syntax: Map keys must be unique');
    expect(err.messageIn('fr')).toBe(
      'trees/twice.yaml, ligne 2 : syntaxe YAML invalide, colonne 1 : clé en double : une clé ne peut figurer qu’une fois au même niveau',
    );
  });
});
