export { type CanInterfaceEntry, listCanInterfaces } from './can-interfaces.js';
export { AdapterSpecError, type AdapterSpecReason } from './errors.js';
export { type AdapterName, splitAdapterName } from './name.js';
export {
  adapterExamples,
  adapterSchemes,
  checkAdapterName,
  openAdapter,
  registerAdapterScheme,
} from './registry.js';
export { type ElmTarget, parseElmSpec } from './schemes/elm327.js';
export { parseSlcanSpec, SlcanLink, type SlcanTarget } from './schemes/slcan.js';
export { detectAddressing } from './schemes/socketcan.js';
export { OpenScope } from './scope.js';
export { listSerialPorts, type SerialPortEntry } from './serial-ports.js';
export { lineWriter, recordCandump } from './traffic.js';
export type {
  AdapterInfo,
  AdapterScheme,
  OpenAdapterOptions,
  OpenedAdapter,
  SchemeContext,
  SchemeOpened,
  TrafficFormat,
  TrafficSink,
} from './types.js';
export { type ConnectionVerdict, openingVerdict, readingVerdict, type VerdictText } from './verdict.js';
