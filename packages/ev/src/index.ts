export * from './definition.js';
export * from './format.js';
export * from './report.js';
