export * from '@atelier/clock';
export * from './batch.js';
export * from './bus.js';
export { lineErrorCode, lineRefusalFr } from './bus-texts.js';
export * from './dbc/index.js';
export * from './formats/index.js';
export * from './frame.js';
export * from './isotp/index.js';
export * from './log.js';
export * from './open-bus.js';
export * from './origin.js';
export * from './parse-error-message.js';
export * from './quote.js';
export {
  type Reason,
  type ReasonCode,
  type ReasonLang,
  type ReasonParams,
  reason,
  sayReason,
  systemReason,
  zlibReason,
} from './reason.js';
export * from './recorder.js';
export * from './replay/index.js';
export * from './slcan/index.js';
export * from './socketcan-bus.js';
export * from './stats.js';
export * from './system-error-texts.js';
export * from './text.js';
export * from './virtual-bus.js';
export * from './yaml-error-texts.js';
export * from './zlib-texts.js';
