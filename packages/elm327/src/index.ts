export * from './errors.js';
export * from './protocols.js';
export * from './parse.js';
export * from './format.js';
