/**
 * The diagnosis knowledge base as the workshop shows it: loaded once, causes named as their tree
 * names them, tests by their name.
 */
import { type KnowledgeBase, loadKnowledgeBase } from '@atelier/diagnosis';
import type { Text } from '../i18n.js';

let kbCache: KnowledgeBase | undefined;
export function knowledgeBase(): KnowledgeBase {
  kbCache ??= loadKnowledgeBase();
  return kbCache;
}

/** Every cause of the knowledge base, for the true-cause choice: id, tree and names. */
export function causeChoices(): { id: string; tree: string; name: Text; treeTitle: Text }[] {
  const out = new Map<string, { id: string; tree: string; name: Text; treeTitle: Text }>();
  for (const t of knowledgeBase().trees)
    for (const c of t.causes)
      if (!out.has(c.id)) out.set(c.id, { id: c.id, tree: t.id, name: c.name, treeTitle: t.title });
  return [...out.values()];
}

/**
 * A cause's name. Cause ids repeat across trees with names that fit each tree ("exhaust_leak" is
 * before the upstream sensor in the lean tree, between catalyst and downstream sensor in the catalyst
 * tree): give the tree when it is known.
 */
export function causeName(id: string | null, treeId?: string): Text {
  if (id === null || id === 'none')
    return { fr: 'aucun défaut (véhicule sain)', en: 'no fault (healthy car)' };
  const tree = treeId ? knowledgeBase().trees.find((t) => t.id === treeId) : undefined;
  const inTree = tree?.causes.find((c) => c.id === id)?.name;
  return inTree ?? causeChoices().find((c) => c.id === id)?.name ?? { fr: id, en: id };
}

/** A test's name, or its id when the knowledge base does not know it. */
export function testName(id: string): Text {
  return knowledgeBase().tests.get(id)?.name ?? { fr: id, en: id };
}
