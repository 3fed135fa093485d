export * from './dtc.js';
export { DTC_TITLES } from './dtc-titles.js';
export * from './link.js';
export * from './pids.js';
export * from './text.js';
export * from './vin.js';
export { manufacturerOf, WMIS } from './wmi.js';
