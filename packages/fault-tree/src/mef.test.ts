import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileExists, requireOracle } from '../../../tests/support/index.js';
import { analyze } from './analysis.js';
import { compile } from './compile.js';
import { MefParseError, ModelError, ValidationError } from './errors.js';
import { parseModel } from './load.js';
import { readMef } from './mef-read.js';
import { writeMef } from './mef-write.js';
import { mergeModels } from './model.js';
import { readYamlModel, writeYamlModel } from './yaml-form.js';

const INPUT = '/usr/share/scram/input';
const models = requireOracle("SCRAM's models", fileExists(INPUT, 'apt-get install scram'));
const haveModels = !models.missing;

const wrap = (body: string) =>
  `<?xml version="1.0"?>\n<opsa-mef>\n<define-fault-tree name="T">\n${body}\n</define-fault-tree>\n</opsa-mef>\n`;
const be = (name: string, p: string | number = 0.1) =>
  `<define-basic-event name="${name}"><float value="${p}"/></define-basic-event>`;

function errorOf(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('malformed MEF gives errors naming the element and line', () => {
  it('bad XML', () => {
    const e = errorOf(() =>
      readMef(
        '<opsa-mef>\n<define-fault-tree name="T">\n<define-gate name="G"><and></define-gate>',
        'bad.xml',
      ),
    );
    expect(e).toBeInstanceOf(MefParseError);
    // The column of the `>` that closes `</define-gate>` while `<and>` is open: 22 + 5 + 14 = 41.
    expect(e.message).toMatch(/^bad\.xml, line 3, column 41: malformed XML/);
  });

  it('errors quote at most 120 characters of the file, with the length, and keep where', () => {
    const big = 'x'.repeat(100_000);
    const cases: [string, RegExp][] = [
      [
        `<define-foo name="${big}"/>`,
        /^m\.xml, line 3, <define-foo name="x{120}… \(100000 characters\)">: unknown element here$/,
      ],
      [`\n<${big}/>`, /^m\.xml, line 4, <x{120}… \(100000 characters\)>: unknown element here$/],
      [
        `<define-basic-event name="${big}"/><define-basic-event name="${big}"/>`,
        /^m\.xml, line 3, <define-basic-event name="x{120}… \(100000 characters\)">: duplicate definition of 'x{120}… \(100000 characters\)'$/,
      ],
      [
        `<define-parameter name="p"><float value="${big}"/></define-parameter>`,
        /^m\.xml, line 3, <float>: value must be a number, not 'x{120}… \(100000 characters\)'$/,
      ],
      [`<define-CCF-group name="g" model="${big}"/>`, /, not 'x{120}… \(100000 characters\)'$/],
      // Malformed XML after a 100 KB attribute value: line and column, no quote of the value.
      [`<a b="${big}" c></a>`, /^m\.xml, line 3, column 100\d{3}: malformed XML: /],
    ];
    for (const [body, expected] of cases) {
      const e = errorOf(() => readMef(`<opsa-mef>\n\n${body}\n</opsa-mef>`, 'm.xml'));
      expect(e.message.length, body.slice(0, 40)).toBeLessThan(400);
      expect(e.message).toMatch(expected);
    }
  });

  it('unknown elements', () => {
    const e = errorOf(() =>
      readMef(
        wrap(
          `<define-gate name="G">\n<andd><basic-event name="A"/><basic-event name="B"/></andd>\n</define-gate>`,
        ),
        'x.xml',
      ),
    );
    expect(e.where).toMatchObject({ file: 'x.xml', line: 5, element: 'andd' });
    expect(e.message).toContain('unknown formula element');
    const f = errorOf(() => readMef(wrap('<define-gizmo name="Z"/>')));
    expect(f.where).toMatchObject({ element: 'define-gizmo', name: 'Z', line: 4 });
  });

  it('undefined references', () => {
    const m = readMef(
      wrap(
        `<define-gate name="G">\n<or><basic-event name="A"/><gate name="Missing"/></or>\n</define-gate>\n${be('A')}`,
      ),
      'u.xml',
    );
    const e = errorOf(() => compile(m));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe('u.xml, line 5, <gate name="Missing">: undefined gate \'Missing\'');
  });

  it('cycles', () => {
    const m = readMef(
      wrap(
        `<define-gate name="TOP"><or><gate name="G1"/><basic-event name="A"/></or></define-gate>
<define-gate name="G1"><and><gate name="G2"/><basic-event name="A"/></and></define-gate>
<define-gate name="G2"><or><gate name="G1"/><basic-event name="A"/></or></define-gate>
${be('A')}`,
      ),
      'c.xml',
    );
    const e = errorOf(() => compile(m));
    expect(e.message).toMatch(/cycle through gates (G1 → G2 → G1|G2 → G1 → G2)/);
    expect(e.where.element).toBe('define-gate');
  });

  it('duplicate names, probabilities outside [0, 1], wrong arity', () => {
    expect(errorOf(() => readMef(wrap(`${be('A')}\n${be('A')}`))).message).toMatch(
      /line 5, <define-basic-event name="A">: duplicate definition of 'A'/,
    );
    const p = readMef(
      wrap(
        `<define-gate name="G"><or><basic-event name="A"/><basic-event name="B"/></or></define-gate>\n${be('A', 1.5)}\n${be('B')}`,
      ),
    );
    expect(errorOf(() => compile(p)).message).toMatch(
      /line 5, <define-basic-event name="A">: probability 1.5 outside \[0, 1\]/,
    );
    const a = readMef(
      wrap(
        `<define-gate name="G">\n<not><basic-event name="A"/><basic-event name="B"/></not></define-gate>\n${be('A')}\n${be('B')}`,
      ),
    );
    expect(errorOf(() => compile(a)).message).toMatch(
      /line 5, <not>: <not> takes exactly one argument, found 2/,
    );
    const k = readMef(
      wrap(
        `<define-gate name="G">\n<atleast min="3"><basic-event name="A"/><basic-event name="B"/></atleast></define-gate>\n${be('A')}\n${be('B')}`,
      ),
    );
    expect(errorOf(() => compile(k)).message).toMatch(/atleast min="3"/);
    expect(
      errorOf(() =>
        readMef(
          wrap('<define-gate name="G"><atleast min="x"><basic-event name="A"/></atleast></define-gate>'),
        ),
      ).message,
    ).toMatch(/min must be a non-negative integer/);
    expect(
      errorOf(() => readMef(wrap('<define-basic-event name="A"><float value="abc"/></define-basic-event>')))
        .message,
    ).toMatch(/<float>: value must be a number/);
  });

  it('event trees are refused by name', () => {
    const e = errorOf(() => readMef('<opsa-mef><define-event-tree name="ET"/></opsa-mef>', 'et.xml'));
    expect(e.message).toMatch(/<define-event-tree name="ET">: event trees/);
  });

  it('huge inputs: deep nesting and entity tricks fail fast with a line, wide models work', () => {
    const deep = `<opsa-mef>${'<and>'.repeat(100_000)}${'</and>'.repeat(100_000)}</opsa-mef>`;
    const e = errorOf(() => readMef(deep, 'deep.xml'));
    expect(e.message).toMatch(/deep\.xml, line 1, <and>: nesting deeper than 512/);
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><opsa-mef name="&b;"/>';
    expect(() => readMef(laughs, 'laughs.xml')).toThrow(MefParseError);
    // 20 000 gates in a chain: no stack overflow in validation, compilation or analysis
    const n = 20_000;
    const parts = [];
    for (let i = 0; i < n; i++)
      parts.push(
        `<define-gate name="G${i}"><or><gate name="G${i + 1}"/><basic-event name="E${i % 50}"/></or></define-gate>`,
      );
    parts.push(
      `<define-gate name="G${n}"><and><basic-event name="E1"/><basic-event name="E2"/></and></define-gate>`,
    );
    for (let i = 0; i < 50; i++) parts.push(be(`E${i}`, 0.001));
    const r = analyze(readMef(wrap(parts.join('\n'))));
    // every E0..E49 is a single-event cut set; E1·E2 at the bottom is subsumed by E1
    expect(r.products).toBe(50);
    expect(r.distribution).toEqual([50]);
  });
});

describe('MEF and YAML round trips', () => {
  const cases = [
    ['TwoTrain/common_cause.xml'],
    ['Baobab/baobab2.xml', 'Baobab/baobab2-basic-events.xml'],
    ['HIPPS/HIPPS.xml'],
    ['ThreeMotor/three_motor.xml'],
    ['Lift/lift.xml'],
  ];
  for (const files of cases)
    it.skipIf(!haveModels)(`${files[0]}: MEF → YAML → MEF keeps the analysis${models.skipNote}`, () => {
      const { model } = mergeModels(files.map((f) => readMef(readFileSync(join(INPUT, f), 'utf8'), f)));
      const before = analyze(model, { importance: true });
      const yaml = writeYamlModel(model);
      const fromYaml = readYamlModel(yaml, 'm.yaml');
      const xml = writeMef(fromYaml);
      const back = readMef(xml, 'm.xml');
      for (const m of [fromYaml, back]) {
        const after = analyze(m, { importance: true });
        expect(after.products).toBe(before.products);
        expect(after.distribution).toEqual(before.distribution);
        expect(after.probability).toBeCloseTo(before.probability, 15);
        for (const [k, v] of Object.entries(before.importance!))
          expect(after.importance![k].mif).toBeCloseTo(v.mif, 14);
      }
    });

  it('nested formulas (refused by SCRAM) are read, analysed and written back', () => {
    const xml =
      wrap(`<define-gate name="TOP"><or><and><basic-event name="A"/><not><basic-event name="B"/></not></and><atleast min="2"><basic-event name="A"/><basic-event name="B"/><basic-event name="C"/></atleast></or></define-gate>
${be('A', 0.1)}${be('B', 0.2)}${be('C', 0.3)}`);
    const m = readMef(xml);
    const p = analyze(m).probability;
    // A¬B ∨ 2oo3(A,B,C) = A·¬B + AB + (¬A)BC
    expect(p).toBeCloseTo(0.1 * 0.8 + 0.1 * 0.2 + 0.9 * 0.2 * 0.3, 15);
    expect(analyze(readMef(writeMef(m))).probability).toBeCloseTo(p, 15);
    expect(analyze(readYamlModel(writeYamlModel(m))).probability).toBeCloseTo(p, 15);
  });

  it('YAML errors name the key and line', () => {
    const text = 'gates:\n  TOP: { and: [A, B] }\n  G: { andd: [A] }\nbasic-events:\n  A: 0.1\n  B: 0.2\n';
    const e = errorOf(() => readYamlModel(text, 'k.yaml'));
    expect(e.message).toMatch(/^k\.yaml, line 3, <gates\.G name="G">|^k\.yaml, line 3, <gates\.G>/);
    expect(e.message).toMatch(/no connective/);
    expect(errorOf(() => parseModel('gates: [', 'bad.yaml')).message).toMatch(
      /^bad\.yaml, line \d+: malformed YAML/,
    );
  });
});
