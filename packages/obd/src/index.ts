// Quoting outside text in errors, and YAML errors in French, for the adapters above.
export {
  clip,
  lineErrorCode,
  lineRefusalFr,
  MAX_QUOTE,
  stMinToMs,
  type YamlErrorLike,
  yamlReasonFr,
} from '@atelier/can';
export * from './address.js';
export * from './answering.js';
export * from './dtc.js';
export { DTC_TITLES } from './dtc-titles.js';
export * from './isotp-link.js';
export * from './link.js';
export * from './link-reasons.js';
export * from './mode06.js';
export * from './nrc.js';
export * from './obd-client.js';
export * from './pids.js';
export * from './poller.js';
export * from './readiness.js';
export * from './recorded.js';
export * from './response-line.js';
export * from './scan.js';
export * from './scripted-ecu.js';
export * from './text.js';
export * from './uds-client.js';
export * from './vin.js';
export { manufacturerOf, WMIS } from './wmi.js';
