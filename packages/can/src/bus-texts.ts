import { SLCAN_CODE_BITRATES } from './slcan/protocol.js';

/**
 * What goes wrong opening a CAN interface, in French: an SLCAN adapter on a serial line or a TCP
 * socket, a SocketCAN interface. The English is each error's `message`, word for word as it always
 * was (scripts and tests grep it); the texts here are what a French workshop reads instead. The
 * serial library and the kernel give English words and, for a serial port, no error code: the
 * code is recognised from the words below, and an unrecognised failure keeps them, quoted.
 */

/**
 * The system error behind a serial port that would not open, from serialport's message (it puts
 * strerror's words in the message and no code on the error): `Error: No such file or directory,
 * cannot open /dev/ttyUSB9`, `Error Resource temporarily unavailable Cannot lock port`, `Error:
 * Inappropriate ioctl for device setting custom baud rate of 115200`. A code already on the error
 * (a TCP socket's `ECONNREFUSED`) wins.
 */
export function lineErrorCode(err: { message: string; code?: unknown }): string {
  if (typeof err.code === 'string' && err.code !== '') return err.code;
  const m = err.message;
  if (/No such file or directory/i.test(m)) return 'ENOENT';
  if (/Permission denied/i.test(m)) return 'EACCES';
  if (/Cannot lock port|Resource temporarily unavailable|Device or resource busy/i.test(m)) return 'EBUSY';
  if (/Inappropriate ioctl/i.test(m)) return 'ENOTTY';
  if (/No such device/i.test(m)) return 'ENXIO';
  if (/Input\/output error/i.test(m)) return 'EIO';
  return '';
}

/**
 * A serial port or a TCP adapter that would not open, by system error code: the one table, read by
 * SLCAN here and by the ELM327 link above (through `lineRefusalFr`, re-exported by @atelier/obd).
 * The words fit both readers: « l'appareil » is an ELM327 on Wi-Fi as much as an SLCAN gateway,
 * and slcand is named as the CAN adapter's usual other owner, which an ELM327 user can pass over.
 */
const LINE_FR: Readonly<Record<string, string>> = {
  ENOENT: 'port série introuvable (adaptateur débranché, ou un autre nom de port ?)',
  ENXIO: 'périphérique absent (adaptateur débranché ?)',
  ENODEV: 'périphérique absent (adaptateur débranché ?)',
  EACCES: 'accès refusé au port série (êtes-vous dans le groupe dialout ?)',
  EPERM: 'accès refusé au port série (êtes-vous dans le groupe dialout ?)',
  EBUSY:
    'port série occupé par un autre programme (un terminal série, ModemManager, ou slcand pour un adaptateur CAN ?)',
  ENOTTY: "ce n'est pas un port série",
  EIO: "erreur d'entrée-sortie sur le port (adaptateur débranché pendant l'ouverture ?)",
  ECONNREFUSED: "connexion refusée : rien n'écoute à cette adresse (appareil éteint, mauvais port ?)",
  ECONNRESET: "connexion coupée par l'appareil",
  ETIMEDOUT: "pas de réponse de l'appareil (hors de portée ou mauvaise adresse ?)",
  EHOSTUNREACH: 'adresse injoignable (êtes-vous sur le bon réseau Wi-Fi ?)',
  ENETUNREACH: 'réseau injoignable (êtes-vous sur le bon réseau Wi-Fi ?)',
  ENOTFOUND: 'nom inconnu : adresse introuvable',
};

/** What a system error code means for a line that would not open, in French; undefined when not listed. */
export function lineRefusalFr(code: string): string | undefined {
  return Object.hasOwn(LINE_FR, code) ? LINE_FR[code] : undefined;
}

/** The line's failure in French with its code in brackets; a failure not recognised keeps its English words. */
export function lineErrorFr(err: { message: string; code?: unknown }): string {
  const code = lineErrorCode(err);
  const fr = lineRefusalFr(code);
  return fr ? `${fr} [${code}]` : `« ${err.message} »`;
}

/**
 * An SLCAN command as a French sentence quotes it: `la commande « S6 » (débit CAN de 500 kbit/s)`,
 * what it asks said after it, so that a refusal or a silence says what was refused.
 */
export function slcanCommandFr(command: string): string {
  if (command === '') return 'la ligne vide (remise à zéro de la ligne)';
  const c = command[0];
  const arg = command.slice(1);
  let what: string | undefined;
  if (c === 'S' && /^\d$/.test(arg)) {
    const rate = SLCAN_CODE_BITRATES[Number(arg)];
    what = rate === undefined ? 'débit CAN' : `débit CAN de ${rate / 1000} kbit/s`;
  } else if (c === 's') what = 'registres de cadencement, btr=';
  else if (command === 'O') what = 'ouverture du canal CAN';
  else if (command === 'L') what = 'ouverture du canal CAN en écoute seule';
  else if (command === 'C') what = 'fermeture du canal CAN';
  else if (command === 'V') what = 'version';
  else if (command === 'N') what = 'numéro de série';
  else if (c === 'Z') what = 'horodatages';
  else if (c === 'M' || c === 'm') what = "filtre d'acceptation";
  else if (c === 't' || c === 'T' || c === 'r' || c === 'R') what = 'envoi de trame';
  return `la commande « ${command} »${what ? ` (${what})` : ''}`;
}

/**
 * Why a line from the adapter made no sense, in French, from the English reason the parser gave
 * (one place: the reasons SlcanProtocolError is built with). An unlisted reason keeps its words.
 */
export function slcanLineReasonFr(reason: string): string {
  const answer = /^not an answer to '(.*)'$/.exec(reason);
  if (answer) return `ce n'est pas une réponse à « ${answer[1]} »`;
  const fixed: Record<string, string> = {
    'not an error or state line': "ce n'est ni une trame, ni une ligne d'erreur ou d'état",
    'an answer nobody asked for': "une réponse alors qu'aucune commande n'attendait",
    'not a frame (t, T, r or R)': "ce n'est pas une trame (t, T, r ou R)",
    'too short for a frame': 'trop courte pour une trame',
    'the identifier is not hexadecimal': "l'identifiant n'est pas en hexadécimal",
    'a status is F and two hex digits': "un état s'écrit F suivi de deux chiffres hexadécimaux",
    'the timestamp is not a 0..59999 ms hexadecimal counter':
      "l'horodatage n'est pas un compteur hexadécimal de 0 à 59999 ms",
  };
  return fixed[reason] ?? reason;
}

/** Why the SLCAN line went away, in French: the bus's own words, or the system's. */
export function slcanGoneFr(reason: string): string {
  if (reason === 'the line was closed') return 'la ligne a été fermée';
  const code = lineErrorCode({ message: reason });
  const fr = lineRefusalFr(code);
  return fr ? `${fr} [${code}]` : `« ${reason} »`;
}

/** What /sys/class/net says about a network interface, for a SocketCAN interface that would not open. */
export type InterfaceState =
  | { kind: 'missing' }
  | { kind: 'not-can'; type: number }
  | { kind: 'down' }
  | { kind: 'up' }
  | { kind: 'unknown' };

/** Why a SocketCAN interface would not open, in French, from the interface's state. */
export function socketCanOpenFr(iface: string, state: InterfaceState, native: string): string {
  const head = `impossible d'ouvrir l'interface SocketCAN « ${iface} »`;
  switch (state.kind) {
    case 'missing':
      return /^vcan/.test(iface)
        ? `${head} : elle n'existe pas. Une interface virtuelle se crée avec ` +
            `sudo modprobe vcan && sudo ip link add dev ${iface} type vcan && sudo ip link set up ${iface} ` +
            `(si modprobe ne trouve pas vcan, ce noyau n'a pas le module vcan : c'est souvent le cas dans un conteneur)`
        : `${head} : elle n'existe pas sur cette machine (adaptateur débranché, ou un autre nom ? ` +
            `ip -details link show liste les interfaces)`;
    case 'not-can':
      return `${head} : ce n'est pas une interface CAN (type de lien ${state.type}, 280 pour CAN)`;
    case 'down':
      return `${head} : elle est arrêtée ; démarrez-la avec sudo ip link set ${iface} up type can bitrate 500000 (ou le débit du véhicule)`;
    default:
      return `${head} (« ${native} ») ; vérifiez qu'elle existe et qu'elle est démarrée : ip -details link show ${iface}`;
  }
}

/** The optional native module is not installed, in French, with how to install it. */
export function socketCanUnavailableFr(native: string): string {
  return (
    `le module optionnel « socketcan » n'est pas disponible (« ${native} ») ; ` +
    'sous Linux, installez-le avec pnpm --filter @atelier/can add socketcan (il faut un compilateur C++)'
  );
}

/** Why a bus refused a frame before sending it; `problem` is the frame check's English words. */
export type FrameRefusal =
  | { kind: 'invalid'; problem: string }
  | { kind: 'error-frame' }
  | { kind: 'fd-on-slcan' }
  | { kind: 'fd-disabled' }
  | { kind: 'listen-only' };

/** The refusal in `lang`: English as the buses always said it, French for the workshop. */
export function sayFrameRefusal(r: FrameRefusal, lang: 'fr' | 'en'): string {
  const fr = lang === 'fr';
  switch (r.kind) {
    case 'invalid':
      return fr ? `trame invalide (« ${r.problem} »)` : r.problem;
    case 'error-frame':
      return fr
        ? "une trame d'erreur est émise par un contrôleur CAN, elle ne s'envoie pas"
        : 'error frames are raised by controllers, not sent';
    case 'fd-on-slcan':
      return fr ? 'SLCAN ne transporte pas de trames CAN FD' : 'SLCAN carries no CAN FD frames';
    case 'fd-disabled':
      return fr
        ? "CAN FD n'est pas activé sur ce bus (option --fd, et l'interface réglée avec « fd on »)"
        : 'CAN FD is not enabled on this bus';
    case 'listen-only':
      return fr ? "l'adaptateur est ouvert en écoute seule (listen=1)" : 'the adapter was opened listen-only';
  }
}

/**
 * The kernel kept refusing a frame: in French, what the interface's state says of it (down is the
 * usual cause when starting out; up leaves a full queue or bus-off, no one acknowledging).
 */
export function kernelRefusedFr(iface: string, ms: number, state: InterfaceState): string {
  const head = `socketcan:${iface} : le noyau refuse la trame depuis ${ms} ms`;
  if (state.kind === 'down')
    return `${head} : l'interface est arrêtée ; démarrez-la avec sudo ip link set ${iface} up type can bitrate 500000 (ou le débit du véhicule)`;
  if (state.kind === 'missing') return `${head} : l'interface n'existe plus (adaptateur débranché ?)`;
  return `${head} (file d'émission pleine, interface arrêtée ou bus-off : personne n'acquitte les trames ? ip -details -statistics link show ${iface})`;
}
