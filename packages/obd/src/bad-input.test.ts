import { MAX_QUOTE } from '@atelier/can';
import { describe, expect, it } from 'vitest';
import { DtcFormatError, parseDtc } from './dtc.js';
import { decodeVin, VinError } from './vin.js';

/** A pasted page where a VIN or a DTC was expected: the error quotes a clipped piece and says where. */
const BIG = 100 * 1024;
const BOUND = MAX_QUOTE + 300;

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('no error');
}

describe('VIN and DTC parsers on 100 KiB of bad input', () => {
  it('a VIN of 100 KiB: the message quotes it clipped and lists the first problems; every problem is kept', () => {
    const input = `1HGCM82633A00435${'-'.repeat(BIG)}`;
    const err = thrown(() => decodeVin(input));
    expect(err).toBeInstanceOf(VinError);
    expect(err.message.length).toBeLessThan(BOUND + 400);
    expect(err.message).toContain(`(${input.length} characters)`);
    expect(err.message).toContain(`${BIG - 4} more problems`);
    const problems = (err as VinError).problems;
    // The length, then each '-' with its position.
    expect(problems).toHaveLength(BIG + 1);
    expect(problems[1]).toMatchObject({ code: 'character', position: 17 });
    expect((err as VinError).vin).toBe(input);
  });

  it('a DTC of 100 KiB: the message quotes it clipped and says the character where it goes wrong', () => {
    const input = `P0${'Z'.repeat(BIG)}`;
    const err = thrown(() => parseDtc(input));
    expect(err).toBeInstanceOf(DtcFormatError);
    expect(err.message.length).toBeLessThan(BOUND);
    expect(err.message).toContain(`(${input.length} characters)`);
    expect(err.message).toContain('wrong at character 3');
    expect((err as DtcFormatError).position).toBe(2);
  });
});
