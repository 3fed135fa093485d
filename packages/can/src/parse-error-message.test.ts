import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DbcParseError } from './dbc/model.js';
import { parseDbc } from './dbc/parser.js';
import { LEAF_LOG, LEAF_MF4 } from './formats/formats.test-support.js';
import { readLog, readLogText, writeLog } from './formats/index.js';
import { BinaryLogError, LogParseError } from './log.js';
import { parseErrorMessage } from './parse-error-message.js';
import { sayReason } from './reason.js';

/** The error a read of `content` under `name` stops on (thrown at once, or while iterating). */
async function errorOf(content: string | Uint8Array, name: string): Promise<unknown> {
  try {
    for await (const _ of readLogText(content, name)) {
      // Only the error matters.
    }
  } catch (err) {
    return err;
  }
  throw new Error(`${name} was read without an error`);
}

/**
 * Real malformed inputs, one or more per format, with the message a French and an English reader
 * get. The texts are written out here, not taken from the catalogue: the place (file, line and
 * column, or byte offset) was counted by hand in each input.
 */
const TEXT_CASES: { format: string; name: string; content: string; fr: string; en: string }[] = [
  {
    format: 'candump -l',
    name: 'bad.log',
    content: '(1.0) can0 123#00\n(2.0) can0 123#0\n',
    fr: 'bad.log, ligne 2, colonne 17 : nombre impair de chiffres hexadécimaux (1) dans les données',
    en: 'bad.log:2:17: odd number of hex digits (1) in the data',
  },
  {
    format: 'candump -l',
    name: 'id.log',
    content: '(1.0) can0 FFF#00\n',
    fr: "id.log, ligne 1, colonne 12 : identifiant 0xFFF hors de la plage d'un identifiant 11 bits",
    en: 'id.log:1:12: id 0xFFF out of range for an 11-bit identifier',
  },
  {
    format: 'candump screen output',
    name: 'screen.log',
    content: '  can0  123   [2]  11\n',
    fr: 'screen.log, ligne 1, colonne 22 : [2] annonce 2 octets de données, trouvé 1',
    en: 'screen.log:1:22: [2] announces 2 data bytes, found 1',
  },
  {
    format: 'Vector ASC',
    name: 'bad.asc',
    content:
      'date Thu Jan 6 11:45:59.951 am 2022\nbase hex  timestamps absolute\n   0.010000 1  123  Rx   d 2 11 ZZ\n',
    fr: 'bad.asc, ligne 3, colonne 33 : octet de données invalide « ZZ »',
    en: "bad.asc:3:33: bad data byte 'ZZ'",
  },
  {
    format: 'PEAK TRC',
    name: 'short.trc',
    content: ';$FILEVERSION=1.1\n     1)      1841.0  Rx         0001  8  00 01 02 \n',
    fr: 'short.trc, ligne 2, colonne 50 : DLC 8 annonce 8 octets de données, trouvé 3',
    en: 'short.trc:2:50: DLC 8 announces 8 data bytes, found 3',
  },
  {
    format: 'CANHacker trace',
    name: 'obd.trc',
    content: 'Time   ID     DLC Data                    Comment\n58,912 7DF      8 02 01 0C 00 00 ZZ 00 00\n',
    fr: 'obd.trc, ligne 2, colonne 34 : octet de données invalide « ZZ » (le DLC 8 annonce 8 octets de données)',
    en: "obd.trc:2:34: bad data byte 'ZZ' (DLC 8 announces 8 data bytes)",
  },
  {
    format: 'SavvyCAN CSV',
    name: 'bus.csv',
    content: 'Time Stamp,ID,Extended,Dir,Bus,LEN,D1,D2\n100,123,maybe,Rx,0,2,11,22\n',
    fr: 'bus.csv, ligne 2, colonne 9 : Extended doit valoir true ou false, trouvé « maybe »',
    en: "bus.csv:2:9: Extended must be true or false, found 'maybe'",
  },
  {
    format: 'format detection',
    name: 'notes.txt',
    content: 'Bonjour, ceci est une note de cours.\n',
    fr: 'notes.txt, ligne 1 : format de journal inconnu : attendu candump, sortie écran de candump, ASC, TRC PEAK, trace CANHacker, CSV SavvyCAN, MF4 ou BLF',
    en: 'notes.txt:1: unknown log format: expected candump, candump screen output, ASC, PEAK TRC, CANHacker trace, SavvyCAN CSV, MF4 or BLF',
  },
];

describe('parse errors in the reader’s language', () => {
  it.each(TEXT_CASES)('$format: the French message names the line and column', async (c) => {
    const err = await errorOf(c.content, c.name);
    expect(err).toBeInstanceOf(LogParseError);
    expect(parseErrorMessage(err, 'fr')).toBe(c.fr);
    expect(parseErrorMessage(err, 'en')).toBe(c.en);
    // English stays the error's message: logs, tests and programs read it unchanged.
    expect((err as Error).message).toBe(c.en);
  });

  it('BLF: a file that is not BLF, and objects that stop after a sound header, named by byte offset', async () => {
    const notBlf = await errorOf(Buffer.concat([Buffer.from('LOGX'), Buffer.alloc(200)]), 'x.blf');
    expect(notBlf).toBeInstanceOf(BinaryLogError);
    expect(parseErrorMessage(notBlf, 'fr')).toBe(
      "x.blf, octet 0 (0x0) : ce n'est pas un fichier BLF : signature « LOGG » attendue, trouvé « LOGX »",
    );
    expect(parseErrorMessage(notBlf, 'en')).toBe(
      "x.blf: byte 0 (0x0): not a BLF file: expected the signature 'LOGG', found 'LOGX'",
    );
    // A real BLF (the Leaf recording written by Atelier): its 144-byte file header, then junk.
    const blf = join(mkdtempSync(join(tmpdir(), 'atelier-fr-')), 'leaf.blf');
    const frames = [];
    for await (const f of readLog(LEAF_LOG)) frames.push(f);
    await writeLog(blf, frames, 'blf');
    const junk = Buffer.concat([
      readFileSync(blf).subarray(0, 144),
      Buffer.from('pas un objet du tout, désolé'),
    ]);
    const err = await errorOf(junk, 'junk.blf');
    expect(parseErrorMessage(err, 'fr')).toBe(
      'junk.blf, octet 144 (0x90) : objet attendu (« LOBJ »), trouvé « pas  »',
    );
    expect(parseErrorMessage(err, 'en')).toBe(
      "junk.blf: byte 144 (0x90): expected an object ('LOBJ'), found 'pas '",
    );
  });

  it('MF4: an MDF 3 file, and the real Leaf recording cut in its metadata, named by byte offset', async () => {
    const mdf3 = Buffer.concat([
      Buffer.from('MDF     3.30    '),
      Buffer.alloc(12),
      Buffer.from([0x4a, 0x01]),
      Buffer.alloc(34),
    ]);
    const old = await errorOf(mdf3, 'old.mf4');
    expect(parseErrorMessage(old, 'fr')).toBe(
      'old.mf4, octet 28 (0x1c) : MDF version 330 : seuls les MDF 4.x (MF4) sont lus, pas les fichiers MDF 3',
    );
    expect(parseErrorMessage(old, 'en')).toBe(
      'old.mf4: byte 28 (0x1c): MDF version 330: only MDF 4.x (MF4) is read, MDF 3 files are not',
    );
    const cut = await errorOf(readFileSync(LEAF_MF4).subarray(0, 3000), 'cut.mf4');
    expect(cut).toBeInstanceOf(BinaryLogError);
    const fr = parseErrorMessage(cut, 'fr');
    expect(fr).toMatch(/^cut\.mf4, octet \d+ \(0x[0-9a-f]+\) : /);
    expect(fr).toMatch(/fichier tronqué|hors du fichier/);
    expect(fr).not.toMatch(/truncated|outside|bytes/);
  });

  it('DBC: the French message names the line', () => {
    const text = 'VERSION ""\nBU_: A\nBO_ 100 Msg: 8 A\n SG_ S : 0|8@2+ (1,0) [0|255] "" A\n';
    let err: unknown;
    try {
      parseDbc(text, 'car.dbc');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DbcParseError);
    expect(parseErrorMessage(err, 'fr')).toBe(
      "car.dbc, ligne 4 : l'ordre des octets doit être 0 (Motorola) ou 1 (Intel), trouvé « 2+ »",
    );
    expect(parseErrorMessage(err, 'en')).toBe(
      "car.dbc:4: byte order must be 0 (Motorola) or 1 (Intel), found '2+'",
    );
    // What a parser expected is a term said in French too.
    const missing = (() => {
      try {
        parseDbc('VERSION ""\nBO_ 100 : 8 A\n', 'nameless.dbc');
      } catch (e) {
        return e;
      }
    })();
    expect(parseErrorMessage(missing, 'fr')).toBe(
      'nameless.dbc, ligne 2 : attendu : nom du message, trouvé « : »',
    );
  });

  it('DBC warnings (statements understood, not applied as written) are said in French too', () => {
    const dbc = parseDbc(
      'VERSION ""\nBO_ 2048 Big: 8 A\n SG_ S : 0|8@1+ (1,0) [0|255] "" A\nCM_ BU_ Nobody "x";\n',
      'w.dbc',
    );
    expect(dbc.warnings.map((w) => [w.line, sayReason(w.detail, 'fr')])).toEqual([
      [
        2,
        'message Big : identifiant 0x800 au-delà de 0x7FF sans le drapeau du bit 31, pris comme identifiant 29 bits',
      ],
      [4, "CM_ désigne le nœud Nobody, qui n'est pas défini"],
    ]);
    expect(dbc.warnings.map((w) => w.message)).toEqual([
      'message Big: id 0x800 above 0x7FF without the bit-31 flag, taken as a 29-bit id',
      'CM_ refers to node Nobody, which is not defined',
    ]);
  });

  it('lenient reads keep the skipped lines typed: each says itself in French', async () => {
    const reader = readLogText('(1.0) can0 123#00\n(2.0) can0 12G#00\n(3.0) can0 124#01\n', 'skip.log', {
      lenient: true,
    });
    for await (const _ of reader) {
      // Read to the end.
    }
    expect(reader.skipped.map((e) => parseErrorMessage(e, 'fr'))).toEqual([
      "skip.log, ligne 2, colonne 14 : « G » inattendu dans l'identifiant",
    ]);
  });

  it('any other error gives its own message', () => {
    expect(parseErrorMessage(new Error('disque plein'), 'fr')).toBe('disque plein');
    expect(parseErrorMessage('texte', 'en')).toBe('texte');
  });
});
