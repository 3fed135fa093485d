import type { ReasonLang } from './reason.js';

/**
 * What the operating system said when a file could not be opened, read or written (a log, a DBC,
 * a scenario, a recording, an upload kept on disk), in French and English. Node's own message
 * (`ENOENT: no such file or directory, open 'x.asc'`) is English and names the system call; inside
 * a French sentence the reader gets the phrase below instead. Kept in this package because it is
 * the lowest one whose errors quote the system's words; the packages above (obd, vehicle-sim, the
 * apps) say their "cannot read" reasons through it. Keyed on Node's `err.code`, which is the
 * same on every system; a code not listed here is shown as it is (`ETIMEDOUT`), which can still be
 * looked up, rather than guessed at.
 */
const SYSTEM_ERROR_TEXTS: Readonly<Record<string, { fr: string; en: string }>> = {
  ENOENT: { fr: 'fichier introuvable', en: 'file not found' },
  EACCES: { fr: 'accès refusé', en: 'permission denied' },
  EPERM: { fr: 'opération non permise', en: 'operation not permitted' },
  EISDIR: { fr: "c'est un dossier, pas un fichier", en: 'it is a directory, not a file' },
  ENOTDIR: {
    fr: 'un élément du chemin est un fichier, pas un dossier',
    en: 'a part of the path is a file, not a directory',
  },
  ENOSPC: { fr: 'disque plein', en: 'no space left on the disk' },
  EDQUOT: { fr: 'quota de disque dépassé', en: 'disk quota exceeded' },
  EROFS: { fr: 'disque en lecture seule', en: 'read-only file system' },
  EMFILE: {
    fr: 'trop de fichiers ouverts par ce programme',
    en: 'too many files open in this program',
  },
  ENFILE: { fr: 'trop de fichiers ouverts sur cette machine', en: 'too many files open on this machine' },
  EBUSY: {
    fr: 'fichier ou périphérique occupé par un autre programme',
    en: 'file or device busy in another program',
  },
  ELOOP: {
    fr: 'trop de liens symboliques (une boucle de liens ?)',
    en: 'too many symbolic links (a loop of links?)',
  },
  ENAMETOOLONG: { fr: 'nom de fichier trop long', en: 'file name too long' },
  EIO: {
    fr: "erreur d'entrée-sortie : le disque ou la clé USB est peut-être défaillant ou retiré",
    en: 'input/output error: the disk or USB stick may be failing or removed',
  },
  EEXIST: { fr: 'le fichier existe déjà', en: 'the file already exists' },
  ENOTEMPTY: { fr: "le dossier n'est pas vide", en: 'the directory is not empty' },
  EFBIG: { fr: 'fichier trop gros pour ce disque', en: 'file too large for this disk' },
  EXDEV: {
    fr: "déplacement impossible d'un disque à un autre",
    en: 'cannot move from one disk to another',
  },
  ENXIO: { fr: 'périphérique absent', en: 'no such device' },
  ENODEV: { fr: 'périphérique absent', en: 'no such device' },
  EAGAIN: { fr: 'ressource momentanément indisponible', en: 'resource temporarily unavailable' },
  ETXTBSY: { fr: 'fichier en cours d’utilisation', en: 'file in use' },
};

/** A failed file or system call as Node reports it: its code (`ENOENT`) and English message. */
export interface SystemErrorLike {
  code?: string;
  message: string;
}

/**
 * The operating system's reason in `lang`, with its code in brackets for whoever searches it
 * (`fichier introuvable [ENOENT]`). A code not in the catalogue is said as the code itself, an
 * error without a code (not from the system) as its own message.
 */
export function saySystemError(err: SystemErrorLike, lang: ReasonLang): string {
  const code = err.code;
  if (code === undefined || code === '') return err.message;
  const text = SYSTEM_ERROR_TEXTS[code];
  if (!text) return lang === 'fr' ? `erreur système ${code}` : `system error ${code}`;
  return `${text[lang]} [${code}]`;
}

/** The code and message of whatever a file call threw (`code` absent when it is no system error). */
export function systemErrorOf(err: unknown): SystemErrorLike {
  const code = (err as { code?: unknown } | undefined)?.code;
  return {
    ...(typeof code === 'string' ? { code } : {}),
    message: err instanceof Error ? err.message : String(err),
  };
}
