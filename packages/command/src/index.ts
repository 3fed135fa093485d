export * from './context.js';
export * from './group.js';
export * from './run.js';
export * from './system-error.js';
export * from './usage-text.js';
