import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemErrorMessage, withPath } from './system-error.js';

// The errors come from real calls on this machine's file system, as a command meets them.
const dir = mkdtempSync(join(tmpdir(), 'atelier-system-error-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('systemErrorMessage', () => {
  it('names a missing file in French and in English', () => {
    const err = thrown(() => readFileSync(join(dir, 'nope.log')));
    expect(systemErrorMessage(err, 'fr')).toBe(`introuvable : ${join(dir, 'nope.log')} [ENOENT]`);
    expect(systemErrorMessage(err, 'en')).toBe(`not found: ${join(dir, 'nope.log')} [ENOENT]`);
  });

  it('a read on a directory names no file until withPath gives it one', () => {
    const fd = openSync(dir, 'r');
    try {
      const err = thrown(() => readSync(fd, Buffer.alloc(4), 0, 4, 0));
      expect(systemErrorMessage(err, 'fr')).toBe(
        '(appel read) est un dossier : un fichier est attendu [EISDIR]',
      );
      expect(systemErrorMessage(withPath(err, dir), 'fr')).toBe(
        `${dir} est un dossier : un fichier est attendu [EISDIR]`,
      );
      // A path Node gave is kept.
      expect(systemErrorMessage(withPath(err, '/elsewhere'), 'en')).toBe(
        `${dir} is a directory: a file is expected [EISDIR]`,
      );
    } finally {
      closeSync(fd);
    }
  });

  it('a path through a file is not a directory', () => {
    const err = thrown(() => readFileSync(join(__filename, 'x')));
    expect(systemErrorMessage(err, 'en')).toBe(
      `a part of the path is not a directory: ${join(__filename, 'x')} [ENOTDIR]`,
    );
  });

  it('a port already taken names the address and says what to do', async () => {
    const first = createServer();
    await new Promise<void>((resolve) => first.listen(0, '127.0.0.1', resolve));
    const { port } = first.address() as AddressInfo;
    const second = createServer();
    const err = await new Promise<unknown>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    first.close();
    expect(systemErrorMessage(err, 'fr')).toBe(
      `127.0.0.1:${port} est déjà pris : un autre programme y écoute (choisissez un autre port avec --port) [EADDRINUSE]`,
    );
  });

  it('leaves other errors to the caller', () => {
    expect(systemErrorMessage(new Error('bad'), 'fr')).toBeUndefined();
    expect(
      systemErrorMessage(Object.assign(new Error('x'), { code: 'EWHATEVER', syscall: 'read' }), 'fr'),
    ).toBeUndefined();
    expect(systemErrorMessage('text', 'fr')).toBeUndefined();
  });
});
