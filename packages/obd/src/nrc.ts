import { hex2, type Lang } from './text.js';

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

/**
 * What each negative response code means, in French, for the apprentice who reads it: the ISO name
 * stays beside it in messages (it is what manuals and forums use), this says what to make of it.
 */
const NRC_FR: ReadonlyMap<number, string> = new Map([
  [0x10, 'refus général'],
  [0x11, 'service non pris en charge'],
  [0x12, 'sous-fonction non prise en charge'],
  [0x13, 'longueur ou format de requête incorrect'],
  [0x14, 'réponse trop longue'],
  [0x21, 'occupé, redemander'],
  [0x22, 'conditions non remplies'],
  [0x24, 'requête hors séquence'],
  [0x25, 'pas de réponse d’un sous-ensemble'],
  [0x26, 'une défaillance empêche l’action demandée'],
  [0x31, 'requête hors limites, identifiant ou paramètre inconnu'],
  [0x33, 'accès sécurisé refusé'],
  [0x34, 'authentification requise'],
  [0x35, 'clé invalide'],
  [0x36, 'nombre d’essais dépassé'],
  [0x37, 'délai d’attente obligatoire non écoulé'],
  [0x70, 'téléchargement refusé'],
  [0x71, 'transfert de données suspendu'],
  [0x72, 'échec de programmation'],
  [0x73, 'compteur de blocs erroné'],
  [0x78, 'requête reçue, réponse en attente'],
  [0x7e, 'sous-fonction non prise en charge dans la session active'],
  [0x7f, 'service non pris en charge dans la session active'],
  [0x81, 'régime trop élevé'],
  [0x82, 'régime trop bas'],
  [0x83, 'moteur tournant'],
  [0x84, 'moteur à l’arrêt'],
  [0x85, 'moteur tournant depuis trop peu de temps'],
  [0x86, 'température trop élevée'],
  [0x87, 'température trop basse'],
  [0x88, 'vitesse du véhicule trop élevée'],
  [0x89, 'vitesse du véhicule trop basse'],
  [0x8a, 'pédale d’accélérateur trop enfoncée'],
  [0x8b, 'pédale d’accélérateur pas assez enfoncée'],
  [0x8c, 'boîte pas au point mort'],
  [0x8d, 'aucun rapport engagé'],
  [0x8f, 'contacteurs de frein non fermés (pédale de frein)'],
  [0x90, 'levier de vitesses pas en position P'],
  [0x91, 'embrayage du convertisseur verrouillé'],
  [0x92, 'tension trop élevée'],
  [0x93, 'tension trop basse'],
]);

/** A negative response code's meaning in `lang` (English: the ISO name). */
export function nrcMeaning(nrc: number, lang: Lang): string {
  if (lang === 'en') return nrcName(nrc);
  const fr = NRC_FR.get(nrc);
  if (fr) return fr;
  if (nrc >= 0x94 && nrc <= 0xef) return 'conditions non remplies (réservé par la norme)';
  if (nrc >= 0xf0 && nrc <= 0xfe) return 'conditions non remplies (propre au constructeur)';
  return 'code réservé par la norme';
}

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

  /** The refusal in `lang`: French says what it means, with the code and its ISO name to look up. */
  messageIn(lang: Lang): string {
    if (lang === 'en') return this.message;
    return `le calculateur ${this.ecu.toString(16).toUpperCase()} a refusé le service ${hex2(this.sid)} : ${nrcMeaning(this.nrc, 'fr')} (NRC ${hex2(this.nrc)} ${this.nrcName})`;
  }
}
