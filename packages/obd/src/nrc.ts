import { hex2 } from './text.js';

/** ISO 14229-1 negative response codes (annex A), by code. SAE J1979 uses the same codes. */
export const NRC_NAMES: ReadonlyMap<number, string> = new Map([
  [0x10, 'generalReject'],
  [0x11, 'serviceNotSupported'],
  [0x12, 'subFunctionNotSupported'],
  [0x13, 'incorrectMessageLengthOrInvalidFormat'],
  [0x14, 'responseTooLong'],
  [0x21, 'busyRepeatRequest'],
  [0x22, 'conditionsNotCorrect'],
  [0x24, 'requestSequenceError'],
  [0x25, 'noResponseFromSubnetComponent'],
  [0x26, 'failurePreventsExecutionOfRequestedAction'],
  [0x31, 'requestOutOfRange'],
  [0x33, 'securityAccessDenied'],
  [0x34, 'authenticationRequired'],
  [0x35, 'invalidKey'],
  [0x36, 'exceededNumberOfAttempts'],
  [0x37, 'requiredTimeDelayNotExpired'],
  [0x70, 'uploadDownloadNotAccepted'],
  [0x71, 'transferDataSuspended'],
  [0x72, 'generalProgrammingFailure'],
  [0x73, 'wrongBlockSequenceCounter'],
  [0x78, 'requestCorrectlyReceivedResponsePending'],
  [0x7e, 'subFunctionNotSupportedInActiveSession'],
  [0x7f, 'serviceNotSupportedInActiveSession'],
  [0x81, 'rpmTooHigh'],
  [0x82, 'rpmTooLow'],
  [0x83, 'engineIsRunning'],
  [0x84, 'engineIsNotRunning'],
  [0x85, 'engineRunTimeTooLow'],
  [0x86, 'temperatureTooHigh'],
  [0x87, 'temperatureTooLow'],
  [0x88, 'vehicleSpeedTooHigh'],
  [0x89, 'vehicleSpeedTooLow'],
  [0x8a, 'throttlePedalTooHigh'],
  [0x8b, 'throttlePedalTooLow'],
  [0x8c, 'transmissionRangeNotInNeutral'],
  [0x8d, 'transmissionRangeNotInGear'],
  [0x8f, 'brakeSwitchesNotClosed'],
  [0x90, 'shifterLeverNotInPark'],
  [0x91, 'torqueConverterClutchLocked'],
  [0x92, 'voltageTooHigh'],
  [0x93, 'voltageTooLow'],
]);

export function nrcName(nrc: number): string {
  const n = NRC_NAMES.get(nrc);
  if (n) return n;
  if (nrc >= 0x94 && nrc <= 0xef) return 'reservedForSpecificConditionsNotCorrect';
  if (nrc >= 0xf0 && nrc <= 0xfe) return 'vehicleManufacturerSpecificConditionsNotCorrect';
  return 'ISOSAEReserved';
}

/** An ECU answered 0x7F: it heard the request and refused it, for the named reason. */
export class NegativeResponseError extends Error {
  override name = 'NegativeResponseError';
  readonly nrcName: string;
  constructor(
    /** The request's service id. */
    readonly sid: number,
    readonly nrc: number,
    /** Response address of the ECU that refused. */
    readonly ecu: number,
  ) {
    super(
      `ECU ${ecu.toString(16).toUpperCase()} refused service ${hex2(sid)}: NRC ${hex2(nrc)} ${nrcName(nrc)}`,
    );
    this.nrcName = nrcName(nrc);
  }
}
