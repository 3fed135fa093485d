export * from './context.js';
export * from './group.js';
export * from './run.js';
