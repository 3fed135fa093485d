import type { Lang } from './context.js';

/**
 * What a failed file or system call means to the person who typed the command. Node's own message
 * (`EISDIR: illegal operation on a directory, read`) is English, names the system call rather than
 * the file, and for a read on an open file names no file at all.
 */
const MEANINGS: Record<string, { fr: (p: string) => string; en: (p: string) => string }> = {
  ENOENT: { fr: (p) => `introuvable : ${p}`, en: (p) => `not found: ${p}` },
  EACCES: { fr: (p) => `accès refusé : ${p}`, en: (p) => `permission denied: ${p}` },
  EPERM: { fr: (p) => `opération non permise : ${p}`, en: (p) => `operation not permitted: ${p}` },
  EISDIR: {
    fr: (p) => `${p} est un dossier : un fichier est attendu`,
    en: (p) => `${p} is a directory: a file is expected`,
  },
  ENOTDIR: {
    fr: (p) => `un élément du chemin n'est pas un dossier : ${p}`,
    en: (p) => `a part of the path is not a directory: ${p}`,
  },
  ENOSPC: { fr: (p) => `disque plein en écrivant ${p}`, en: (p) => `no space left on the disk writing ${p}` },
  EROFS: {
    fr: (p) => `système de fichiers en lecture seule : ${p}`,
    en: (p) => `read-only file system: ${p}`,
  },
  EEXIST: { fr: (p) => `existe déjà : ${p}`, en: (p) => `already exists: ${p}` },
  ENAMETOOLONG: { fr: (p) => `nom trop long : ${p}`, en: (p) => `name too long: ${p}` },
  EADDRINUSE: {
    fr: (p) => `${p} est déjà pris : un autre programme y écoute (choisissez un autre port avec --port)`,
    en: (p) => `${p} is already taken: another program listens there (pick another with --port)`,
  },
  EADDRNOTAVAIL: {
    fr: (p) => `adresse ${p} absente de cette machine`,
    en: (p) => `address ${p} is not on this machine`,
  },
  EMFILE: {
    fr: (p) =>
      `trop de fichiers ouverts (${p}) : fermez d'autres programmes ou relevez la limite (ulimit -n)`,
    en: (p) => `too many open files (${p}): close other programs or raise the limit (ulimit -n)`,
  },
};

interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
  address?: string;
  port?: number;
}

function isSystemError(err: unknown): err is SystemError {
  return (
    err instanceof Error &&
    typeof (err as SystemError).code === 'string' &&
    typeof (err as SystemError).syscall === 'string'
  );
}

/**
 * The message of a file or system error in the user's language, naming the path (or the system call
 * when Node gave no path); undefined for any other error.
 */
export function systemErrorMessage(err: unknown, lang: Lang): string | undefined {
  if (!isSystemError(err)) return undefined;
  const meaning = MEANINGS[err.code];
  if (!meaning) return undefined;
  const where =
    err.path ??
    (err.address !== undefined
      ? `${err.address}${err.port !== undefined ? `:${err.port}` : ''}`
      : lang === 'fr'
        ? `(appel ${err.syscall})`
        : `(${err.syscall} call)`);
  return `${meaning[lang](where)} [${err.code}]`;
}

/**
 * An error that says itself in a language (`messageIn`): the parse errors of logs and DBC files do.
 * Recognised by shape, so this package depends on none of the packages whose errors it shows.
 */
export interface SpeaksLang extends Error {
  messageIn(lang: Lang): string;
}

export function speaksLang(err: unknown): err is SpeaksLang {
  return err instanceof Error && typeof (err as Partial<SpeaksLang>).messageIn === 'function';
}

/**
 * Adds the file to a system error that lacks it (a read or stat on an open descriptor reports no
 * path), so the message can say which file; the error is returned for rethrowing.
 */
export function withPath<E>(err: E, path: string): E {
  if (isSystemError(err) && err.path === undefined) err.path = path;
  return err;
}
