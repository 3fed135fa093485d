import { mentionSpan } from './complaint.js';
import type { SessionFacts } from './facts.js';
import type { FaultTreeEntry, KnowledgeBase, VehicleType } from './kb/types.js';
import { readSigns } from './signs.js';

export interface TreeMatch {
  /** The tree as it stands on this vehicle (`treeForVehicle`). */
  tree: FaultTreeEntry;
  /** The DTCs of the session that this tree explains. */
  dtcs: string[];
  /** Complaint keywords found. */
  keywords: string[];
  /** Signs of the tree read present from the car (codes, freeze frame, live data, readiness): not the complaint. */
  signs: string[];
  score: number;
}

/** The sources of signs that show a fault on the car (a monitor's state or the MIL alone does not). */
const SHOWING: readonly string[] = ['dtc', 'live', 'battery', 'freeze_frame'];

/**
 * Picks the trees that apply to what the session knows, on this vehicle (its energy: an EV gets no
 * alternator): a DTC a tree explains weighs most, then a sign the car shows (a low voltage in the live
 * data, the freeze frame), then a complaint keyword. A tree that only a complaint word picks
 * is still proposed, but its symptom is only reported (see `symptomEvidence`). Best first.
 */
export function selectTrees(kb: KnowledgeBase, facts: SessionFacts): TreeMatch[] {
  const complaint = facts.complaint ?? '';
  const out: TreeMatch[] = [];
  for (const entry of kb.trees) {
    if (!entry.vehicles.includes(facts.vehicle)) continue;
    const tree = treeForVehicle(entry, facts.vehicle);
    const dtcs = facts.dtcs.filter((d) => tree.applies.dtcs.includes(d.toUpperCase()));
    // The tree's own words, and those of its complaint signs (a customer says "le matin, ça a du
    // mal" rather than "démarrage difficile").
    const words = [
      ...tree.applies.complaintKeywords,
      ...tree.signs.flatMap((s) => (s.when.source === 'complaint' ? s.when.keywords : [])),
    ];
    const spans = new Map<string, { start: number; end: number }>();
    if (complaint)
      for (const k of words) {
        const span = spans.has(k) ? undefined : mentionSpan(complaint, k);
        if (span) spans.set(k, span);
      }
    const keywords = [...spans.keys()];
    const signs = readSigns(tree, facts)
      .filter((r) => r.value === true && SHOWING.includes(r.sign.when.source) && r.certainty > 0.5)
      .map((r) => r.sign.id);
    const score = dtcs.length * 10 + signs.length * 3 + saidPlaces([...spans.values()]);
    if (score > 0) out.push({ tree, dtcs, keywords, signs, score });
  }
  return out.sort((a, b) => b.score - a.score || a.tree.id.localeCompare(b.tree.id));
}

/**
 * How many separate places of the complaint the tree's words were found at: "elle démarre mal"
 * is one thing said, though it is the keywords "démarre mal", "lance mal" (a synonym) and
 * "démarreur" (another form) at once; counting keywords would let a tree with many near-duplicate
 * words outweigh one whose words match two different things the customer said.
 */
function saidPlaces(spans: { start: number; end: number }[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let places = 0;
  let end = -1;
  for (const s of sorted) {
    if (s.start >= end) places++;
    end = Math.max(end, s.end);
  }
  return places;
}

/**
 * The tree as it stands on one vehicle type: only the causes whose component this vehicle has (an EV
 * gets no alternator), the signs' and observations' links to the others dropped. The same object when
 * nothing is dropped.
 */
export function treeForVehicle(tree: FaultTreeEntry, vehicle: VehicleType): FaultTreeEntry {
  const causes = tree.causes.filter((c) => c.vehicles.includes(vehicle));
  if (causes.length === tree.causes.length) return tree;
  const kept = new Set(causes.map((c) => c.id));
  const signs = tree.signs.flatMap((s) => {
    const checks = Object.fromEntries(Object.entries(s.checks).filter(([c]) => kept.has(c)));
    return Object.keys(checks).length ? [{ ...s, checks }] : [];
  });
  return { ...tree, causes, signs };
}
