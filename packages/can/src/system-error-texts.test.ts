import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLog } from './formats/index.js';
import { parseErrorMessage } from './parse-error-message.js';
import { saySystemError, systemErrorOf } from './system-error-texts.js';

/** What a real file call threw. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe("the operating system's reasons in French", () => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-oserr-'));
  const plain = join(dir, 'plain.asc');
  writeFileSync(plain, 'date Mon Dec 7 2026\n');

  it.each([
    [
      'a path that does not exist',
      () => readFileSync(join(dir, 'absent.asc')),
      'fichier introuvable [ENOENT]',
    ],
    ['a directory given as a file', () => readFileSync(dir), "c'est un dossier, pas un fichier [EISDIR]"],
    [
      'a file inside a "directory" that is a file',
      () => readFileSync(join(plain, 'x.asc')),
      'un élément du chemin est un fichier, pas un dossier [ENOTDIR]',
    ],
    ['a directory made twice', () => mkdirSync(dir), 'le fichier existe déjà [EEXIST]'],
  ])('%s', (_what, call, fr) => {
    const err = systemErrorOf(thrownBy(call));
    expect(saySystemError(err, 'fr')).toBe(fr);
    // English is a phrase of its own, not Node's message (which names the system call).
    expect(saySystemError(err, 'en')).not.toBe(err.message);
    expect(saySystemError(err, 'en')).toMatch(/\[E[A-Z]+\]$/);
  });

  it('a code it does not know is said as the code; an error that is not the system’s as its message', () => {
    expect(saySystemError({ code: 'ECONNRESET', message: 'read ECONNRESET' }, 'fr')).toBe(
      'erreur système ECONNRESET',
    );
    expect(saySystemError(systemErrorOf(new Error('boom')), 'fr')).toBe('boom');
  });

  it('a log that cannot be opened: the path, then the reason in French; English is Node’s message', async () => {
    const missing = join(dir, 'absent.asc');
    const err = await (async () => {
      try {
        for await (const _ of readLog(missing, { format: 'asc' })) {
          // Only the error matters.
        }
      } catch (e) {
        return e;
      }
    })();
    expect(parseErrorMessage(err, 'fr')).toBe(`${missing} : fichier introuvable [ENOENT]`);
    expect(parseErrorMessage(err, 'en')).toBe(`ENOENT: no such file or directory, open '${missing}'`);
  });
});
