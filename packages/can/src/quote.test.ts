import { describe, expect, it } from 'vitest';
import { DbcParseError, parseDbc } from './dbc/index.js';
import { readLogText } from './formats/index.js';
import { LogParseError } from './log.js';
import { clip, MAX_QUOTE } from './quote.js';

/**
 * A bad line of 100 KiB (a binary file renamed .asc, a pasted page) gets an error that says where
 * (line, column) and quotes a clipped piece of it with its length, not the 100 KiB.
 */
const BIG = 'x'.repeat(100 * 1024);
/** The message bound: the reason, the location and one clipped quote. */
const BOUND = MAX_QUOTE + 200;

async function errorOf(text: string, name: string): Promise<LogParseError> {
  try {
    for await (const _ of readLogText(text, name)) {
      // reading to the error
    }
  } catch (err) {
    if (err instanceof LogParseError) return err;
    throw err;
  }
  throw new Error(`${name}: read without an error`);
}

describe('clip', () => {
  it('keeps short text, cuts long text and says its length', () => {
    expect(clip('abc')).toBe('abc');
    expect(clip('y'.repeat(MAX_QUOTE))).toBe('y'.repeat(MAX_QUOTE));
    expect(clip('y'.repeat(1000), 10)).toBe(`${'y'.repeat(10)}… (1000 characters)`);
  });
});

describe('parsers quote a 100 KiB bad line clipped, and say where', () => {
  const ascHead = 'date Mon Jan 1 00:00:00.000 2024\nbase hex timestamps absolute\n';
  const cases: { what: string; name: string; text: string; where: [number, number] }[] = [
    {
      what: 'ASC data byte',
      name: 'a.asc',
      text: `${ascHead} 1.000000 1 123 Rx d 8 ${BIG}\n`,
      where: [3, 24],
    },
    { what: 'ASC date', name: 'b.asc', text: `date ${BIG}\n`, where: [1, 5] },
    { what: 'ASC timestamp', name: 'c.asc', text: `${ascHead} 1${BIG} 1 123 Rx d 1 00\n`, where: [3, 2] },
    { what: 'TRC version', name: 'd.trc', text: `;$FILEVERSION=${BIG}\n`, where: [1, 2] },
    {
      what: 'TRC data byte',
      name: 'e.trc',
      text: `;$FILEVERSION=1.1\n 1) 1.0 Rx 0100 1 ${BIG}\n`,
      where: [2, 19],
    },
    { what: 'candump payload', name: 'f.log', text: `(1.0) can0 123#${BIG}\n`, where: [1, 16] },
    {
      what: 'SavvyCAN CSV id',
      name: 'g.csv',
      text: `Time Stamp,ID,Extended,Dir,Bus,LEN,D1,D2,D3,D4,D5,D6,D7,D8\n1,${BIG},false,Rx,0,0\n`,
      where: [2, 3],
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const err = await errorOf(c.text, c.name);
      expect(err.message.length).toBeLessThan(BOUND);
      expect([err.line, err.column]).toEqual(c.where);
      expect(err.message).toContain(`${c.name}:${c.where[0]}:${c.where[1]}:`);
    });
  }

  it('DBC: an unknown keyword of 100 KiB', () => {
    let err: unknown;
    try {
      parseDbc(`VERSION ""\n${BIG}\n`);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DbcParseError);
    const message = (err as Error).message;
    expect(message.length).toBeLessThan(BOUND);
    expect(message).toContain(':2:');
    expect(message).toContain(`(${BIG.length} characters)`);
  });
});
