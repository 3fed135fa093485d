import { describe, expect, it } from 'vitest';
import { type Frame, toHex } from '../frame.js';
import { LogParseError } from '../log.js';
import { detectFormat } from './detect.js';
import { readLogText } from './index.js';

/**
 * python-can's CSV, written here by hand from its documented layout (timestamp, hex id, three 0/1
 * flags, dlc, base64 data); the base64 strings were computed apart (Python's base64 module).
 */
const HEADER = 'timestamp,arbitration_id,extended,remote,error,dlc,data';

async function read(text: string, name = 'x.csv'): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readLogText(text, name)) out.push(f);
  return out;
}

async function refusal(text: string): Promise<LogParseError> {
  try {
    await read(text);
  } catch (err) {
    if (err instanceof LogParseError) return err;
    throw err;
  }
  throw new Error('read without an error');
}

describe("python-can's CSV", () => {
  it('reads data, extended, remote and error messages', async () => {
    const frames = await read(
      [
        HEADER,
        '1641469561.9497,0x7df,0,0,0,3,AgEM',
        '1641469561.949823,0x18daf110,1,0,0,8,EBRJAgFXMEw=',
        '1641469563.0,0x123,0,1,0,4,',
        '1641469564.5,0x80,0,0,1,0,',
        '',
      ].join('\n'),
    );
    expect(frames.map((f) => [f.id, f.extended, toHex(f.data), f.remote ?? false, f.error ?? false])).toEqual(
      [
        [0x7df, false, '02010c', false, false],
        [0x18daf110, true, '101449020157304c', false, false],
        [0x123, false, '', true, false],
        [0x80, false, '', false, true],
      ],
    );
    expect(frames[0]!.timestamp).toBe(1641469561.9497);
    expect(frames[2]!.dlc).toBe(4);
  });

  it('reads a message of more than 8 bytes as CAN FD, and Windows line ends', async () => {
    const [f] = await read(`${HEADER}\r\n0.5,0x100,0,0,0,12,AAECAwQFBgcICQoL\r\n`);
    expect(f).toMatchObject({ id: 0x100, fd: true, timestamp: 0.5 });
    expect(toHex(f!.data)).toBe('000102030405060708090a0b');
  });

  it('is told from SavvyCAN CSV by its header, under .csv and under another name', () => {
    const bytes = (s: string) => new TextEncoder().encode(s);
    expect(detectFormat('a.csv', bytes(`${HEADER}\n0.0,0x1,0,0,0,0,\n`))).toBe('python-can-csv');
    expect(detectFormat('a.txt', bytes(`${HEADER}\n0.0,0x1,0,0,0,0,\n`))).toBe('python-can-csv');
    expect(detectFormat('a.csv', bytes('Time Stamp,ID,Extended,Dir,Bus,LEN,D1\n1,1,false,Rx,0,0,\n'))).toBe(
      'csv',
    );
  });

  it.each([
    ['1e,0x7df,0,0,0,3,AgEM', 1, /bad timestamp '1e'/],
    [`${'9'.repeat(400)},0x7df,0,0,0,3,AgEM`, 1, /bad timestamp/],
    ['1.0,7zz,0,0,0,3,AgEM', 5, /bad id '7zz'/],
    ['1.0,0x7df,yes,0,0,3,AgEM', 11, /extended must be 0 or 1, found 'yes'/],
    ['1.0,0x800,0,0,0,3,AgEM', 5, /11/],
    ['1.0,0x7df,0,0,0,4,AgEM', 17, /dlc 4 but 3 data byte/],
    ['1.0,0x7df,0,0,0,3,AgE*', 19, /not base64/],
    ['1.0,0x7df,0,0,0,3', 19, /6 fields, expected 7/],
    ['1.0,0x7df,0,1,0,3,AgEM', 19, /remote frame carries no data/],
    ['1.0,0x7df,0,0,0,10,AAECAwQFBgcICQ==', 20, /10 data bytes: no CAN FD frame/],
  ])('refuses %s at column %i, saying why', async (line, column, why) => {
    const err = await refusal(`${HEADER}\n${line}\n`);
    expect(err.line).toBe(2);
    expect(err.column).toBe(column);
    expect(err.message).toMatch(why);
    expect(err.messageIn('fr')).not.toBe(err.message);
  });

  it('refuses a file without the header when told it is python-can CSV', async () => {
    const err = await (async () => {
      try {
        for await (const _ of readLogText('1.0,0x7df,0,0,0,3,AgEM\n', 'x.csv', {
          format: 'python-can-csv',
        })) {
        }
      } catch (e) {
        return e as LogParseError;
      }
      throw new Error('read');
    })();
    expect(err.message).toMatch(/python-can's CSV header/);
  });
});
