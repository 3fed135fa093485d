export * from './emulator.js';
export * from './lines.js';
export * from './protocol.js';
export * from './serve.js';
export * from './slcan-bus.js';
