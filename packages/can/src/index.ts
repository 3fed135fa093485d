export * from './frame.js';
export * from './clock.js';
export * from './bus.js';
export * from './virtual-bus.js';
export * from './log.js';
