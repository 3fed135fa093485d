export * from './text.js';
export * from './kb/types.js';
export * from './kb/load.js';
export * from './path.js';
export * from './assessment.js';
export * from './select.js';
export * from './infer.js';
export * from './session.js';
