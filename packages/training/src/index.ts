export * from './sim-apprentice.js';
