export * from './errors.js';
export * from './protocols.js';
export * from './parse.js';
export * from './format.js';
export * from './profile.js';
export * from './emulator.js';
export * from './demo.js';
export * from './pair.js';
