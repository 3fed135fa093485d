export * from './definition.js';
export * from './definition-texts.js';
export * from './format.js';
export * from './known-battery.js';
export * from './report.js';
