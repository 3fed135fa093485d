import { VirtualClock } from '@atelier/clock';
import { DisconnectedError } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import { ProfileError, validateProfile } from './profile.js';
import { Transcript, TranscriptError } from './transcript.js';
import { openSerial, openTcp } from './transport.js';

describe('profile validation', () => {
  const base = { name: 'x', description: 'd', version: 'ELM327 v9', match: '^ELM' };
  it('fills defaults and keeps given quirks', () => {
    const p = validateProfile({ ...base, quirks: { maxPids: 3, stn: true } }, 'x.yaml');
    expect(p.quirks.maxPids).toBe(3);
    expect(p.quirks.responseCount).toBe(true);
  });
  it('names the file and the field that is wrong', () => {
    expect(() => validateProfile({ ...base, quirks: { maxPid: 3 } }, 'x.yaml')).toThrow(
      /x\.yaml: unknown quirk 'quirks\.maxPid'/,
    );
    expect(() => validateProfile({ ...base, quirks: { stn: 'yes' } }, 'x.yaml')).toThrow(
      /'quirks\.stn' must be a boolean/,
    );
    expect(() => validateProfile({ ...base, quirks: { maxPids: 9 } }, 'x.yaml')).toThrow(/1 to 6/);
    expect(() => validateProfile({ ...base, match: '(' }, 'x.yaml')).toThrow(ProfileError);
    expect(() => validateProfile({ ...base, name: '' }, 'x.yaml')).toThrow(/field 'name'/);
  });
});

describe('transcripts', () => {
  it('round-trips any bytes', () => {
    const clock = new VirtualClock();
    const t = new Transcript(clock);
    t.record('tx', 'ATZ\r');
    t.record('rx', '\u0000\u00ff"\\>\r\n');
    t.record('note', 'a note');
    expect(Transcript.parse(t.toString())).toEqual(t.entries);
  });
  it('names the line that does not parse', () => {
    expect(() => Transcript.parse('0.000\ttx\t"ATZ\\r"\n1.0\tzz\t"x"\n', 'a.transcript')).toThrow(
      /a\.transcript:2:/,
    );
    expect(() => Transcript.parse('0.000\ttx\t"bad\n', 'b.transcript')).toThrow(TranscriptError);
  });
});

describe('transports', () => {
  it('a refused TCP connection is a DisconnectedError naming the address', async () => {
    const err = await openTcp('127.0.0.1', 1, 2_000).catch((e) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect(err.message).toMatch(/tcp:\/\/127\.0\.0\.1:1/);
  });
  it('a missing serial device is a DisconnectedError naming the path', async () => {
    const err = await openSerial('/dev/atelier-no-such-tty', 38_400, 0).catch((e) => e);
    expect(err).toBeInstanceOf(DisconnectedError);
    expect(err.message).toMatch(/\/dev\/atelier-no-such-tty/);
  });
});
