export * from './analysis.js';
export { Bdd, ComputedTable, FALSE, type Node, NodeTable, TRUE } from './bdd.js';
export { type CcfEvent, ccfEventName, ccfProbabilities, expandCcf } from './ccf.js';
export {
  atLeast,
  type Compiled,
  type CompileOptions,
  chooseTop,
  compile,
  findModules,
  type Prepared,
  prepare,
} from './compile.js';
export * from './diagnosis.js';
export { type FtLang, type FtReason, type FtReasonCode, ftReason, sayFtReason } from './error-texts.js';
export * from './errors.js';
export * from './expression.js';
export { loadModel, parseModel } from './load.js';
export { readMef } from './mef-read.js';
export { writeMef } from './mef-write.js';
export * from './model.js';
export {
  compileModular,
  isModular,
  type ModularCompiled,
  type ModulePart,
  modularDerivatives,
  modularProbability,
} from './modular.js';
export {
  expandModularProducts,
  type ModularProducts,
  modularCutSets,
  modularDistribution,
  modularEventsInProducts,
} from './modular-products.js';
export { buildTree, type Decomposition, decompose, type Tree, type TreeNode } from './modules.js';
export { Random } from './random.js';
export { evaluateGate } from './truth.js';
export { type UncertaintyReport, uncertainty } from './uncertainty.js';
export { evalContext, validateModel } from './validate.js';
export { parseXml, type XmlElement, type XmlLimits } from './xml.js';
export { readYamlModel, writeYamlModel } from './yaml-form.js';
export { BASE, EMPTY, Zbdd } from './zbdd.js';
