import type { SessionFacts } from './facts.js';
import type { FaultTreeEntry, KnowledgeBase } from './kb/types.js';

export interface TreeMatch {
  tree: FaultTreeEntry;
  /** The DTCs of the session that this tree explains. */
  dtcs: string[];
  /** Complaint keywords found. */
  keywords: string[];
  score: number;
}

/** Lower case without accents: "Ralenti instable" finds "ralenti instable" and "ralenti instablé". */
export const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/**
 * Picks the trees that apply to what the session knows: a DTC a tree explains weighs more than a
 * complaint keyword, and a tree must fit the vehicle type. Best first.
 */
export function selectTrees(kb: KnowledgeBase, facts: SessionFacts): TreeMatch[] {
  const complaint = facts.complaint ? fold(facts.complaint) : '';
  const out: TreeMatch[] = [];
  for (const tree of kb.trees) {
    if (!tree.vehicles.includes(facts.vehicle)) continue;
    const dtcs = facts.dtcs.filter((d) => tree.applies.dtcs.includes(d.toUpperCase()));
    const keywords = complaint
      ? tree.applies.complaintKeywords.filter((k) => complaint.includes(fold(k)))
      : [];
    const score = dtcs.length * 10 + keywords.length;
    if (score > 0) out.push({ tree, dtcs, keywords, score });
  }
  return out.sort((a, b) => b.score - a.score || a.tree.id.localeCompare(b.tree.id));
}
