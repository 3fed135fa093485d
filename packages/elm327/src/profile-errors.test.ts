import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfiles, ProfileError, profileByName, readProfile } from './profile.js';

/**
 * An adapter profile file a user wrote, refused: the file, the line, the field and why, in French;
 * `message` in English word for word as before. Texts written here by hand.
 */

const GOOD = `# my clone
name: my-clone
description: a clone on my bench
version: ELM327 v1.5
match: '^ELM327 v1\\.5'
quirks:
  echoOffIgnored: true
  searchMs: 4000
  maxPids: 1
`;

function refused(text: string, name = 'mon-clone.yaml'): ProfileError {
  const dir = mkdtempSync(join(tmpdir(), 'profile-'));
  const path = join(dir, 'p.yaml');
  writeFileSync(path, text);
  try {
    readProfile(path, name);
  } catch (err) {
    expect(err).toBeInstanceOf(ProfileError);
    return err as ProfileError;
  }
  return expect.fail('the profile was accepted');
}

describe('a bad adapter profile file, in French with its line', () => {
  it('the good file is read (the cases below each change one thing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-'));
    writeFileSync(join(dir, 'p.yaml'), GOOD);
    expect(readProfile(join(dir, 'p.yaml')).quirks).toMatchObject({ searchMs: 4000, maxPids: 1 });
  });

  it('a quirk of the wrong type', () => {
    const err = refused(GOOD.replace('searchMs: 4000', 'searchMs: "4 s"'));
    expect(err.messageIn('fr')).toBe(
      'mon-clone.yaml, ligne 8, champ quirks.searchMs : quirks.searchMs doit être un nombre positif ou nul',
    );
    expect(err.message).toBe("mon-clone.yaml: quirk 'quirks.searchMs' must be a non-negative number");
    expect(err.line).toBe(8);
  });

  it('a quirk misspelt: the known ones listed', () => {
    const err = refused(GOOD.replace('echoOffIgnored', 'echoOfIgnored'));
    expect(err.messageIn('fr')).toBe(
      'mon-clone.yaml, ligne 7, champ quirks.echoOfIgnored : particularité inconnue : quirks.echoOfIgnored (connues : echoOffIgnored, headersIgnored, stn, responseCount, maxPids, adaptiveTiming, searchMs, resetMs, promptLossEvery, bufferBytes, atLevel, flowControl)',
    );
    expect(err.message).toBe("mon-clone.yaml: unknown quirk 'quirks.echoOfIgnored'");
  });

  it('maxPids out of range, a true/false quirk given a word', () => {
    expect(refused(GOOD.replace('maxPids: 1', 'maxPids: 8')).messageIn('fr')).toBe(
      'mon-clone.yaml, ligne 9, champ quirks.maxPids : quirks.maxPids doit aller de 1 à 6 (J1979 permet six PID par requête sur CAN)',
    );
    const bool = refused(GOOD.replace('echoOffIgnored: true', 'echoOffIgnored: oui'));
    expect(bool.messageIn('fr')).toBe(
      'mon-clone.yaml, ligne 7, champ quirks.echoOffIgnored : quirks.echoOffIgnored doit être true ou false',
    );
    expect(bool.message).toBe("mon-clone.yaml: quirk 'quirks.echoOffIgnored' must be a boolean");
  });

  it('a field left out: the line of the mapping that should hold it; a bad regular expression', () => {
    const missing = refused(GOOD.replace('version: ELM327 v1.5\n', ''));
    expect(missing.messageIn('fr')).toBe(
      'mon-clone.yaml, ligne 2, champ version : le champ version doit être un texte non vide',
    );
    expect(missing.message).toBe("mon-clone.yaml: field 'version' must be a non-empty string");
    const regex = refused(GOOD.replace("match: '^ELM327 v1\\.5'", "match: '^ELM327 (v1'"));
    expect(regex.messageIn('fr')).toMatch(
      /^mon-clone\.yaml, ligne 5, champ match : le champ match n'est pas une expression régulière valide \(« Invalid regular expression: .*Unterminated group »\)$/,
    );
  });

  it('a YAML syntax error: line and column; the English as the library says it', () => {
    const err = refused(GOOD.replace('  searchMs: 4000', '\tsearchMs: 4000'));
    expect(err.messageIn('fr')).toBe(
      'mon-clone.yaml, ligne 8 : YAML invalide, colonne 1 : tabulation en début de ligne : YAML n’accepte que des espaces pour indenter',
    );
    expect(err.message).toMatch(/^mon-clone\.yaml: Tabs are not allowed as indentation at line 8, column 1:/);
  });

  it('an unknown profile name', () => {
    const err = (() => {
      try {
        profileByName('clone-v9', loadProfiles());
      } catch (e) {
        return e as ProfileError;
      }
      return expect.fail('found');
    })();
    expect(err.messageIn('fr')).toBe(
      "profil d'adaptateur inconnu : « clone-v9 » (connus : clone-v1.5, fake-v2.1, genuine, obdlink)",
    );
    expect(err.message).toBe(
      "unknown adapter profile 'clone-v9' (known: clone-v1.5, fake-v2.1, genuine, obdlink)",
    );
  });
});
