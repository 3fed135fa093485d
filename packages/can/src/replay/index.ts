export * from './player.js';
export * from './timing.js';
