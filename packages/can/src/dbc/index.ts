export { attribute } from './attributes.js';
export {
  CompiledMessage,
  DbcDecoder,
  DbcEncodeError,
  type DecodedFrame,
  type DecodedSignals,
  decimalsOf,
} from './codec.js';
export * from './layout.js';
export * from './model.js';
export * from './over-isotp.js';
export { parseDbc, readDbc } from './parser.js';
