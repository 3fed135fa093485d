export * from './battery-read.js';
export * from './measure-car.js';
export * from './sim-apprentice.js';
