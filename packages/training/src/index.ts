export * from './measure-car.js';
export * from './sim-apprentice.js';
