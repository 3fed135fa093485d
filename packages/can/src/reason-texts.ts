import type { ReasonParam, ReasonText } from './reason.js';
import { saySystemError } from './system-error-texts.js';
import { sayZlibError } from './zlib-texts.js';

/**
 * The one catalogue of reasons why a log or a DBC cannot be read, in English and French. English
 * is the error's `message` (logs, tests, programs) and must not change lightly; French is what the
 * workshop reads: plain sentences, the words of the trade (trame, identifiant, octet, en-tête,
 * bloc, conteneur, signal, multiplexeur), and colons rather than agreements the parameters could
 * break. A code is written where the problem is found; no text is built there.
 */
const text = <P = Record<string, never>>(
  en: (p: P, say: (x: ReasonParam) => string) => string,
  fr: (p: P, say: (x: ReasonParam) => string) => string,
): ReasonText<P> => ({ en, fr });

/**
 * The catalogue, built on first use: about 400 texts (closures and strings) that a process reading a
 * good file never says, so that loading the package does not pay for them (about 2 ms of start-up,
 * measured on the million-frame BLF bench).
 */
function catalogue() {
  return {
    // ── Any format ──────────────────────────────────────────────────────────────────────────────
    'empty-file': text(
      () => 'empty file: no frames',
      () => 'fichier vide : aucune trame',
    ),
    'no-frame': text(
      () => 'no frame in the file',
      () => 'aucune trame dans le fichier',
    ),
    'end-of-line': text(
      () => 'end of line',
      () => 'la fin de la ligne',
    ),
    'end-of-file': text(
      () => 'end of file',
      () => 'la fin du fichier',
    ),
    'found-text': text<{ text: string }>(
      (p) => `'${p.text}'`,
      (p) => `« ${p.text} »`,
    ),
    'found-byte': text<{ hex: string }>(
      (p) => `byte 0x${p.hex}`,
      (p) => `l'octet 0x${p.hex}`,
    ),
    'found-nothing': text(
      () => 'nothing',
      () => 'rien',
    ),
    /** Bytes shown as hex (`4c 4f 00 47`): the same in both languages. */
    'found-hex': text<{ hex: string }>(
      (p) => p.hex,
      (p) => p.hex,
    ),
    'binary-content': text<{ offset: number }>(
      (p) => `binary content (NUL byte at offset ${p.offset}): not a text log`,
      (p) => `contenu binaire (octet NUL au décalage ${p.offset}) : ce n'est pas un journal texte`,
    ),
    'line-too-long': text<{ max: number }>(
      (p) => `line longer than ${p.max} bytes: not a text log`,
      (p) => `ligne de plus de ${p.max} octets : ce n'est pas un journal texte`,
    ),
    'canedge-packed': text(
      () =>
        "a CANedge compressed (MFC) or encrypted (MFE) file: it becomes MF4 once CSS Electronics' mdf2finalized has unpacked it",
      () =>
        'fichier CANedge compressé (MFC) ou chiffré (MFE) : il devient un MF4 une fois décompressé par mdf2finalized de CSS Electronics',
    ),
    'unknown-format': text(
      () =>
        'unknown log format: expected candump, candump screen output, ASC, PEAK TRC, CANHacker trace, SavvyCAN CSV, MF4 or BLF',
      () =>
        'format de journal inconnu : attendu candump, sortie écran de candump, ASC, TRC PEAK, trace CANHacker, CSV SavvyCAN, MF4 ou BLF',
    ),
    'bad-gzip': text<{ detail: ReasonParam }>(
      (p, say) => `bad gzip file: ${say(p.detail)}`,
      (p, say) => `fichier gzip illisible : ${say(p.detail)}`,
    ),
    /** The operating system's words (see system-error-texts.ts): English as Node wrote them. */
    'system-error': text<{ message: string; code: string }>(
      (p) => p.message,
      (p) => saySystemError(p, 'fr'),
    ),
    /** zlib's own words (see zlib-texts.ts): English as zlib wrote them, French from its catalogue. */
    zlib: text<{ message: string; code: string }>(
      (p) => sayZlibError(p, 'en'),
      (p) => sayZlibError(p, 'fr'),
    ),
    'truncated-needs': text<{ what: ReasonParam; needs: number; left: number }>(
      (p, say) => `truncated file: ${say(p.what)} needs ${p.needs} bytes, only ${p.left} left`,
      (p, say) =>
        `fichier tronqué : il faut ${p.needs} octets pour ${say(p.what)}, il n'en reste que ${p.left}`,
    ),
    'truncated-short': text<{ what: ReasonParam; needs: number }>(
      (p, say) => `truncated file: ${say(p.what)} needs ${p.needs} bytes`,
      (p, say) => `fichier tronqué : il faut ${p.needs} octets pour ${say(p.what)}`,
    ),
    term: text<{ term: Term }>(
      (p) => p.term,
      (p) => TERMS[p.term],
    ),
    'id-over-11-bit': text<{ id: string }>(
      (p) => `id 0x${p.id} out of range for an 11-bit identifier`,
      (p) => `identifiant 0x${p.id} hors de la plage d'un identifiant 11 bits`,
    ),
    'fd-bad-length': text<{ n: number }>(
      (p) => `CAN FD frame with ${p.n} data bytes, not a CAN FD length`,
      (p) => `trame CAN FD de ${p.n} octets de données : longueur impossible en CAN FD`,
    ),
    list: text<Record<string, ReasonParam>>(
      (p, say) => Object.values(p).map(say).join('; '),
      (p, say) => Object.values(p).map(say).join(' ; '),
    ),
    'classic-too-long': text<{ n: number }>(
      (p) => `classic CAN frame with ${p.n} data bytes`,
      (p) => `trame CAN classique de ${p.n} octets de données (8 au plus)`,
    ),
    'id-over-29-bit': text<{ id: string }>(
      (p) => `id 0x${p.id} out of range for a 29-bit identifier`,
      (p) => `identifiant 0x${p.id} hors de la plage d'un identifiant 29 bits`,
    ),
    'not-hex-digit': text<{ found: ReasonParam }>(
      (p, say) => `not a hex digit: ${say(p.found)}`,
      (p, say) => `chiffre hexadécimal attendu, trouvé ${say(p.found)}`,
    ),
    'unexpected-after-data': text<{ found: ReasonParam }>(
      (p, say) => `unexpected ${say(p.found)} after the data`,
      (p, say) => `${say(p.found)} inattendu après les données`,
    ),
    'fd-length': text<{ n: number }>(
      (p) => `${p.n} is not a valid CAN FD length`,
      (p) => `${p.n} : longueur impossible en CAN FD`,
    ),
    'classic-length': text<{ n: number }>(
      (p) => `length ${p.n} exceeds 8 for classic CAN`,
      (p) => `longueur ${p.n} : plus de 8 en CAN classique`,
    ),
    /** `what` is the field of the line that announces the count (`[8]`, `DLC 8`, `LEN 8`): quoted as written. */
    'announces-bytes': text<{ what: string; n: number; found: number }>(
      (p) => `${p.what} announces ${p.n} data bytes, found ${p.found}`,
      (p) => `${p.what} annonce ${p.n} octets de données, trouvé ${p.found}`,
    ),
    'bad-data-byte': text<{ text: string }>(
      (p) => `bad data byte '${p.text}'`,
      (p) => `octet de données invalide « ${p.text} »`,
    ),
    'missing-field': text<{ what: ReasonParam }>(
      (p, say) => `truncated line: missing ${say(p.what)}`,
      (p, say) => `ligne tronquée : il manque ${say(p.what)}`,
    ),
    'bad-id': text<{ text: string }>(
      (p) => `bad id '${p.text}'`,
      (p) => `identifiant invalide « ${p.text} »`,
    ),
    'bad-dlc-classic': text<{ text: string }>(
      (p) => `bad DLC '${p.text}' (0–8)`,
      (p) => `DLC invalide « ${p.text} » (0 à 8)`,
    ),
    'bad-dlc': text<{ text: string }>(
      (p) => `bad DLC '${p.text}'`,
      (p) => `DLC invalide « ${p.text} »`,
    ),
    'bad-timestamp': text<{ text: string }>(
      (p) => `bad timestamp '${p.text}'`,
      (p) => `horodatage invalide « ${p.text} »`,
    ),
    'bad-channel': text<{ text: string }>(
      (p) => `bad channel '${p.text}'`,
      (p) => `canal invalide « ${p.text} »`,
    ),
    'bad-data-length': text<{ text: string }>(
      (p) => `bad data length '${p.text}'`,
      (p) => `longueur de données invalide « ${p.text} »`,
    ),
    'expected-rx-tx': text<{ text: string }>(
      (p) => `expected Rx or Tx, found '${p.text}'`,
      (p) => `Rx ou Tx attendu, trouvé « ${p.text} »`,
    ),

    // ── Vector ASC ───────────────────────────────────────────────────────────────────────────────
    'asc.bad-date': text<{ text: string }>(
      (p) =>
        `unreadable date '${p.text}' (lenient reading skips it: times then count from the start of measurement)`,
      (p) =>
        `date illisible « ${p.text} » (la lecture tolérante la saute : les temps comptent alors depuis le début de la mesure)`,
    ),
    'asc.expected-base': text(
      () => `expected 'base hex|dec [timestamps absolute|relative]'`,
      () => `attendu : « base hex|dec [timestamps absolute|relative] »`,
    ),
    'asc.unknown-line': text<{ text: string }>(
      (p) => `unrecognised ASC line starting with '${p.text}'`,
      (p) => `ligne ASC non reconnue commençant par « ${p.text} »`,
    ),
    'asc.missing-direction': text(
      () => 'truncated line: missing Rx/Tx after the id',
      () => "ligne tronquée : il manque Rx/Tx après l'identifiant",
    ),
    'asc.missing-kind': text(
      () => "truncated line: missing 'd' or 'r' after the direction",
      () => 'ligne tronquée : il manque « d » ou « r » après le sens',
    ),
    'asc.expected-kind': text<{ text: string }>(
      (p) => `expected 'd' or 'r', found '${p.text}'`,
      (p) => `« d » ou « r » attendu, trouvé « ${p.text} »`,
    ),
    'asc.bad-remote-dlc': text<{ text: string }>(
      (p) => `bad remote DLC '${p.text}'`,
      (p) => `DLC de trame de requête (RTR) invalide « ${p.text} »`,
    ),
    'asc.after-remote': text<{ text: string }>(
      (p) => `unexpected '${p.text}' after a remote frame`,
      (p) => `« ${p.text} » inattendu après une trame de requête (RTR)`,
    ),
    'asc.fd-truncated': text(
      () => 'truncated CANFD line',
      () => 'ligne CANFD tronquée',
    ),
    'asc.fd-truncated-fields': text(
      () => 'truncated CANFD line: expected BRS, ESI, DLC and data length',
      () => 'ligne CANFD tronquée : BRS, ESI, DLC et longueur des données attendus',
    ),
    'asc.fd-flags': text(
      () => 'expected BRS and ESI flags 0 or 1',
      () => 'drapeaux BRS et ESI attendus : 0 ou 1',
    ),
    'asc.fd-announced': text<{ n: number; found: number }>(
      (p) => `data length ${p.n} announced, found ${p.found} bytes`,
      (p) => `longueur de données ${p.n} annoncée, trouvé ${p.found} octets`,
    ),
    'asc.fd-dlc-mismatch': text<{ dlc: number; want: number; n: number }>(
      (p) => `DLC ${p.dlc} means ${p.want} bytes, data length says ${p.n}`,
      (p) => `le DLC ${p.dlc} vaut ${p.want} octets, la longueur des données dit ${p.n}`,
    ),
    'asc.dlc-disagree': text<{ dlc: number; n: number }>(
      (p) => `DLC ${p.dlc} and data length ${p.n} disagree`,
      (p) => `le DLC ${p.dlc} et la longueur des données ${p.n} ne concordent pas`,
    ),

    // ── SavvyCAN CSV ─────────────────────────────────────────────────────────────────────────────
    'pycsv.expected-header': text(
      () => "expected python-can's CSV header 'timestamp,arbitration_id,extended,remote,error,dlc,data'",
      () => 'en-tête CSV de python-can attendu : « timestamp,arbitration_id,extended,remote,error,dlc,data »',
    ),
    'pycsv.field-count': text<{ n: number }>(
      (p) => `${p.n} fields, expected 7 (timestamp,arbitration_id,extended,remote,error,dlc,data)`,
      (p) => `${p.n} champs, 7 attendus (timestamp,arbitration_id,extended,remote,error,dlc,data)`,
    ),
    'pycsv.bad-time': text<{ text: string }>(
      (p) => `bad timestamp '${p.text}' (seconds expected, as 1641469561.9497)`,
      (p) => `horodatage invalide « ${p.text} » (secondes attendues, comme 1641469561.9497)`,
    ),
    'pycsv.bad-flag': text<{ name: string; text: string }>(
      (p) => `${p.name} must be 0 or 1, found '${p.text}'`,
      (p) => `${p.name} doit valoir 0 ou 1, trouvé « ${p.text} »`,
    ),
    'pycsv.bad-dlc': text<{ text: string }>(
      (p) => `bad dlc '${p.text}'`,
      (p) => `dlc invalide « ${p.text} »`,
    ),
    'pycsv.bad-data': text<{ text: string }>(
      (p) => `data is not base64: '${p.text}'`,
      (p) => `les données ne sont pas en base64 : « ${p.text} »`,
    ),
    'pycsv.remote-with-data': text<{ n: number }>(
      (p) => `a remote frame carries no data, found ${p.n} byte(s)`,
      (p) => `une trame de requête (remote) ne porte pas de données, trouvé ${p.n} octet(s)`,
    ),
    'pycsv.dlc-mismatch': text<{ dlc: number; n: number }>(
      (p) => `dlc ${p.dlc} but ${p.n} data byte(s)`,
      (p) => `dlc ${p.dlc} mais ${p.n} octet(s) de données`,
    ),
    'pycsv.bad-fd-length': text<{ n: number }>(
      (p) => `${p.n} data bytes: no CAN FD frame has that length (9–64: 12, 16, 20, 24, 32, 48, 64)`,
      (p) =>
        `${p.n} octets de données : aucune trame CAN FD n'a cette longueur (9 à 64 : 12, 16, 20, 24, 32, 48, 64)`,
    ),
    'csv.expected-header': text(
      () => "expected the SavvyCAN header 'Time Stamp,ID,Extended,Dir,Bus,LEN,D1,…'",
      () => 'en-tête SavvyCAN attendu : « Time Stamp,ID,Extended,Dir,Bus,LEN,D1,… »',
    ),
    'csv.too-many-fields': text<{ max: number }>(
      (p) => `more than ${p.max} fields`,
      (p) => `plus de ${p.max} champs`,
    ),
    'csv.few-fields': text<{ n: number; min: number }>(
      (p) => `truncated line: ${p.n} fields, expected at least ${p.min}`,
      (p) => `ligne tronquée : ${p.n} champs, au moins ${p.min} attendus`,
    ),
    'csv.bad-time': text<{ text: string }>(
      (p) => `bad time stamp '${p.text}' (microseconds expected)`,
      (p) => `horodatage invalide « ${p.text} » (microsecondes attendues)`,
    ),
    'csv.bad-extended': text<{ text: string }>(
      (p) => `Extended must be true or false, found '${p.text}'`,
      (p) => `Extended doit valoir true ou false, trouvé « ${p.text} »`,
    ),
    'csv.bad-length': text<{ text: string }>(
      (p) => `bad length '${p.text}' (0–8)`,
      (p) => `longueur invalide « ${p.text} » (0 à 8)`,
    ),
    'csv.more-bytes': text<{ len: number }>(
      (p) => `more data bytes than LEN ${p.len}`,
      (p) => `plus d'octets de données que LEN ${p.len}`,
    ),
    'csv.bad-bus': text<{ text: string }>(
      (p) => `bad bus '${p.text}'`,
      (p) => `bus invalide « ${p.text} »`,
    ),
    'csv.bad-dir': text<{ text: string }>(
      (p) => `Dir must be Rx or Tx, found '${p.text}'`,
      (p) => `Dir doit valoir Rx ou Tx, trouvé « ${p.text} »`,
    ),

    // ── PEAK TRC ─────────────────────────────────────────────────────────────────────────────────
    'trc.too-many-columns': text<{ max: number }>(
      (p) => `more than ${p.max} columns`,
      (p) => `plus de ${p.max} colonnes`,
    ),
    'trc.version': text<{ version: string }>(
      (p) => `unsupported TRC version ${p.version} (1.1, 1.3, 2.0, 2.1 are read)`,
      (p) => `version TRC non prise en charge : ${p.version} (sont lues : 1.1, 1.3, 2.0, 2.1)`,
    ),
    'trc.bad-start-time': text<{ text: string }>(
      (p) => `bad $STARTTIME '${p.text}'`,
      (p) => `$STARTTIME invalide « ${p.text} »`,
    ),
    'trc.lacks-column': text<{ column: string }>(
      (p) => `$COLUMNS lacks column ${p.column}`,
      (p) => `il manque la colonne ${p.column} dans $COLUMNS`,
    ),
    'trc.bad-time-offset': text<{ text: string }>(
      (p) => `bad time offset '${p.text}'`,
      (p) => `décalage de temps invalide « ${p.text} »`,
    ),
    'trc.expected-number-paren': text<{ text: string }>(
      (p) => `expected a message number 'N)', found '${p.text}'`,
      (p) => `numéro de message « N) » attendu, trouvé « ${p.text} »`,
    ),
    'trc.expected-number': text<{ text: string }>(
      (p) => `expected a message number, found '${p.text}'`,
      (p) => `numéro de message attendu, trouvé « ${p.text} »`,
    ),
    'trc.expected-bus': text(
      () => 'expected a bus number',
      () => 'numéro de bus attendu',
    ),
    'trc.expected-type-v1': text<{ text: string }>(
      (p) => `expected Rx, Tx, Warng or Error, found '${p.text}'`,
      (p) => `Rx, Tx, Warng ou Error attendu, trouvé « ${p.text} »`,
    ),
    'trc.more-data': text<{ dlc: number }>(
      (p) => `more data than DLC ${p.dlc} announces`,
      (p) => `plus de données que n'en annonce le DLC ${p.dlc}`,
    ),
    'trc.no-length-column': text(
      () => '$COLUMNS names neither L nor l',
      () => '$COLUMNS ne nomme ni L ni l',
    ),
    'trc.unknown-type': text<{ text: string }>(
      (p) => `unknown message type '${p.text}'`,
      (p) => `type de message inconnu « ${p.text} »`,
    ),

    // ── CANHacker trace ──────────────────────────────────────────────────────────────────────────
    'canhacker.expected-time': text<{ text: string }>(
      (p) => `expected a time in seconds (11.201 or 11,201), found '${p.text}'`,
      (p) => `temps en secondes attendu (11.201 ou 11,201), trouvé « ${p.text} »`,
    ),
    'canhacker.bad-data-byte': text<{ text: string; dlc: number }>(
      (p) => `bad data byte '${p.text}' (DLC ${p.dlc} announces ${p.dlc} data bytes)`,
      (p) => `octet de données invalide « ${p.text} » (le DLC ${p.dlc} annonce ${p.dlc} octets de données)`,
    ),

    // ── candump screen output ────────────────────────────────────────────────────────────────────
    'screen.expected-line': text(
      () => "expected candump screen output '<interface> <id> [<length>] <bytes>'",
      () => 'sortie écran de candump attendue : « <interface> <id> [<longueur>] <octets> »',
    ),
    'screen.remote-dlc': text<{ dlc: number }>(
      (p) => `remote DLC ${p.dlc} over 8`,
      (p) => `DLC de trame de requête (RTR) ${p.dlc} : plus de 8`,
    ),

    // ── candump -l ───────────────────────────────────────────────────────────────────────────────
    'candump.expected-timestamp': text<{ found: ReasonParam }>(
      (p, say) => `expected a timestamp, found ${say(p.found)}`,
      (p, say) => `horodatage attendu, trouvé ${say(p.found)}`,
    ),
    'candump.timestamp-digits': text<{ digits: number }>(
      (p) => `timestamp of ${p.digits} digits`,
      (p) => `horodatage de ${p.digits} chiffres`,
    ),
    'candump.timestamp-decimals': text<{ digits: number }>(
      (p) => `timestamp with ${p.digits} decimals`,
      (p) => `horodatage à ${p.digits} décimales`,
    ),
    'candump.expected-paren': text<{ found: ReasonParam }>(
      (p, say) => `expected '(' and a timestamp, found ${say(p.found)}`,
      (p, say) => `« ( » et un horodatage attendus, trouvé ${say(p.found)}`,
    ),
    'candump.expected-close-paren': text<{ found: ReasonParam }>(
      (p, say) => `expected ')' after the timestamp, found ${say(p.found)}`,
      (p, say) => `« ) » attendu après l'horodatage, trouvé ${say(p.found)}`,
    ),
    'candump.expected-space': text<{ found: ReasonParam }>(
      (p, say) => `expected a space before the interface, found ${say(p.found)}`,
      (p, say) => `espace attendu avant l'interface, trouvé ${say(p.found)}`,
    ),
    'candump.missing-interface': text(
      () => 'missing interface name',
      () => "nom d'interface manquant",
    ),
    'candump.missing-frame': text(
      () => 'truncated line: missing <id>#<data> after the interface',
      () => "ligne tronquée : il manque <id>#<données> après l'interface",
    ),
    'candump.missing-hash': text(
      () => "truncated line: missing '#' after the id",
      () => "ligne tronquée : il manque « # » après l'identifiant",
    ),
    'candump.unexpected-in-id': text<{ found: ReasonParam }>(
      (p, say) => `unexpected ${say(p.found)} in the id`,
      (p, say) => `${say(p.found)} inattendu dans l'identifiant`,
    ),
    'candump.id-digits': text<{ digits: number }>(
      (p) => `an id has 3 (11-bit) or 8 (29-bit) hex digits, found ${p.digits}`,
      (p) => `un identifiant a 3 (11 bits) ou 8 (29 bits) chiffres hexadécimaux, trouvé ${p.digits}`,
    ),
    'candump.expected-fd-flags': text<{ found: ReasonParam }>(
      (p, say) => `expected the CAN FD flags digit after '##', found ${say(p.found)}`,
      (p, say) => `chiffre des drapeaux CAN FD attendu après « ## », trouvé ${say(p.found)}`,
    ),
    'candump.remote-dlc': text<{ found: ReasonParam }>(
      (p, say) => `remote frame DLC must be a digit 0–8, found ${say(p.found)}`,
      (p, say) => `le DLC d'une trame de requête (RTR) doit être un chiffre de 0 à 8, trouvé ${say(p.found)}`,
    ),
    'candump.odd-digits': text<{ digits: number }>(
      (p) => `odd number of hex digits (${p.digits}) in the data`,
      (p) => `nombre impair de chiffres hexadécimaux (${p.digits}) dans les données`,
    ),
    'candump.fd-payload': text<{ n: number }>(
      (p) => `CAN FD payload of ${p.n} bytes is not a valid FD length`,
      (p) => `données CAN FD de ${p.n} octets : longueur impossible en CAN FD`,
    ),
    'candump.classic-payload': text<{ n: number }>(
      (p) => `payload of ${p.n} bytes exceeds 8 for classic CAN`,
      (p) => `données de ${p.n} octets : plus de 8 en CAN classique`,
    ),
    'candump.dlc-suffix': text(
      () => 'a DLC suffix _9.._F follows exactly 8 classic data bytes',
      () => 'un suffixe de DLC _9.._F suit exactement 8 octets de données CAN classique',
    ),
    'candump.expected-direction': text<{ found: ReasonParam }>(
      (p, say) => `expected direction R or T after the data, found ${say(p.found)}`,
      (p, say) => `sens R ou T attendu après les données, trouvé ${say(p.found)}`,
    ),
    'candump.unexpected-after-direction': text<{ found: ReasonParam }>(
      (p, say) => `unexpected ${say(p.found)} after the direction`,
      (p, say) => `${say(p.found)} inattendu après le sens`,
    ),

    // ── BLF ──────────────────────────────────────────────────────────────────────────────────────
    'blf.not-blf': text<{ found: ReasonParam }>(
      (p, say) => `not a BLF file: expected the signature 'LOGG', found ${say(p.found)}`,
      (p, say) => `ce n'est pas un fichier BLF : signature « LOGG » attendue, trouvé ${say(p.found)}`,
    ),
    'blf.header-truncated': text<{ needs: number }>(
      (p) => `truncated file: the BLF file header needs ${p.needs} bytes`,
      (p) => `fichier tronqué : l'en-tête de fichier BLF demande ${p.needs} octets`,
    ),
    'blf.bad-header-size': text<{ size: number }>(
      (p) => `bad file header size ${p.size}`,
      (p) => `taille d'en-tête de fichier invalide : ${p.size}`,
    ),
    'blf.last-object-cut': text<{ bytes: number }>(
      (p) => `truncated file: the last object is cut short (${p.bytes} bytes)`,
      (p) => `fichier tronqué : le dernier objet est coupé (${p.bytes} octets)`,
    ),
    'blf.bytes-after-last': text<{ bytes: number }>(
      (p) => `truncated file: ${p.bytes} bytes after the last object`,
      (p) => `fichier tronqué : ${p.bytes} octets après le dernier objet`,
    ),
    'blf.expected-lobj': text<{ found: ReasonParam }>(
      (p, say) => `expected an object ('LOBJ'), found ${say(p.found)}`,
      (p, say) => `objet attendu (« LOBJ »), trouvé ${say(p.found)}`,
    ),
    'blf.bad-object': text<{ size: number; headerSize: number }>(
      (p) => `bad object: size ${p.size}, header size ${p.headerSize}`,
      (p) => `objet invalide : taille ${p.size}, taille d'en-tête ${p.headerSize}`,
    ),
    'blf.object-past-end': text<{ size: number; left: number }>(
      (p) => `truncated file: object of ${p.size} bytes goes past the end of the file (${p.left} bytes left)`,
      (p) =>
        `fichier tronqué : l'objet de ${p.size} octets dépasse la fin du fichier (il reste ${p.left} octets)`,
    ),
    'blf.container-no-header': text<{ size: number }>(
      (p) => `log container of ${p.size} bytes has no room for its header`,
      (p) => `conteneur de ${p.size} octets : trop petit pour son en-tête`,
    ),
    'blf.container-method': text<{ method: number }>(
      (p) => `log container with unknown compression method ${p.method}: skipped`,
      (p) => `conteneur compressé par une méthode inconnue (${p.method}) : sauté`,
    ),
    'blf.container-claims': text<{ expected: number; stored: number; limit: number }>(
      (p) =>
        `log container claims ${p.expected} uncompressed bytes from ${p.stored}: corrupt or beyond the reader's ${p.limit} MiB limit`,
      (p) =>
        `le conteneur annonce ${p.expected} octets décompressés pour ${p.stored} octets stockés : corrompu, ou au-delà de la limite de ${p.limit} Mio du lecteur`,
    ),
    'blf.container-zlib': text<{ detail: ReasonParam }>(
      (p, say) => `corrupt log container (zlib: ${say(p.detail)})`,
      (p, say) => `conteneur corrompu (zlib : ${say(p.detail)})`,
    ),
    'blf.container-inflates': text<{ length: number; expected: number; more: number }>(
      (p) =>
        `log container inflates to ${p.more ? 'more than ' : ''}${p.length} bytes, its header says ${p.expected}`,
      (p) =>
        `le conteneur se décompresse en ${p.more ? 'plus de ' : ''}${p.length} octets, son en-tête en annonce ${p.expected}`,
    ),
    'blf.container-stream': text<{ at: number }>(
      (p) => `corrupt object stream in the container at this offset: no 'LOBJ' at byte ${p.at} of its data`,
      (p) =>
        `suite d'objets corrompue dans le conteneur à ce décalage : pas de « LOBJ » à l'octet ${p.at} de ses données`,
    ),
    'blf.object-too-small': text<{ size: number; at: number }>(
      (p) => `object of ${p.size} bytes at byte ${p.at} of the container's data`,
      (p) => `objet de ${p.size} octets (moins que son en-tête) à l'octet ${p.at} des données du conteneur`,
    ),
    'blf.object-short': text<{ object: string }>(
      (p) => `${p.object} shorter than its fields`,
      (p) => `objet ${p.object} plus court que ses champs`,
    ),
    'blf.data-announced': text<{ announced: number; holds: number }>(
      (p) => `${p.announced} data bytes announced, the object holds ${p.holds}`,
      (p) => `${p.announced} octets de données annoncés, l'objet en contient ${p.holds}`,
    ),
    'blf.in-container': text<{ inner: ReasonParam; start: number }>(
      (p, say) => `${say(p.inner)} (object at byte ${p.start} of this container's data)`,
      (p, say) => `${say(p.inner)} (objet à l'octet ${p.start} des données de ce conteneur)`,
    ),

    // ── pcap and pcapng (Wireshark, tcpdump) ───────────────────────────────────────────────────
    'pcap.not-pcap': text<{ found: ReasonParam }>(
      (p, say) =>
        `not a pcap or pcapng file: expected a pcap magic number or a pcapng section header block, found ${say(p.found)}`,
      (p, say) =>
        `ce n'est pas un fichier pcap ni pcapng : nombre magique pcap ou bloc d'en-tête de section pcapng attendu, trouvé ${say(p.found)}`,
    ),
    'pcap.header-truncated': text<{ needs: number }>(
      (p) => `truncated file: the pcap file header needs ${p.needs} bytes`,
      (p) => `fichier tronqué : l'en-tête de fichier pcap demande ${p.needs} octets`,
    ),
    'pcap.bad-version': text<{ major: number; minor: number }>(
      (p) => `unsupported pcap version ${p.major}.${p.minor} (expected 2.x)`,
      (p) => `version de pcap non prise en charge : ${p.major}.${p.minor} (2.x attendue)`,
    ),
    'pcap.link-type': text<{ linktype: number }>(
      (p) =>
        `link type ${p.linktype} carries no CAN frames (expected 227 CAN_SOCKETCAN, 113 LINUX_SLL or 276 LINUX_SLL2)`,
      (p) =>
        `le type de liaison ${p.linktype} ne transporte pas de trames CAN (attendu : 227 CAN_SOCKETCAN, 113 LINUX_SLL ou 276 LINUX_SLL2)`,
    ),
    'pcap.packet-past-end': text<{ length: number; left: number }>(
      (p) =>
        `truncated file: packet of ${p.length} bytes goes past the end of the file (${p.left} bytes left)`,
      (p) =>
        `fichier tronqué : le paquet de ${p.length} octets dépasse la fin du fichier (il reste ${p.left} octets)`,
    ),
    'pcap.packet-too-long': text<{ length: number; max: number }>(
      (p) => `packet of ${p.length} bytes: more than the ${p.max} bytes a capture holds`,
      (p) => `paquet de ${p.length} octets : plus que les ${p.max} octets qu'une capture contient`,
    ),
    'pcap.bytes-after-last': text<{ bytes: number }>(
      (p) => `truncated file: ${p.bytes} bytes after the last packet, too few for a packet header`,
      (p) =>
        `fichier tronqué : ${p.bytes} octets après le dernier paquet, trop peu pour un en-tête de paquet`,
    ),
    'pcapng.block-past-end': text<{ type: string; length: number; left: number }>(
      (p) =>
        `truncated file: block 0x${p.type} of ${p.length} bytes goes past the end of the file (${p.left} bytes left)`,
      (p) =>
        `fichier tronqué : le bloc 0x${p.type} de ${p.length} octets dépasse la fin du fichier (il reste ${p.left} octets)`,
    ),
    'pcapng.bad-block-length': text<{ type: string; length: number }>(
      (p) => `block 0x${p.type} with a length of ${p.length} bytes (a multiple of 4, at least 12, expected)`,
      (p) => `bloc 0x${p.type} d'une longueur de ${p.length} octets (multiple de 4 d'au moins 12 attendu)`,
    ),
    'pcapng.length-mismatch': text<{ first: number; last: number }>(
      (p) => `block length ${p.first} at its start but ${p.last} at its end`,
      (p) => `longueur de bloc ${p.first} à son début mais ${p.last} à sa fin`,
    ),
    'pcapng.byte-order': text<{ found: ReasonParam }>(
      (p, say) => `section header block without the byte-order magic 1a2b3c4d: found ${say(p.found)}`,
      (p, say) =>
        `bloc d'en-tête de section sans le nombre magique d'ordre des octets 1a2b3c4d : trouvé ${say(p.found)}`,
    ),
    'pcapng.bad-version': text<{ major: number; minor: number }>(
      (p) => `unsupported pcapng version ${p.major}.${p.minor} (expected 1.x)`,
      (p) => `version de pcapng non prise en charge : ${p.major}.${p.minor} (1.x attendue)`,
    ),
    'pcapng.block-short': text<{ block: string }>(
      (p) => `${p.block} shorter than its fields`,
      (p) => `bloc ${p.block} plus court que ses champs`,
    ),
    'pcapng.unknown-interface': text<{ id: number; count: number }>(
      (p) => `packet on interface ${p.id}, but the section describes ${p.count} interfaces`,
      (p) => `paquet sur l'interface ${p.id}, mais la section ne décrit que ${p.count} interfaces`,
    ),
    'pcapng.bad-option': text<{ code: number; length: number }>(
      (p) => `option ${p.code} of ${p.length} bytes runs past the end of its block`,
      (p) => `l'option ${p.code} de ${p.length} octets dépasse la fin de son bloc`,
    ),
    'pcap.cooked-short': text<{ needs: number; length: number }>(
      (p) => `cooked capture header needs ${p.needs} bytes, the packet has ${p.length}`,
      (p) => `l'en-tête de capture « cooked » demande ${p.needs} octets, le paquet n'en a que ${p.length}`,
    ),
    'pcap.can-short': text<{ length: number }>(
      (p) => `SocketCAN frame of ${p.length} bytes: shorter than its 8-byte header`,
      (p) => `trame SocketCAN de ${p.length} octets : plus courte que son en-tête de 8 octets`,
    ),
    'pcap.data-cut': text<{ announced: number; holds: number }>(
      (p) => `${p.announced} data bytes announced, the packet holds ${p.holds}`,
      (p) => `${p.announced} octets de données annoncés, le paquet en contient ${p.holds}`,
    ),
    'pcap.in-packet': text<{ inner: ReasonParam; packet: number }>(
      (p, say) => `${say(p.inner)} (packet ${p.packet})`,
      (p, say) => `${say(p.inner)} (paquet n° ${p.packet})`,
    ),

    // ── MF4 ──────────────────────────────────────────────────────────────────────────────────────
    'mf4.not-mf4': text<{ found: ReasonParam }>(
      (p, say) => `not an MF4 file: expected 'MDF     ' or 'UnFinMF ', found ${say(p.found)}`,
      (p, say) => `ce n'est pas un fichier MF4 : « MDF     » ou « UnFinMF » attendu, trouvé ${say(p.found)}`,
    ),
    'mf4.id-block-truncated': text(
      () => 'truncated file: the identification block needs 64 bytes',
      () => "fichier tronqué : le bloc d'identification demande 64 octets",
    ),
    'mf4.version': text<{ version: number }>(
      (p) => `MDF version ${p.version}: only MDF 4.x (MF4) is read, MDF 3 files are not`,
      (p) => `MDF version ${p.version} : seuls les MDF 4.x (MF4) sont lus, pas les fichiers MDF 3`,
    ),
    'mf4.header-of': text<{ what: ReasonParam }>(
      (p, say) => `the header of ${say(p.what)}`,
      (p, say) => `l'en-tête du bloc (${say(p.what)})`,
    ),
    'mf4.expected-hash': text<{ what: ReasonParam; found: ReasonParam; from: number }>(
      (p, say) => `expected ${say(p.what)} block ('##'), found ${say(p.found)} (link at byte ${p.from})`,
      (p, say) =>
        `bloc attendu (${say(p.what)}, commençant par « ## »), trouvé ${say(p.found)} (lien à l'octet ${p.from})`,
    ),
    'mf4.expected-block': text<{ what: ReasonParam; ids: string; found: string }>(
      (p, say) => `expected ${say(p.what)} (${p.ids.split('|').join(' or ')}), found ${p.found}`,
      (p, say) => `attendu : ${say(p.what)} (${p.ids.split('|').join(' ou ')}), trouvé ${p.found}`,
    ),
    'mf4.links-dont-fit': text<{ id: string; length: number; links: number }>(
      (p) => `${p.id} block of ${p.length} bytes cannot hold its ${p.links} links`,
      (p) => `le bloc ${p.id} de ${p.length} octets ne peut pas contenir ses ${p.links} liens`,
    ),
    'mf4.block-claims': text<{ id: string; length: number }>(
      (p) => `${p.id} block claims ${p.length} bytes: corrupt`,
      (p) => `le bloc ${p.id} annonce ${p.length} octets : corrompu`,
    ),
    'mf4.block-past-end': text<{ id: string; length: number; left: number }>(
      (p) => `truncated file: ${p.id} block of ${p.length} bytes goes past the end (${p.left} bytes left)`,
      (p) =>
        `fichier tronqué : le bloc ${p.id} de ${p.length} octets dépasse la fin (il reste ${p.left} octets)`,
    ),
    'mf4.block-named': text<{ id: string }>(
      (p) => `${p.id} block`,
      (p) => `le bloc ${p.id}`,
    ),
    'mf4.link-outside': text<{ what: ReasonParam; at: number; size: number }>(
      (p, say) => `link to ${say(p.what)} points to byte ${p.at}, outside the file (${p.size} bytes)`,
      (p, say) =>
        `le lien vers ${say(p.what)} pointe sur l'octet ${p.at}, hors du fichier (${p.size} octets)`,
    ),
    'mf4.block-too-short': text<{ id: string }>(
      (p) => `${p.id} block too short`,
      (p) => `bloc ${p.id} trop court`,
    ),
    'mf4.record-id-size': text<{ size: number }>(
      (p) => `bad record id size ${p.size}`,
      (p) => `taille d'identifiant d'enregistrement invalide : ${p.size}`,
    ),
    'mf4.cc-too-short': text<{ count: number }>(
      (p) => `CC block too short for its ${p.count} values`,
      (p) => `bloc CC trop court pour ses ${p.count} valeurs`,
    ),
    'mf4.ld-unsupported': text(
      () => 'LD data lists (MDF 4.2) are not read',
      () => 'les listes de données LD (MDF 4.2) ne sont pas lues',
    ),
    'mf4.data-list-loop': text<{ at: number }>(
      (p) => `data list at byte ${p.at} links back to itself`,
      (p) => `la liste de données à l'octet ${p.at} renvoie sur elle-même`,
    ),
    'mf4.expected-data-block': text<{ found: string }>(
      (p) => `expected a data block (DT, SD, DZ), found ${p.found}`,
      (p) => `bloc de données attendu (DT, SD, DZ), trouvé ${p.found}`,
    ),
    'mf4.dz-compression': text<{ method: number }>(
      (p) => `unknown DZ compression ${p.method}`,
      (p) => `compression DZ inconnue : ${p.method}`,
    ),
    'mf4.dz-past-end': text<{ stored: number; left: number }>(
      (p) => `truncated file: DZ block of ${p.stored} bytes goes past the end (${p.left} left)`,
      (p) => `fichier tronqué : le bloc DZ de ${p.stored} octets dépasse la fin (il en reste ${p.left})`,
    ),
    'mf4.dz-claims': text<{ original: number; stored: number; limit: number }>(
      (p) =>
        `DZ block claims ${p.original} bytes from ${p.stored}: corrupt, or beyond the reader's ${p.limit} MiB limit`,
      (p) =>
        `le bloc DZ annonce ${p.original} octets pour ${p.stored} octets stockés : corrompu, ou au-delà de la limite de ${p.limit} Mio du lecteur`,
    ),
    'mf4.block-under-header': text<{ id: string; length: number }>(
      (p) => `${p.id} block of ${p.length} bytes is shorter than its header`,
      (p) => `le bloc ${p.id} de ${p.length} octets est plus court que son en-tête`,
    ),
    'mf4.block-data': text<{ at: number }>(
      (p) => `data of the block at byte ${p.at}`,
      (p) => `les données du bloc de l'octet ${p.at}`,
    ),
    'mf4.dz-block': text<{ at: number }>(
      (p) => `DZ block at byte ${p.at}`,
      (p) => `le bloc DZ de l'octet ${p.at}`,
    ),
    'mf4.dz-zlib': text<{ detail: ReasonParam }>(
      (p, say) => `corrupt DZ block (zlib: ${say(p.detail)})`,
      (p, say) => `bloc DZ corrompu (zlib : ${say(p.detail)})`,
    ),
    'mf4.dz-inflates': text<{ length: number; expected: number; more: number }>(
      (p) =>
        `DZ block inflates to ${p.more ? 'more than ' : ''}${p.length} bytes, its header says ${p.expected}`,
      (p) =>
        `le bloc DZ se décompresse en ${p.more ? 'plus de ' : ''}${p.length} octets, son en-tête en annonce ${p.expected}`,
    ),
    'mf4.sd-value-corrupt': text<{ n: number; offset: number }>(
      (p) => `signal data value of ${p.n} bytes at offset ${p.offset}: corrupt`,
      (p) => `valeur de ${p.n} octets au décalage ${p.offset} des données de signal : corrompue`,
    ),
    'mf4.sd-offset-past-end': text<{ offset: number }>(
      (p) => `signal data offset ${p.offset} is past the end of the signal data`,
      (p) => `le décalage ${p.offset} dépasse la fin des données de signal`,
    ),
    'mf4.vlsd-never': text(
      () => 'VLSD values never arrive for the records pointing at them',
      () => "les valeurs VLSD n'arrivent jamais pour les enregistrements qui les désignent",
    ),
    'mf4.dg-loop': text<{ at: number }>(
      (p) => `data group list loops back to byte ${p.at}`,
      (p) => `la liste des groupes de données reboucle sur l'octet ${p.at}`,
    ),
    'mf4.cg-loop': text<{ at: number }>(
      (p) => `channel group list loops back to byte ${p.at}`,
      (p) => `la liste des groupes de canaux reboucle sur l'octet ${p.at}`,
    ),
    'mf4.cn-loop': text<{ at: number }>(
      (p) => `channel list loops back to byte ${p.at}`,
      (p) => `la liste des canaux reboucle sur l'octet ${p.at}`,
    ),
    'mf4.no-readable-can-group': text<{ problems: ReasonParam }>(
      (p, say) => `no CAN channel group can be read: ${say(p.problems)}`,
      (p, say) => `aucun groupe de canaux CAN lisible : ${say(p.problems)}`,
    ),
    'mf4.no-can-group': text(
      () =>
        'no CAN bus-logging channel group (CAN_DataFrame, CAN_RemoteFrame, CAN_ErrorFrame) in this MF4 file',
      () =>
        "aucun groupe de canaux d'enregistrement de bus CAN (CAN_DataFrame, CAN_RemoteFrame, CAN_ErrorFrame) dans ce fichier MF4",
    ),
    'mf4.cg-skipped': text<{ inner: ReasonParam }>(
      (p, say) => `channel group skipped: ${say(p.inner)}`,
      (p, say) => `groupe de canaux sauté : ${say(p.inner)}`,
    ),
    'mf4.cg-zero-records': text(
      () => 'channel group with records of 0 bytes',
      () => 'groupe de canaux aux enregistrements de 0 octet',
    ),
    'mf4.dg-without-ids': text<{ count: number }>(
      (p) => `data group without record ids holds ${p.count} channel groups`,
      (p) => `groupe de données sans identifiants d'enregistrement contenant ${p.count} groupes de canaux`,
    ),
    'mf4.unknown-record-id': text<{ rid: number }>(
      (p) => `unknown record id ${p.rid}: the rest of the data group cannot be read`,
      (p) => `identifiant d'enregistrement inconnu ${p.rid} : la suite du groupe de données est illisible`,
    ),
    'mf4.vlsd-record-corrupt': text<{ n: number }>(
      (p) => `VLSD record of ${p.n} bytes: corrupt`,
      (p) => `enregistrement VLSD de ${p.n} octets : corrompu`,
    ),
    'mf4.vlsd-past-data': text(
      () => 'VLSD record goes past the data',
      () => "l'enregistrement VLSD dépasse la fin des données",
    ),
    'mf4.bad-record-time': text<{ time: number }>(
      (p) => `record time ${p.time} µs is not a time`,
      (p) => `temps d'enregistrement ${p.time} µs : ce n'est pas un temps`,
    ),
    'mf4.partial-record': text<{ rest: number }>(
      (p) => `${p.rest} bytes at the end of the data group's data do not make a whole record`,
      (p) => `${p.rest} octets à la fin des données du groupe ne forment pas un enregistrement entier`,
    ),
    'mf4.logger-stopped': text<{ inner: ReasonParam }>(
      (p, say) => `${say(p.inner)} (the logger stopped mid-record)`,
      (p, say) => `${say(p.inner)} (l'enregistreur s'est arrêté au milieu d'un enregistrement)`,
    ),
    'mf4.in-dz': text<{ inner: ReasonParam }>(
      (p, say) => `${say(p.inner)} (in the inflated data of this DZ block)`,
      (p, say) => `${say(p.inner)} (dans les données décompressées de ce bloc DZ)`,
    ),
    'mf4.vlsd-missing': text(
      () => 'the record points at VLSD data that is not in the file',
      () => "l'enregistrement désigne des données VLSD absentes du fichier",
    ),
    'mf4.in-channel-group': text<{ at: number; inner: ReasonParam }>(
      (p, say) => `channel group at byte ${p.at}: ${say(p.inner)}`,
      (p, say) => `groupe de canaux à l'octet ${p.at} : ${say(p.inner)}`,
    ),
    'mf4.in-channel': text<{ at: number; inner: ReasonParam }>(
      (p, say) => `channel at byte ${p.at}: ${say(p.inner)}`,
      (p, say) => `canal à l'octet ${p.at} : ${say(p.inner)}`,
    ),
    'mf4.no-time-channel': text<{ kind: FrameKind }>(
      (p) => `${p.kind} frames without a time channel`,
      (p) => `trames ${FRAME_KIND_FR[p.kind]} sans canal de temps`,
    ),
    'mf4.no-id-channel': text<{ kind: FrameKind }>(
      (p) => `${p.kind} frames without an ID channel`,
      (p) => `trames ${FRAME_KIND_FR[p.kind]} sans canal d'identifiant`,
    ),
    'mf4.not-bus-field': text<{ type: number }>(
      (p) => `channel type ${p.type} is not a bus field`,
      (p) => `le type de canal ${p.type} n'est pas un champ de bus`,
    ),
    'mf4.big-endian-unaligned': text(
      () => 'big-endian field not on byte boundaries',
      () => "champ gros-boutiste (big-endian) qui n'est pas aligné sur les octets",
    ),
    'mf4.float-bits': text<{ bits: number }>(
      (p) => `float of ${p.bits} bits`,
      (p) => `flottant de ${p.bits} bits`,
    ),
    'mf4.not-a-number': text<{ type: number }>(
      (p) => `data type ${p.type} is not a number`,
      (p) => `le type de données ${p.type} n'est pas un nombre`,
    ),
    'mf4.field-bits': text<{ bits: number }>(
      (p) => `${p.bits}-bit field`,
      (p) => `champ de ${p.bits} bits`,
    ),
    'mf4.field-past-record': text<{ bytes: number }>(
      (p) => `field goes past the ${p.bytes}-byte record`,
      (p) => `le champ dépasse l'enregistrement de ${p.bytes} octets`,
    ),
    'mf4.vlsd-without-sd': text(
      () => 'VLSD data bytes without signal data',
      () => 'octets de données VLSD sans données de signal',
    ),
    'mf4.data-bytes-unaligned': text(
      () => 'data bytes not a byte array on byte boundaries',
      () => "les octets de données ne sont pas un tableau d'octets aligné",
    ),
    'mf4.data-bytes-past-record': text<{ bytes: number }>(
      (p) => `data bytes go past the ${p.bytes}-byte record`,
      (p) => `les octets de données dépassent l'enregistrement de ${p.bytes} octets`,
    ),
    'mf4.id-invalid': text(
      () => 'the frame id is marked invalid',
      () => "l'identifiant de la trame est marqué invalide",
    ),
    'mf4.length-vs-stored': text<{ n: number; stored: number }>(
      (p) => `data length ${p.n} but ${p.stored} data bytes stored`,
      (p) => `longueur de données ${p.n} mais ${p.stored} octets de données stockés`,
    ),
    'mf4.length-vs-sd': text<{ n: number; stored: number }>(
      (p) => `data length ${p.n} but ${p.stored} bytes of signal data`,
      (p) => `longueur de données ${p.n} mais ${p.stored} octets de données de signal`,
    ),
    'mf4.length-no-data': text<{ length: number }>(
      (p) => `data length ${p.length} but no data bytes`,
      (p) => `longueur de données ${p.length} mais aucun octet de données`,
    ),

    // ── DBC ──────────────────────────────────────────────────────────────────────────────────────
    'dbc.expected': text<{ what: ReasonParam; found: ReasonParam }>(
      (p, say) => `expected ${say(p.what)}, found ${say(p.found)}`,
      (p, say) => `attendu : ${say(p.what)}, trouvé ${say(p.found)}`,
    ),
    'dbc.expected-number': text<{ what: ReasonParam; found: ReasonParam }>(
      (p, say) => `expected ${say(p.what)} (a number), found ${say(p.found)}`,
      (p, say) => `attendu : ${say(p.what)} (un nombre), trouvé ${say(p.found)}`,
    ),
    'dbc.expected-uint': text<{ what: ReasonParam; found: ReasonParam }>(
      (p, say) => `expected ${say(p.what)} (an unsigned integer), found ${say(p.found)}`,
      (p, say) => `attendu : ${say(p.what)} (un entier positif), trouvé ${say(p.found)}`,
    ),
    'dbc.expected-string': text<{ what: ReasonParam; found: ReasonParam }>(
      (p, say) => `expected ${say(p.what)} (a quoted string), found ${say(p.found)}`,
      (p, say) => `attendu : ${say(p.what)} (une chaîne entre guillemets), trouvé ${say(p.found)}`,
    ),
    'dbc.expected-char': text<{ ch: string; what: ReasonParam; found: ReasonParam }>(
      (p, say) => `expected '${p.ch}'${p.what ? ` ${say(p.what)}` : ''}, found ${say(p.found)}`,
      (p, say) => `« ${p.ch} » attendu${p.what ? ` ${say(p.what)}` : ''}, trouvé ${say(p.found)}`,
    ),
    'dbc.expected-semicolon': text<{ keyword: string; found: ReasonParam }>(
      (p, say) => `expected ';' at the end of ${p.keyword}, found ${say(p.found)}`,
      (p, say) => `« ; » attendu à la fin de ${p.keyword}, trouvé ${say(p.found)}`,
    ),
    'dbc.expected-keyword': text<{ found: ReasonParam }>(
      (p, say) => `expected a keyword, found ${say(p.found)}`,
      (p, say) => `mot-clé attendu, trouvé ${say(p.found)}`,
    ),
    'dbc.unterminated-string': text<{ what: ReasonParam }>(
      (p, say) => `unterminated string (${say(p.what)})`,
      (p, say) => `chaîne sans guillemet fermant (${say(p.what)})`,
    ),
    'dbc.unclosed-statement': text<{ keyword: string }>(
      (p) => `${p.keyword} statement without a closing ';'`,
      (p) => `instruction ${p.keyword} sans « ; » final`,
    ),
    'dbc.bad-node-name': text<{ name: string }>(
      (p) => `bad node name '${p.name}'`,
      (p) => `nom de nœud invalide « ${p.name} »`,
    ),
    'dbc.after-sender': text<{ found: ReasonParam }>(
      (p, say) => `unexpected ${say(p.found)} after the BO_ sender`,
      (p, say) => `${say(p.found)} inattendu après l'émetteur du BO_`,
    ),
    'dbc.id-over-32-bit': text<{ id: number }>(
      (p) => `message id ${p.id} does not fit 32 bits`,
      (p) => `l'identifiant de message ${p.id} ne tient pas sur 32 bits`,
    ),
    'dbc.message-too-long': text<{ length: number; max: number }>(
      (p) => `message length ${p.length} exceeds ${p.max} bytes`,
      (p) => `longueur de message ${p.length} : plus de ${p.max} octets`,
    ),
    'dbc.message-twice': text<{ id: number; first: number }>(
      (p) => `message id ${p.id} defined twice (first at line ${p.first})`,
      (p) => `identifiant de message ${p.id} défini deux fois (la première à la ligne ${p.first})`,
    ),
    'dbc.signal-outside-message': text(
      () => 'SG_ outside a BO_ message',
      () => "SG_ en dehors d'un message BO_",
    ),
    'dbc.byte-order': text<{ found: ReasonParam }>(
      (p, say) => `byte order must be 0 (Motorola) or 1 (Intel), found ${say(p.found)}`,
      (p, say) => `l'ordre des octets doit être 0 (Motorola) ou 1 (Intel), trouvé ${say(p.found)}`,
    ),
    'dbc.sign': text<{ found: ReasonParam }>(
      (p, say) => `value type must be + (unsigned) or - (signed), found ${say(p.found)}`,
      (p, say) => `le type de valeur doit être + (non signé) ou - (signé), trouvé ${say(p.found)}`,
    ),
    'dbc.signal-length': text<{ signal: string; length: number }>(
      (p) => `signal ${p.signal}: length ${p.length} outside 1–64 bits`,
      (p) => `signal ${p.signal} : longueur ${p.length} hors de 1 à 64 bits`,
    ),
    'dbc.factor-zero': text<{ signal: string }>(
      (p) => `signal ${p.signal}: factor 0`,
      (p) => `signal ${p.signal} : facteur nul`,
    ),
    'dbc.signal-past-end': text<{ signal: string; last: number }>(
      (p) => `signal ${p.signal}: bits run past byte ${p.last}`,
      (p) => `signal ${p.signal} : ses bits dépassent l'octet ${p.last}`,
    ),
    'dbc.signal-twice': text<{ signal: string; message: string }>(
      (p) => `signal ${p.signal} defined twice in message ${p.message}`,
      (p) => `signal ${p.signal} défini deux fois dans le message ${p.message}`,
    ),
    'dbc.mux-indicator': text<{ signal: string; found: string }>(
      (p) => `signal ${p.signal}: bad multiplexer indicator '${p.found}' (M, mN or mNM)`,
      (p) => `signal ${p.signal} : indicateur de multiplexeur invalide « ${p.found} » (M, mN ou mNM)`,
    ),
    'dbc.unknown-object': text<{ keyword: string; object: string }>(
      (p) => `${p.keyword} for unknown object type ${p.object}`,
      (p) => `${p.keyword} pour un type d'objet inconnu : ${p.object}`,
    ),
    'dbc.attribute-type': text<{ attribute: string; type: string }>(
      (p) => `attribute ${p.attribute}: unknown type ${p.type}`,
      (p) => `attribut ${p.attribute} : type inconnu ${p.type}`,
    ),
    'dbc.value-table-missing': text<{ table: string }>(
      (p) => `VAL_ uses value table ${p.table}, which is not defined`,
      (p) => `VAL_ utilise la table de valeurs ${p.table}, qui n'est pas définie`,
    ),
    'dbc.float-bits': text<{ signal: string; type: number; bits: number; length: number }>(
      (p) =>
        `signal ${p.signal}: SIG_VALTYPE_ ${p.type} (${p.type === 1 ? 'float' : 'double'}) needs ${p.bits} bits, the signal has ${p.length}`,
      (p) =>
        `signal ${p.signal} : SIG_VALTYPE_ ${p.type} (${p.type === 1 ? 'flottant simple' : 'flottant double'}) demande ${p.bits} bits, le signal en a ${p.length}`,
    ),
    'dbc.value-type': text<{ type: number }>(
      (p) => `SIG_VALTYPE_ ${p.type} is not 0, 1 (float) or 2 (double)`,
      (p) => `SIG_VALTYPE_ ${p.type} n'est ni 0, ni 1 (flottant simple), ni 2 (flottant double)`,
    ),
    'dbc.range-reversed': text<{ from: number; to: number }>(
      (p) => `multiplexer range ${p.from}-${p.to} is reversed`,
      (p) => `plage de multiplexeur ${p.from}-${p.to} à l'envers`,
    ),
    'dbc.not-a-multiplexer': text<{ signal: string; message: string }>(
      (p) => `SG_MUL_VAL_: ${p.signal} is not a multiplexer (M) signal in ${p.message}`,
      (p) => `SG_MUL_VAL_ : ${p.signal} n'est pas un signal multiplexeur (M) dans ${p.message}`,
    ),
    'dbc.two-multiplexers': text<{ signal: string; first: string; second: string }>(
      (p) => `signal ${p.signal} is multiplexed by both ${p.first} and ${p.second}`,
      (p) => `le signal ${p.signal} est multiplexé à la fois par ${p.first} et par ${p.second}`,
    ),
    'dbc.unknown-keyword': text<{ keyword: string }>(
      (p) => `unknown keyword ${p.keyword}`,
      (p) => `mot-clé inconnu : ${p.keyword}`,
    ),
    'dbc.no-multiplexer': text<{ signal: string; value: number; message: string }>(
      (p) =>
        `signal ${p.signal} is multiplexed (m${p.value}) but message ${p.message} has no multiplexer signal`,
      (p) =>
        `le signal ${p.signal} est multiplexé (m${p.value}) mais le message ${p.message} n'a pas de signal multiplexeur`,
    ),
    'dbc.several-multiplexers': text<{ signal: string; value: number; message: string }>(
      (p) =>
        `signal ${p.signal} (m${p.value}): message ${p.message} has several multiplexers and no SG_MUL_VAL_ says which`,
      (p) =>
        `signal ${p.signal} (m${p.value}) : le message ${p.message} a plusieurs multiplexeurs et aucun SG_MUL_VAL_ ne dit lequel`,
    ),
    'dbc.mux-itself': text<{ signal: string }>(
      (p) => `signal ${p.signal} multiplexes itself`,
      (p) => `le signal ${p.signal} se multiplexe lui-même`,
    ),
    'dbc.mux-loop': text<{ message: string; signal: string }>(
      (p) => `message ${p.message}: multiplexer chain through ${p.signal} loops`,
      (p) => `message ${p.message} : la chaîne de multiplexeurs boucle par ${p.signal}`,
    ),
    'dbc.mux-missing': text<{ signal: string; multiplexer: string; message: string }>(
      (p) => `signal ${p.signal} is multiplexed by ${p.multiplexer}, which ${p.message} does not have`,
      (p) => `le signal ${p.signal} est multiplexé par ${p.multiplexer}, que ${p.message} n'a pas`,
    ),

    // DBC warnings: statements understood but not applied as written.
    'dbc.warn-semicolon': text<{ keyword: string }>(
      (p) => `${p.keyword} statement without ';' at the end of the line`,
      (p) => `instruction ${p.keyword} sans « ; » en fin de ligne`,
    ),
    'dbc.warn-no-message': text<{ keyword: string; id: number }>(
      (p) => `${p.keyword} refers to message ${p.id}, which is not defined`,
      (p) => `${p.keyword} désigne le message ${p.id}, qui n'est pas défini`,
    ),
    'dbc.warn-no-signal': text<{ keyword: string; signal: string; message: string }>(
      (p) => `${p.keyword} refers to signal ${p.signal}, which message ${p.message} does not have`,
      (p) => `${p.keyword} désigne le signal ${p.signal}, que le message ${p.message} n'a pas`,
    ),
    'dbc.warn-29-bit': text<{ message: string; id: string }>(
      (p) => `message ${p.message}: id 0x${p.id} above 0x7FF without the bit-31 flag, taken as a 29-bit id`,
      (p) =>
        `message ${p.message} : identifiant 0x${p.id} au-delà de 0x7FF sans le drapeau du bit 31, pris comme identifiant 29 bits`,
    ),
    'dbc.warn-id-left-out': text<{ message: string; id: string }>(
      (p) => `message ${p.message}: id 0x${p.id} fits no CAN identifier; message left out`,
      (p) =>
        `message ${p.message} : l'identifiant 0x${p.id} ne tient dans aucun identifiant CAN ; message ignoré`,
    ),
    'dbc.warn-beyond-message': text<{ signal: string; byte: number; length: number; message: string }>(
      (p) => `signal ${p.signal} ends in byte ${p.byte}, beyond the ${p.length}-byte message ${p.message}`,
      (p) =>
        `le signal ${p.signal} finit à l'octet ${p.byte}, au-delà du message ${p.message} de ${p.length} octets`,
    ),
    'dbc.warn-mux-case': text<{ signal: string }>(
      (p) => `signal ${p.signal}: multiplexer indicator 'm' taken as 'M'`,
      (p) => `signal ${p.signal} : indicateur de multiplexeur « m » pris comme « M »`,
    ),
    'dbc.warn-no-node': text<{ keyword: string; node: string }>(
      (p) => `${p.keyword} refers to node ${p.node}, which is not defined`,
      (p) => `${p.keyword} désigne le nœud ${p.node}, qui n'est pas défini`,
    ),
    'dbc.warn-bad-comment': text<{ inner: ReasonParam }>(
      (p, say) => `CM_ statement skipped: ${say(p.inner)}`,
      (p, say) => `instruction CM_ ignorée : ${say(p.inner)}`,
    ),
    'dbc.warn-no-attribute': text<{ keyword: string; attribute: string }>(
      (p) => `${p.keyword} for undefined attribute ${p.attribute}`,
      (p) => `${p.keyword} pour l'attribut non défini ${p.attribute}`,
    ),
  };
}

export type ReasonTexts = ReturnType<typeof catalogue>;
let built: ReasonTexts | undefined;
/** The one catalogue of reasons (see above). */
export const reasonTexts = (): ReasonTexts => {
  built ??= catalogue();
  return built;
};

/** MF4 bus-logging channel groups hold one kind of frame each. */
type FrameKind = 'data' | 'remote' | 'error';
const FRAME_KIND_FR: Record<FrameKind, string> = {
  data: 'de données',
  remote: 'de requête (RTR)',
  error: "d'erreur",
};

/**
 * The parts of a file reasons name, keyed by the English words the parsers pass (with their
 * article, as the English sentences use them), in French with the article French needs.
 */
export const TERMS = {
  padding: 'le bourrage',
  'an object header': "un en-tête d'objet",
  'an object': 'un objet',
  'a log container': 'un conteneur',
  'the header block': "le bloc d'en-tête (HD)",
  'a data group': 'un groupe de données (DG)',
  'a channel group': 'un groupe de canaux (CG)',
  'a channel': 'un canal (CN)',
  'a conversion': 'une conversion (CC)',
  'a source': 'une source (SI)',
  'a text': 'un texte (TX ou MD)',
  data: 'des données',
  'a header list': "une liste d'en-tête (HL)",
  'a data list': 'une liste de données (DL)',
  'a data block': 'un bloc de données',
  'a DZ block header': 'un en-tête de bloc DZ',
  'a data block header': 'un en-tête de bloc de données',
  'the identification block': "le bloc d'identification",
  'a block': 'un bloc',
  // DBC: what the parser expected (English as the DBC keywords name it).
  string: 'chaîne',
  version: 'version',
  'value table name': 'nom de table de valeurs',
  'message id': 'identifiant du message',
  'message name': 'nom du message',
  'message length': 'longueur du message',
  'message sender': 'émetteur du message',
  'signal name': 'nom du signal',
  'multiplexer indicator or ":"': 'indicateur de multiplexeur ou « : »',
  'start bit': 'bit de départ',
  'signal length': 'longueur du signal',
  factor: 'facteur',
  offset: 'décalage (offset)',
  minimum: 'minimum',
  maximum: 'maximum',
  unit: 'unité',
  transmitter: 'émetteur',
  comment: 'commentaire',
  'BU_, BO_, SG_ or EV_': 'BU_, BO_, SG_ ou EV_',
  'node name': 'nom de nœud',
  'environment variable': "variable d'environnement",
  'object type': "type d'objet",
  'attribute name': "nom d'attribut",
  'attribute type': "type d'attribut",
  'attribute minimum': "minimum d'attribut",
  'attribute maximum': "maximum d'attribut",
  'attribute value': "valeur d'attribut",
  'enum value': "valeur d'énumération",
  'value type': 'type de valeur',
  'multiplexer signal name': 'nom du signal multiplexeur',
  'range start': 'début de plage',
  'range end': 'fin de plage',
  value: 'valeur',
  'value description': 'description de valeur',
  'after NS_': 'après NS_',
  'after BS_': 'après BS_',
  'after BU_': 'après BU_',
  'after the message id': "après l'identifiant du message",
  'after the message name': 'après le nom du message',
  'after the signal name': 'après le nom du signal',
  'after the value table name': 'après le nom de la table de valeurs',
  'between start bit and length': 'entre le bit de départ et la longueur',
  'before the byte order': "avant l'ordre des octets",
  'before factor,offset': 'avant facteur,décalage',
  'between factor and offset': 'entre le facteur et le décalage',
  'after factor,offset': 'après facteur,décalage',
  'before minimum|maximum': 'avant minimum|maximum',
  'between minimum and maximum': 'entre le minimum et le maximum',
  'after minimum|maximum': 'après minimum|maximum',
  'in a multiplexer range': 'dans une plage de multiplexeur',
  // Text logs: the field a line lacks.
  id: "l'identifiant",
  DLC: 'le DLC',
  'time offset': 'le décalage de temps',
  type: 'le type',
  'data length': 'la longueur des données',
} as const;
export type Term = keyof typeof TERMS;
