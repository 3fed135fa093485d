import { analyze, constant, emptyModel, type Model, or, ref, validateModel } from '@atelier/fault-tree';
import { UNEXPLAINED } from './kb/load.js';
import type { FaultTreeEntry, KnowledgeBase } from './kb/types.js';

/** The top event of a tree in the fault-tree model: the symptom. */
export const topName = (tree: FaultTreeEntry): string => `SYMPTOM_${tree.id}`;

/** The gate "some cause of this tree is present" (the top without the cause outside the tree). */
export const inTreeName = (tree: FaultTreeEntry): string => `CAUSES_${tree.id}`;

/**
 * A knowledge-base tree as a generic fault-tree model: each cause a basic event with its prior, plus
 * `unexplained` (a cause outside the tree, with the tree's `unexplained` prior), the symptom the OR
 * of them. This is what the fault-tree engine analyses and what `atelier fta` reads.
 */
export function treeToModel(tree: FaultTreeEntry): Model {
  const model = emptyModel(tree.id);
  for (const c of tree.causes) {
    model.basicEvents.set(c.id, { name: c.id, expression: constant(c.prior), label: c.name.en });
  }
  model.basicEvents.set(UNEXPLAINED, {
    name: UNEXPLAINED,
    expression: constant(tree.unexplained),
    label: 'A cause outside this tree',
  });
  const inTree = inTreeName(tree);
  model.gates.set(inTree, { name: inTree, formula: or(...tree.causes.map((c) => ref(c.id, 'basic-event'))) });
  const top = topName(tree);
  model.gates.set(top, { name: top, formula: or(ref(inTree, 'gate'), ref(UNEXPLAINED, 'basic-event')) });
  return model;
}

export interface TreeCheck {
  tree: string;
  ok: boolean;
  /** Probability of the symptom from the priors, as the fault-tree engine computes it. */
  probability?: number;
  error?: string;
  /** The engine's error in French (its errors say themselves in both languages: `messageIn`). */
  errorFr?: string;
}

/** Loads every tree into the fault-tree engine and analyses it: the knowledge base's last lint check. */
export function checkTreesInEngine(kb: KnowledgeBase): TreeCheck[] {
  return kb.trees.map((tree) => {
    try {
      const model = treeToModel(tree);
      validateModel(model, { probabilities: true });
      const report = analyze(model, { top: topName(tree) });
      return { tree: tree.id, ok: true, probability: report.probability };
    } catch (err) {
      const e = err as Error & { messageIn?: (lang: 'fr' | 'en') => string };
      const errorFr = typeof e.messageIn === 'function' ? e.messageIn('fr') : undefined;
      return { tree: tree.id, ok: false, error: e.message, ...(errorFr === undefined ? {} : { errorFr }) };
    }
  });
}
