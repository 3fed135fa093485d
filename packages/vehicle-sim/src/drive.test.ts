import { describe, expect, it } from 'vitest';
import { type DrivePhase, DriveSchedule } from './drive.js';

const HISTORY: DrivePhase[] = [
  { phase: 'urban', duration: 600 },
  { phase: 'off', duration: 300 },
  { phase: 'idle' },
];

/** What the driver does at t and since when; the cut phase's duration is not part of it. */
const doing = (s: DriveSchedule, t: number) => {
  const { phase, since } = s.at(t);
  return { phase: phase.phase, rpm: phase.rpm, since };
};

describe('replacing the rest of a drive schedule', () => {
  it('keeps every instant before the cut, cuts the phase in progress, and holds the new phase for good', () => {
    const before = new DriveSchedule(HISTORY);
    const after = before.replacedFrom(1000, { phase: 'hold', rpm: 2500 });
    for (const t of [0, 599.9, 600, 899.9, 900, 999.9]) expect(doing(after, t)).toEqual(doing(before, t));
    expect(after.at(1000)).toEqual({ phase: { phase: 'hold', rpm: 2500 }, since: 1000 });
    expect(after.at(1e7).phase).toEqual({ phase: 'hold', rpm: 2500 });
    expect(before.at(1000).phase.phase).toBe('idle');
  });

  it('cutting inside an earlier phase drops the phases after it', () => {
    const after = new DriveSchedule(HISTORY).replacedFrom(700, { phase: 'key_on' });
    expect(after.phases.map((p) => p.phase)).toEqual(['urban', 'off', 'key_on']);
    expect(after.at(699).phase.phase).toBe('off');
    expect(after.at(700).phase.phase).toBe('key_on');
  });

  it('writes out the parked time after a finite schedule, so the past still reads key on', () => {
    const finite = new DriveSchedule([{ phase: 'idle', duration: 60 }]);
    const after = finite.replacedFrom(100, { phase: 'idle' });
    expect(after.at(80).phase.phase).toBe('key_on');
    expect(after.at(100).phase.phase).toBe('idle');
    expect(after.phases).toEqual([
      { phase: 'idle', duration: 60 },
      { phase: 'key_on', duration: 40 },
      { phase: 'idle' },
    ]);
  });
});
