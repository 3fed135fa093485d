/**
 * The DPF differential pressure sensor's check, engine off, against the public figures it is written
 * from (kb/tests.yaml): GM's service information for a 2.0 L diesel asks 0.45–0.55 V ignition on,
 * engine off; a Bosch-type sensor gives 0.5 V at 0 kPa and 0.04 V per kPa (0.5–4.5 V over 0–100 kPa).
 * The voltages below are worked out from those figures here, not read from the knowledge base.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from './kb/load.js';
import { interpretMeasurements } from './measure.js';

const kb = loadKnowledgeBase();
const check = kb.tests.get('dp_sensor_check')!;
const ZERO_V = 0.5;
const V_PER_KPA = 0.04;
const atOffset = (kpa: number) => ZERO_V + V_PER_KPA * kpa;
const judge = (volts: number) =>
  interpretMeasurements(check, [{ spec: 0, value: volts, unit: 'V', source: 'typed' }]);

describe('DPF pressure sensor check, engine off', () => {
  it('a 2.4 kPa offset (which the ECU flags with P2453) is a bad sensor, surely', () => {
    // Round 3's sensor at severity 0.4 read 2.36 kPa with no flow: 0.594 V.
    const v = judge(atOffset(2.36));
    expect(v).toMatchObject({ outcome: 'bad' });
    expect(v!.certainty).toBeGreaterThan(0.95);
    expect(judge(atOffset(-2.36))).toMatchObject({ outcome: 'bad' });
  });

  it('a sensor at its zero, or within the makers’ 0.05 V of it, is good', () => {
    expect(judge(atOffset(0))).toMatchObject({ outcome: 'good', certainty: 1 });
    expect(judge(0.46)).toMatchObject({ outcome: 'good' });
    expect(judge(0.54)).toMatchObject({ outcome: 'good' });
  });
});
