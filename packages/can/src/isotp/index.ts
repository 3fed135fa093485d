export * from './address.js';
export * from './endpoint.js';
export * from './endpoint-texts.js';
export * from './errors.js';
export * from './pci.js';
export * from './reassemble.js';
export * from './reassembly-texts.js';
