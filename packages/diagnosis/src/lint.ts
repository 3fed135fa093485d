import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { systemErrorOf } from '@atelier/can';
import { type KbLang, type KbReason, type KbReasonCode, kbReason, sayKbReason } from './kb/kb-reasons.js';
import { checkReferences, DEFAULT_KB_DIR, KbError, parseTests, parseTree } from './kb/load.js';
import type { FaultTreeEntry, MeasurementSpec, WorkshopTest } from './kb/types.js';
import { LIVE_READINGS } from './live-reading.js';
import { checkTreesInEngine } from './model.js';
import {
  CONSIGNATION_SYMBOL,
  HABILITATION_PREFIX,
  HABILITATION_SYMBOLS,
  HV_PARTS,
  habilitationOf,
  LOCKOUT_STEP,
  UNLOCK_STEP,
} from './safety.js';

/**
 * One thing a workshop instrument measures, as a simulator's or a tool's catalogue states it (the
 * shape of `@atelier/vehicle-sim`'s `CATALOGUE` entries; this package does not depend on it).
 */
export interface InstrumentEntry {
  instrument: string;
  component: string;
  quantity: string;
  unit: string;
  kind: 'number' | 'text';
  values?: readonly string[];
  index?: string;
  engine: readonly string[];
  hv?: boolean;
  uses?: readonly string[];
}

/**
 * The prerequisites of work on the high-voltage system (NF C18-550): the lock-out, and a
 * habilitation step naming its symbol (which one depends on the operation: `safety.ts`).
 */
export const HV_SAFETY = ['hv_lockout', `${HABILITATION_PREFIX}…`];
const HV_SYMBOLS = ['B1L', 'B2L', 'B1VL', 'B2VL', 'B1XL', 'B2XL', 'BRL', 'B1TL', 'B2TL'];
/** Instruments used inside an opened traction battery. */
const PACK_OPENED_INSTRUMENTS = ['cell_capacity_tester'];
const hasHvSafety = (safety: readonly string[]) =>
  safety.includes('hv_lockout') && safety.some((x) => HV_SYMBOLS.includes(habilitationOf(x) ?? ''));

/**
 * Checks each measurement of the tests against an instrument catalogue: the instrument measures that
 * quantity on that part, in that unit, in those operating states and conditions; a reading in words
 * classifies every word the instrument can give; `each` names the part's index; work on the HV system
 * is behind the lock-out and the habilitation. Live readings must be ones `liveReading` knows.
 */
export function checkMeasurements(
  tests: readonly WorkshopTest[],
  catalogue: readonly InstrumentEntry[] | undefined,
  file: string,
): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const [ti, t] of tests.entries())
    for (const [mi, m] of t.measure.entries() as Iterable<[number, MeasurementSpec]>) {
      const path = `tests.${ti}.measure.${mi}`;
      const fail = (why: KbReason) => problems.push(lintProblem(file, path, why, t.id));
      if (m.live) {
        if (!LIVE_READINGS.includes(m.live))
          fail(kbReason('unknown-live-reading', { value: m.live, known: LIVE_READINGS }));
        continue;
      }
      if (!catalogue) continue;
      const find = (q: string | undefined) =>
        catalogue.find(
          (e) => e.instrument === m.instrument && e.component === m.component && e.quantity === q,
        );
      const e = find(m.quantity);
      if (!e) {
        fail(
          kbReason('instrument-does-not-measure', {
            instrument: m.instrument ?? '',
            quantity: m.quantity ?? '',
            component: m.component ?? '',
          }),
        );
        continue;
      }
      if (m.minus && !find(m.minus))
        fail(
          kbReason('instrument-does-not-measure', {
            instrument: m.instrument ?? '',
            quantity: m.minus,
            component: m.component ?? '',
          }),
        );
      if (e.unit !== m.unit)
        fail(kbReason('wrong-unit', { quantity: e.quantity, unit: e.unit, written: m.unit }));
      const words = m.goodWords !== undefined || m.badWords !== undefined;
      if (e.kind === 'text' && !words)
        fail(kbReason('reads-in-words', { quantity: e.quantity, words: e.values ?? [] }));
      if (e.kind === 'number' && words) fail(kbReason('reads-as-number', { quantity: e.quantity }));
      if (e.kind === 'text' && words) {
        const said = new Set([...(m.goodWords ?? []), ...(m.badWords ?? [])]);
        for (const v of e.values ?? [])
          if (!said.has(v)) fail(kbReason('word-unclassified', { word: v, quantity: e.quantity }));
        for (const v of said)
          if (!e.values?.includes(v)) fail(kbReason('word-never-read', { word: v, quantity: e.quantity }));
      }
      const index = e.index === 'o2_position' ? 'at' : e.index;
      if (index === 'at' && !m.at) fail(kbReason('needs-position', { component: e.component }));
      else if (index && index !== 'at' && m.each !== index)
        fail(kbReason('measured-per', { component: e.component, index }));
      if (!e.index && m.each) fail(kbReason('nothing-to-each', { component: e.component, each: m.each }));
      const engine = m.conditions.engine;
      if (engine !== undefined && !e.engine.includes(String(engine)))
        fail(kbReason('engine-state', { quantity: e.quantity, states: e.engine, state: String(engine) }));
      for (const k of Object.keys(m.conditions))
        if (k !== 'engine' && k !== 'coolantC' && !e.uses?.includes(k))
          fail(kbReason('condition-does-not-apply', { condition: k, quantity: e.quantity }));
      if (e.hv && !hasHvSafety(t.safety)) fail(kbReason('hv-measure-safety', { steps: HV_SAFETY }));
      // The cell/module analyser works inside the opened pack, whose cells stay live: the battery
      // option (XL), not a vicinity or de-energised symbol.
      if (
        PACK_OPENED_INSTRUMENTS.includes(m.instrument ?? '') &&
        !t.safety.some((x) => ['B1XL', 'B2XL'].includes(habilitationOf(x) ?? ''))
      )
        fail(kbReason('pack-opened-safety'));
    }
  return problems;
}

/** Symbols of work on the HV system once it is locked out (de-energised, vicinity, battery option). */
const LOCKED_OUT_WORK = ['B1L', 'B2L', 'B1VL', 'B2VL', 'B1XL', 'B2XL'];
/**
 * Words saying the HV system is locked out, in French and English ("consigne" alone is a set point —
 * "régime de consigne" — not a lock-out).
 */
const SAYS_LOCKOUT = { fr: /consign(?:ation|er|é)/i, en: /lock-?out/i };

/**
 * Where the knowledge base says a step needs the HV system locked out, it names the lock-out and who
 * does it (NF C18-550: the chargé de consignation, `CONSIGNATION_SYMBOL`). A test needs it when its
 * habilitation is for work on the locked-out system, its tools include the lock-out kit, or its
 * instructions say so: its `safety:` must then list `hv_lockout` (the step the dashboard checks
 * against the people register). A tree's safety note or a repair that speaks of the lock-out must
 * name the BCL (a note once said "B2VL/BCL": B2VL does not allow it).
 */
export function checkConsignation(
  tests: readonly WorkshopTest[],
  trees: readonly FaultTreeEntry[],
  testsFile: string,
): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const [ti, t] of tests.entries()) {
    const why = t.safety.some((x) => LOCKED_OUT_WORK.includes(habilitationOf(x) ?? ''))
      ? kbReason('lockout-habilitation', { steps: t.safety.filter((x) => habilitationOf(x)) })
      : t.tools.includes('hv_lockout_kit')
        ? kbReason('lockout-kit')
        : SAYS_LOCKOUT.fr.test(t.instructions.fr) || SAYS_LOCKOUT.en.test(t.instructions.en)
          ? kbReason('lockout-instructions')
          : undefined;
    if (why && !t.safety.includes(LOCKOUT_STEP))
      problems.push(
        lintProblem(
          testsFile,
          `tests.${ti}.safety`,
          kbReason('needs-lockout', { why, step: LOCKOUT_STEP, bcl: CONSIGNATION_SYMBOL }),
          t.id,
        ),
      );
  }
  const namesBcl = new RegExp(`\\b${CONSIGNATION_SYMBOL}\\b`);
  const check = (file: string, path: string, text: { fr: string; en: string }) => {
    for (const lang of ['fr', 'en'] as const)
      if (SAYS_LOCKOUT[lang].test(text[lang]) && !namesBcl.test(text[lang]))
        problems.push(
          lintProblem(file, `${path}.${lang}`, kbReason('lockout-unnamed', { bcl: CONSIGNATION_SYMBOL })),
        );
  };
  for (const tree of trees) {
    if (tree.safety) check(tree.file, 'safety', tree.safety);
    for (const c of tree.causes) check(tree.file, `causes.${c.id}.repair`, c.repair);
  }
  return problems;
}

/**
 * Every safety step a test or a repair lists is one the dashboard and the CLI know how to gate: the
 * lock-out (`hv_lockout`, the BCL's), its lifting (`hv_unlock`, the BCL's too: a test that needs the
 * HV system powered, not locked out) or `habilitation_SYMBOL` with an NF C18-550 symbol. A step
 * mistyped (`hv_lock_out`, `habilitation_B2V`) would be shown as a bare id and checked against no
 * one: the gate would be gone without a word.
 */
export function checkSafetyIds(
  tests: readonly WorkshopTest[],
  trees: readonly FaultTreeEntry[],
  testsFile: string,
): LintProblem[] {
  const problems: LintProblem[] = [];
  const check = (file: string, path: string, owner: string, safety: readonly string[]) =>
    safety.forEach((id, i) => {
      if (id === LOCKOUT_STEP || id === UNLOCK_STEP) return;
      const symbol = habilitationOf(id);
      if (symbol !== undefined && (HABILITATION_SYMBOLS as readonly string[]).includes(symbol)) return;
      const why = kbReason('unknown-safety-step', {
        step: id,
        lockout: LOCKOUT_STEP,
        unlock: UNLOCK_STEP,
        prefix: HABILITATION_PREFIX,
        symbols: HABILITATION_SYMBOLS,
      });
      problems.push(lintProblem(file, `${path}.${i}`, why, owner));
    });
  for (const [ti, t] of tests.entries()) check(testsFile, `tests.${ti}.safety`, t.id, t.safety);
  for (const tree of trees)
    for (const c of tree.causes) check(tree.file, `causes.${c.id}.repair.safety`, c.id, c.repair.safety);
  return problems;
}

/** The operating states (`conditions.engine`) in which the HV system is energised: READY, or the engine turning. */
const ENERGISED_STATES = ['ready', 'idle', 'rpm_2500', 'cranking'];

/**
 * A test made energised (`energised: true`: the car READY, its engine running) cannot be made on the
 * locked-out HV system: one that also lists `hv_lockout` asks for both at once, and the session
 * could never let it through — refused. And in a high-voltage tree (one whose tests or repairs lock
 * out), a test measured with the car READY or the engine running must say so (`energised: true`),
 * or the session would let it run on a car recorded locked out.
 */
export function checkEnergised(
  tests: readonly WorkshopTest[],
  trees: readonly FaultTreeEntry[],
  testsFile: string,
): LintProblem[] {
  const problems: LintProblem[] = [];
  const byId = new Map(tests.map((t) => [t.id, t]));
  const inHvTree = new Map<string, string>();
  for (const tree of trees) {
    const ids = [...tree.causes.map((c) => c.inspect), ...tree.observations];
    const locksOut =
      tree.causes.some((c) => c.repair.safety.includes(LOCKOUT_STEP)) ||
      ids.some((id) => byId.get(id)?.safety.includes(LOCKOUT_STEP));
    if (locksOut) for (const id of ids) if (!inHvTree.has(id)) inHvTree.set(id, tree.id);
  }
  for (const [ti, t] of tests.entries()) {
    if (t.energised && t.safety.includes(LOCKOUT_STEP))
      problems.push(
        lintProblem(
          testsFile,
          `tests.${ti}.energised`,
          kbReason('energised-and-lockout', { step: LOCKOUT_STEP }),
          t.id,
        ),
      );
    const tree = inHvTree.get(t.id);
    const state = t.measure.map((m) => m.conditions.engine).find((e) => ENERGISED_STATES.includes(String(e)));
    if (tree && !t.energised && state !== undefined)
      problems.push(
        lintProblem(
          testsFile,
          `tests.${ti}.energised`,
          kbReason('energised-unmarked', { state: String(state), tree }),
          t.id,
        ),
      );
  }
  return problems;
}

/** The battery option's symbols: work inside the traction battery's casing (NF C18-550, X attribute). */
const BATTERY_OPTION = ['B1XL', 'B2XL'];
/** Words saying a repair is high-voltage work, in French and English. */
const SAYS_HV_WORK = { fr: /haute tension/i, en: /high[- ]voltage/i };

/**
 * A repair on the HV system takes its safety steps as a test does. The knowledge base says which HV
 * parts a repair works on (`hv_parts:`); such a repair must list the lock-out (`hv_lockout`, the
 * BCL's) and the habilitation for the work on the locked-out system — the battery option (B1XL,
 * B2XL) when a part sits inside the pack. A repair that names no HV part but whose inspection needs
 * the lock-out, or whose text says it is HV work, is refused too (it forgot `hv_parts`); and so is
 * one whose text speaks of the lock-out without listing `hv_lockout` (said, not gated).
 */
export function checkRepairSafety(
  trees: readonly FaultTreeEntry[],
  tests: ReadonlyMap<string, WorkshopTest>,
): LintProblem[] {
  const problems: LintProblem[] = [];
  for (const tree of trees)
    for (const c of tree.causes) {
      const { repair } = c;
      const fail = (field: string, why: KbReason) =>
        problems.push(lintProblem(tree.file, `causes.${c.id}.repair.${field}`, why, c.id));
      const works = repair.safety
        .map((x) => habilitationOf(x) ?? '')
        .filter((x) => LOCKED_OUT_WORK.includes(x));
      if (repair.hvParts.length) {
        const parts = repair.hvParts;
        if (!repair.safety.includes(LOCKOUT_STEP))
          fail(
            'safety',
            kbReason('repair-needs-lockout', { parts, step: LOCKOUT_STEP, bcl: CONSIGNATION_SYMBOL }),
          );
        const inPack = repair.hvParts.filter((x) => HV_PARTS[x]?.inPack);
        if (inPack.length && !works.some((x) => BATTERY_OPTION.includes(x)))
          fail('safety', kbReason('repair-in-pack', { parts: inPack }));
        else if (!works.length)
          fail(
            'safety',
            kbReason('repair-needs-habilitation', {
              parts,
              steps: LOCKED_OUT_WORK.map((x) => HABILITATION_PREFIX + x),
            }),
          );
      } else {
        const inspectionLocksOut = tests.get(c.inspect)?.safety.includes(LOCKOUT_STEP) ?? false;
        const saysHv = SAYS_HV_WORK.fr.test(repair.fr) || SAYS_HV_WORK.en.test(repair.en);
        if (inspectionLocksOut || saysHv)
          fail(
            'hv_parts',
            kbReason('repair-names-no-hv-part', {
              why: inspectionLocksOut
                ? kbReason('inspection-locks-out', { test: c.inspect })
                : kbReason('text-says-hv'),
              known: Object.keys(HV_PARTS),
            }),
          );
      }
      // Said once: a repair on HV parts without the lock-out was refused above already.
      if (
        (SAYS_LOCKOUT.fr.test(repair.fr) || SAYS_LOCKOUT.en.test(repair.en)) &&
        !repair.safety.includes(LOCKOUT_STEP) &&
        !repair.hvParts.length
      )
        fail('safety', kbReason('repair-lockout-not-gated', { step: LOCKOUT_STEP }));
    }
  return problems;
}

/**
 * The simulator's faults as its catalogue states them (the shape of `@atelier/vehicle-sim`'s
 * `FAULT_CATALOGUE`): each type and the parts it can be at.
 */
export interface SimFaultEntry {
  type: string;
  parts: readonly string[];
}

/**
 * Checks every cause's `sim_faults` against the simulator's fault catalogue: the type exists, and a
 * `type:part` names a part that type can be at (the bench and a simulated repair match by both).
 */
export function checkSimFaults(
  trees: readonly FaultTreeEntry[],
  catalogue: readonly SimFaultEntry[] | undefined,
): LintProblem[] {
  if (!catalogue) return [];
  const problems: LintProblem[] = [];
  for (const tree of trees)
    for (const cause of tree.causes)
      cause.simFaults.forEach((ref, i) => {
        const [type, part] = ref.split(':');
        const path = `causes.${cause.id}.sim_faults.${i}`;
        const entry = catalogue.find((e) => e.type === type);
        if (!entry) problems.push(lintProblem(tree.file, path, kbReason('unknown-sim-fault', { type })));
        else if (part !== undefined && !entry.parts.includes(part))
          problems.push(
            lintProblem(
              tree.file,
              path,
              entry.parts.length
                ? kbReason('sim-fault-part', { type, parts: entry.parts, part })
                : kbReason('sim-fault-no-parts', { type, part }),
            ),
          );
      });
  return problems;
}

/**
 * One problem of the knowledge base: where (file, line, field path) and why, in both languages.
 * Both texts are carried, not the reason alone: the report is JSON (`atelier kb lint --json`, a
 * page), read by whoever cannot say a code, and `message` stays the English it always was.
 * `code` is the reason's (`kb-reasons.ts`), for a program that sorts problems without reading prose.
 */
export interface LintProblem {
  file: string;
  line?: number;
  path: string;
  code: KbReasonCode;
  /** English, word for word as before the French existed (tests and programs read it). */
  message: string;
  /** French, for the workshop; ids and field names as written in the file. */
  fr: string;
}

/** A problem said in both languages; `owner` (the test or cause) leads both, as the English always did. */
export function lintProblem(
  file: string,
  path: string,
  why: KbReason,
  owner?: string,
  line?: number,
): LintProblem {
  const en = sayKbReason(why, 'en');
  const fr = sayKbReason(why, 'fr');
  return {
    file,
    ...(line === undefined ? {} : { line }),
    path,
    code: why.code,
    message: owner === undefined ? en : `${owner}: ${en}`,
    fr: owner === undefined ? fr : `${owner} : ${fr}`,
  };
}

/**
 * A problem as `atelier kb lint` prints it: `file:line: field.path: why`, the place as editors and
 * terminals read it (they open the file at that line), why in the reader's language.
 */
export function sayLintProblem(p: LintProblem, lang: KbLang): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${lang === 'fr' ? p.fr : p.message}`;
}

export interface LintReport {
  trees: number;
  tests: number;
  problems: LintProblem[];
}

/**
 * Checks the whole knowledge base and reports every problem rather than the first: YAML and schema
 * errors per file (French and English text, probabilities in [0, 1]), cross references between
 * trees and tests, every test's measurements (against `options.instruments`, an instrument
 * catalogue such as the simulator's), and that every tree loads into the fault-tree engine.
 */
export function lintKnowledgeBase(
  dir = DEFAULT_KB_DIR,
  options: { instruments?: readonly InstrumentEntry[]; simFaults?: readonly SimFaultEntry[] } = {},
): LintReport {
  const problems: LintProblem[] = [];
  const push = (e: unknown, file: string) => {
    if (e instanceof KbError) problems.push(lintProblem(e.file, e.path, e.detail, undefined, e.line));
    else {
      // A file the system would not read (a folder named x.yaml, no permission): said, not thrown.
      const sys = systemErrorOf(e);
      problems.push(
        lintProblem(file, '', kbReason('cannot-read', { detail: sys.message, code: sys.code ?? '' })),
      );
    }
  };
  let tests: WorkshopTest[] = [];
  const testsFile = join(dir, 'tests.yaml');
  const rel = (f: string) => relative(process.cwd(), f);
  if (!existsSync(testsFile)) problems.push(lintProblem(rel(testsFile), '', kbReason('no-test-catalogue')));
  else {
    try {
      tests = parseTests(readFileSync(testsFile, 'utf8'), rel(testsFile));
    } catch (e) {
      push(e, rel(testsFile));
    }
  }
  const trees: FaultTreeEntry[] = [];
  const treeDir = join(dir, 'trees');
  const files = existsSync(treeDir)
    ? readdirSync(treeDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  if (!files.length) problems.push(lintProblem(rel(treeDir), '', kbReason('no-fault-tree')));
  for (const f of files) {
    const file = join(treeDir, f);
    try {
      trees.push(parseTree(readFileSync(file, 'utf8'), rel(file)));
    } catch (e) {
      push(e, rel(file));
    }
  }
  const kb = { trees, tests: new Map(tests.map((t) => [t.id, t])) };
  for (const e of checkReferences(kb)) push(e, e.file);
  problems.push(...checkMeasurements(tests, options.instruments, rel(testsFile)));
  problems.push(...checkSimFaults(trees, options.simFaults));
  problems.push(...checkConsignation(tests, trees, rel(testsFile)));
  problems.push(...checkRepairSafety(trees, kb.tests));
  problems.push(...checkSafetyIds(tests, trees, rel(testsFile)));
  problems.push(...checkEnergised(tests, trees, rel(testsFile)));
  for (const c of checkTreesInEngine(kb)) {
    if (!c.ok) {
      const tree = trees.find((t) => t.id === c.tree)!;
      const why = kbReason('fault-tree-engine', { en: c.error ?? '', fr: c.errorFr ?? c.error ?? '' });
      problems.push(lintProblem(tree.file, '', why));
    }
  }
  return { trees: trees.length, tests: tests.length, problems };
}
