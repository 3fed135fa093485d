import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import type { Localized } from '../text.js';
import {
  type Cause,
  type FaultTreeEntry,
  type KnowledgeBase,
  type SimMethod,
  type TestCheck,
  VEHICLE_TYPES,
  type VehicleType,
  type WorkshopTest,
} from './types.js';

/** The knowledge base shipped with the package. */
export const DEFAULT_KB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'kb');

/** A knowledge-base file that does not say what it must: names the file, the field path and the line. */
export class KbError extends Error {
  override name = 'KbError';
  constructor(
    readonly file: string,
    readonly path: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${path ? `${path}: ` : ''}${reason}`);
  }
}

type Path = (string | number)[];

/** Reads one YAML file and hands out typed fields, raising KbError with the field path and line. */
class Reader {
  private readonly doc: Document;
  private readonly lines = new LineCounter();
  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    const err = this.doc.errors[0];
    if (err) {
      const line = this.lines.linePos(err.pos[0]).line;
      throw new KbError(file, '', `YAML syntax: ${err.message.split('\n')[0]}`, line);
    }
  }

  fail(path: Path, reason: string): never {
    let line: number | undefined;
    for (let n = path.length; n >= 0 && line === undefined; n--) {
      const node = this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) line = this.lines.linePos(node.range[0]).line;
    }
    throw new KbError(this.file, path.join('.'), reason, line);
  }

  get root(): unknown {
    return this.doc.toJS();
  }

  obj(value: unknown, path: Path): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      this.fail(path, 'expected a mapping');
    return value as Record<string, unknown>;
  }

  str(value: unknown, path: Path): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, 'expected a non-empty string');
    return value;
  }

  id(value: unknown, path: Path): string {
    const s = this.str(value, path);
    if (!/^[a-z][a-z0-9_]*$/.test(s)) this.fail(path, `"${s}" is not an identifier (lower case, digits, _)`);
    return s;
  }

  num(value: unknown, path: Path, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, 'expected a number');
    if (value < min || value > max) this.fail(path, `${value} is outside [${min}, ${max}]`);
    return value;
  }

  prob(value: unknown, path: Path): number {
    return this.num(value, path, 0, 1);
  }

  list(value: unknown, path: Path): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'expected a list');
    return value;
  }

  strings(value: unknown, path: Path): string[] {
    return this.list(value ?? [], path).map((v, i) =>
      this.str(typeof v === 'number' ? String(v) : v, [...path, i]),
    );
  }

  text(value: unknown, path: Path): Localized {
    const o = this.obj(value, path);
    return { fr: this.str(o.fr, [...path, 'fr']), en: this.str(o.en, [...path, 'en']) };
  }
}

function readTest(r: Reader, raw: unknown, path: Path): WorkshopTest {
  const o = r.obj(raw, path);
  const kind = o.kind;
  if (kind !== 'observation' && kind !== 'inspection')
    r.fail([...path, 'kind'], 'expected "observation" or "inspection"');
  const checksRaw = r.obj(o.checks, [...path, 'checks']);
  const checks: Record<string, TestCheck> = {};
  for (const [cause, c] of Object.entries(checksRaw)) {
    const p = [...path, 'checks', cause];
    const co = r.obj(c, p);
    checks[r.id(cause, p)] = {
      sensitivity: r.prob(co.sensitivity, [...p, 'sensitivity']),
      specificity: r.prob(co.specificity, [...p, 'specificity']),
    };
    if (checks[cause].sensitivity + checks[cause].specificity <= 1) {
      r.fail(p, 'sensitivity + specificity must exceed 1, or the test says nothing about this cause');
    }
  }
  if (Object.keys(checks).length === 0) r.fail([...path, 'checks'], 'a test must check at least one cause');
  const simRaw = r.obj(o.sim, [...path, 'sim']);
  let sim: SimMethod;
  if (simRaw.method === 'fault') sim = { method: 'fault' };
  else if (simRaw.method === 'live') {
    const badAbove =
      simRaw.bad_above === undefined ? undefined : r.num(simRaw.bad_above, [...path, 'sim', 'bad_above']);
    const badBelow =
      simRaw.bad_below === undefined ? undefined : r.num(simRaw.bad_below, [...path, 'sim', 'bad_below']);
    if (badAbove === undefined && badBelow === undefined)
      r.fail([...path, 'sim'], 'a live test needs bad_above or bad_below');
    sim = { method: 'live', reading: r.id(simRaw.reading, [...path, 'sim', 'reading']), badAbove, badBelow };
  } else r.fail([...path, 'sim', 'method'], 'expected "fault" or "live"');
  const expected = r.obj(o.expected, [...path, 'expected']);
  return {
    id: r.id(o.id, [...path, 'id']),
    kind,
    name: r.text(o.name, [...path, 'name']),
    instructions: r.text(o.instructions, [...path, 'instructions']),
    tools: r.strings(o.tools, [...path, 'tools']),
    minutes: r.num(o.minutes, [...path, 'minutes'], 0, 24 * 60),
    cost: r.num(o.cost, [...path, 'cost'], 0),
    expected: {
      good: r.text(expected.good, [...path, 'expected', 'good']),
      bad: r.text(expected.bad, [...path, 'expected', 'bad']),
    },
    safety: r.strings(o.safety, [...path, 'safety']),
    checks,
    sim,
  };
}

function readTree(r: Reader): FaultTreeEntry {
  const o = r.obj(r.root, []);
  const applies = r.obj(o.applies, ['applies']);
  const vehicles = r.strings(o.vehicles, ['vehicles']).map((v, i) => {
    if (!VEHICLE_TYPES.includes(v as VehicleType))
      r.fail(['vehicles', i], `unknown vehicle type "${v}" (${VEHICLE_TYPES.join(', ')})`);
    return v as VehicleType;
  });
  const causesRaw = r.obj(o.causes, ['causes']);
  const causes: Cause[] = Object.entries(causesRaw).map(([id, c]) => {
    const p = ['causes', id];
    const co = r.obj(c, p);
    const rep = r.obj(co.repair, [...p, 'repair']);
    return {
      id: r.id(id, p),
      name: r.text(co.name, [...p, 'name']),
      prior: r.prob(co.prior, [...p, 'prior']),
      inspect: r.id(co.inspect, [...p, 'inspect']),
      simFaults: r.strings(co.sim_faults, [...p, 'sim_faults']),
      repair: {
        fr: r.str(rep.fr, [...p, 'repair', 'fr']),
        en: r.str(rep.en, [...p, 'repair', 'en']),
        hours: r.num(rep.hours, [...p, 'repair', 'hours'], 0, 100),
        parts: r.num(rep.parts, [...p, 'repair', 'parts'], 0),
      },
    };
  });
  if (causes.length < 2) r.fail(['causes'], 'a tree needs at least two causes to diagnose between');
  for (const c of causes)
    if (c.prior === 0 || c.prior === 1)
      r.fail(['causes', c.id, 'prior'], 'a prior of 0 or 1 leaves nothing to diagnose');
  const dtcs = r.strings(applies.dtcs, ['applies', 'dtcs']);
  dtcs.forEach((d, i) => {
    if (!/^[PCBU][0-3][0-9A-F]{3}$/.test(d)) r.fail(['applies', 'dtcs', i], `"${d}" is not a DTC code`);
  });
  return {
    id: r.id(o.id, ['id']),
    file: r.file,
    title: r.text(o.title, ['title']),
    symptom: r.text(o.symptom, ['symptom']),
    applies: {
      dtcs,
      complaintKeywords: r.strings(applies.complaint_keywords, ['applies', 'complaint_keywords']),
    },
    vehicles,
    safety: o.safety === undefined ? undefined : r.text(o.safety, ['safety']),
    causes,
    observations: r.strings(o.observations, ['observations']),
  };
}

/** Parses the workshop-test catalogue. */
export function parseTests(text: string, file = 'tests.yaml'): WorkshopTest[] {
  const r = new Reader(file, text);
  const root = r.obj(r.root, []);
  const tests = r.list(root.tests, ['tests']).map((t, i) => readTest(r, t, ['tests', i]));
  const seen = new Set<string>();
  tests.forEach((t, i) => {
    if (seen.has(t.id)) r.fail(['tests', i, 'id'], `duplicate test id "${t.id}"`);
    seen.add(t.id);
  });
  return tests;
}

/** Parses one fault-tree file. */
export function parseTree(text: string, file: string): FaultTreeEntry {
  return readTree(new Reader(file, text));
}

/**
 * Loads and cross-checks a knowledge base: every inspection and observation a tree names exists,
 * every cause a test checks exists in some tree, tree ids are unique.
 */
export function loadKnowledgeBase(dir = DEFAULT_KB_DIR): KnowledgeBase {
  const testsFile = join(dir, 'tests.yaml');
  const tests = new Map(
    parseTests(readFileSync(testsFile, 'utf8'), relative(process.cwd(), testsFile)).map((t) => [t.id, t]),
  );
  const treeDir = join(dir, 'trees');
  const trees = readdirSync(treeDir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => parseTree(readFileSync(join(treeDir, f), 'utf8'), relative(process.cwd(), join(treeDir, f))));
  const problems = checkReferences({ trees, tests });
  if (problems.length) throw problems[0];
  return { trees, tests };
}

/** Cross-file checks; returns every problem found. */
export function checkReferences(kb: KnowledgeBase): KbError[] {
  const problems: KbError[] = [];
  const ids = new Set<string>();
  const causeIds = new Set<string>();
  for (const tree of kb.trees) {
    if (ids.has(tree.id)) problems.push(new KbError(tree.file, 'id', `duplicate tree id "${tree.id}"`));
    ids.add(tree.id);
    for (const c of tree.causes) {
      causeIds.add(c.id);
      const test = kb.tests.get(c.inspect);
      if (!test)
        problems.push(new KbError(tree.file, `causes.${c.id}.inspect`, `unknown test "${c.inspect}"`));
      else if (!test.checks[c.id])
        problems.push(
          new KbError(tree.file, `causes.${c.id}.inspect`, `test "${c.inspect}" does not check "${c.id}"`),
        );
    }
    tree.observations.forEach((o, i) => {
      const test = kb.tests.get(o);
      if (!test) problems.push(new KbError(tree.file, `observations.${i}`, `unknown test "${o}"`));
      else if (!tree.causes.some((c) => test.checks[c.id])) {
        problems.push(
          new KbError(tree.file, `observations.${i}`, `test "${o}" checks none of this tree's causes`),
        );
      }
    });
  }
  for (const t of kb.tests.values()) {
    for (const cause of Object.keys(t.checks)) {
      if (!causeIds.has(cause))
        problems.push(
          new KbError(
            basename('tests.yaml'),
            `tests.${t.id}.checks.${cause}`,
            `no tree has a cause "${cause}"`,
          ),
        );
    }
  }
  return problems;
}
