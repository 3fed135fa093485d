import { describe, expect, it } from 'vitest';
import { DtcMemory } from './dtc-memory.js';

const snap = () => new Map([[0x0c, Uint8Array.of(0x0c, 0x80)]]);
const emission = { emission: true };

describe('DTC life cycle (SAE J1979)', () => {
  it('pending on the first failing cycle, confirmed with MIL, freeze frame and permanent DTC on the second', () => {
    const m = new DtcMemory();
    m.fail('P0420', 10, snap, emission);
    expect(m.pendingObd()).toEqual(['P0420']);
    expect(m.confirmedObd()).toEqual([]);
    expect(m.mil).toBe(false);
    m.fail('P0420', 20, snap, emission); // same cycle: still pending
    expect(m.confirmedObd()).toEqual([]);
    m.endCycle(true);
    expect(m.pendingObd()).toEqual(['P0420']);
    m.fail('P0420', 3000, snap, emission);
    expect(m.confirmedObd()).toEqual(['P0420']);
    expect(m.mil).toBe(true);
    expect(m.freezeFrame?.code).toBe('P0420');
    expect(m.permanent()).toEqual(['P0420']);
    expect(m.status('P0420')).toBe(0x01 | 0x02 | 0x04 | 0x08 | 0x20 | 0x80);
  });

  it('a passing cycle clears a pending DTC; one-trip faults confirm at once', () => {
    const m = new DtcMemory();
    m.fail('P0171', 1, snap, emission);
    m.endCycle(true);
    m.pass('P0171');
    m.endCycle(true);
    expect(m.pendingObd()).toEqual([]);
    m.fail('P0301', 5, snap, { emission: true, oneTrip: true });
    expect(m.confirmedObd()).toEqual(['P0301']);
  });

  it('three passing cycles turn the MIL off and erase the permanent DTC; 40 warm-ups erase the DTC', () => {
    const m = new DtcMemory();
    m.fail('P0128', 1, snap, { ...emission, oneTrip: true });
    m.endCycle(true);
    for (let i = 0; i < 3; i++) {
      expect(m.mil).toBe(true);
      m.pass('P0128');
      m.endCycle(true);
    }
    expect(m.mil).toBe(false);
    expect(m.permanent()).toEqual([]);
    expect(m.confirmedObd()).toEqual(['P0128']);
    for (let i = 0; i < 40; i++) m.endCycle(true);
    expect(m.confirmedObd()).toEqual([]);
  });

  it('clearing wipes pending, confirmed and freeze frame but not permanent DTCs', () => {
    const m = new DtcMemory();
    m.fail('P0442', 1, snap, { ...emission, oneTrip: true });
    m.clear();
    expect(m.confirmedObd()).toEqual([]);
    expect(m.freezeFrame).toBeUndefined();
    expect(m.permanent()).toEqual(['P0442']);
    // The permanent DTC goes once its monitor has run and passed.
    m.pass('P0442');
    m.endCycle(true);
    expect(m.permanent()).toEqual([]);
  });

  it('a non-emission DTC is not an OBD DTC and lights no MIL', () => {
    const m = new DtcMemory();
    m.fail('C0035', 1, snap, { emission: false, oneTrip: true, ftb: 0x31 });
    expect(m.confirmedObd()).toEqual([]);
    expect(m.mil).toBe(false);
    expect(m.status('C0035') & 0x88).toBe(0x88);
  });
});
