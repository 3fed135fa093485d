import type { ReasonLang } from './reason.js';

/**
 * What zlib said when a compressed part of a log would not inflate (a BLF container, an MF4 DZ
 * block, a `.gz` file), in French. zlib's messages are fixed English strings (inflate.c, and
 * Node's own "unexpected end of file" for a stream cut short); they name the fault inside the
 * deflate format, which the reader cannot fix but can report, so French says what each means for
 * the file. English keeps zlib's words as they are: the errors' English messages have always
 * quoted them and scripts search for them. A message not in the catalogue (another zlib) is
 * quoted as it is, after what its code (`Z_DATA_ERROR`, `Z_BUF_ERROR`) says of it.
 */
const ZLIB_MESSAGES: Readonly<Record<string, string>> = {
  'unexpected end of file': 'les données compressées s’arrêtent avant leur fin (fichier coupé)',
  'incorrect header check': 'en-tête zlib incorrect : ce ne sont pas des données compressées zlib',
  'unknown compression method': 'méthode de compression inconnue',
  'invalid window size': 'taille de fenêtre invalide',
  'unknown header flags set': 'indicateurs d’en-tête gzip inconnus',
  'header crc mismatch': 'somme de contrôle de l’en-tête gzip fausse',
  'invalid block type': 'type de bloc deflate invalide',
  'invalid stored block lengths': 'longueurs de bloc non compressé incohérentes',
  'too many length or distance symbols': 'trop de symboles de longueur ou de distance',
  'invalid code lengths set': 'table des longueurs de codes invalide',
  'invalid bit length repeat': 'répétition de longueur de code invalide',
  'invalid code -- missing end-of-block': 'code invalide : fin de bloc manquante',
  'invalid literal/lengths set': 'table des littéraux et longueurs invalide',
  'invalid distances set': 'table des distances invalide',
  'invalid literal/length code': 'code de littéral ou de longueur invalide',
  'invalid distance code': 'code de distance invalide',
  'invalid distance too far back': 'distance invalide, en arrière du début des données',
  // Adler-32 in a zlib stream, CRC-32 in a gzip file: zlib says the same words for both.
  'incorrect data check': 'somme de contrôle fausse : les données ont été altérées',
  'incorrect length check': 'longueur décompressée différente de celle annoncée',
};

/** What each zlib code says of a message the catalogue does not know. */
const ZLIB_CODES: Readonly<Record<string, string>> = {
  Z_DATA_ERROR: 'données compressées corrompues',
  Z_BUF_ERROR: 'données compressées incomplètes',
  Z_STREAM_ERROR: 'flux compressé incohérent',
  Z_MEM_ERROR: 'mémoire insuffisante pour décompresser',
  Z_NEED_DICT: 'les données demandent un dictionnaire de compression',
};

/** zlib's error as Node reports it: the message, and the code when Node gave one. */
export interface ZlibErrorLike {
  message: string;
  code?: string;
}

/** zlib's error in `lang`: English as zlib wrote it, French from the catalogue or quoted. */
export function sayZlibError(err: ZlibErrorLike, lang: ReasonLang): string {
  if (lang === 'en') return err.message;
  const known = ZLIB_MESSAGES[err.message];
  if (known) return known;
  const meaning = err.code ? ZLIB_CODES[err.code] : undefined;
  return meaning ? `${meaning} (« ${err.message} »)` : `« ${err.message} »`;
}
