import { describe, expect, it } from 'vitest';
import { FAULT_CATALOGUE, faultMatches, faultNamedBy, faultPart, parseFaultRef } from './fault-ref.js';
import { loadScenario } from './scenario.js';
import { Vehicle } from './vehicle.js';

describe('fault references: a type, or a type at one part', () => {
  it('a type names the fault at every part; type:part only at that part, the default part when unwritten', () => {
    const inverter = { type: 'hv_isolation', part: 'inverter' } as const;
    const unwritten = { type: 'hv_isolation' } as const;
    expect(faultMatches('hv_isolation', inverter)).toBe(true);
    expect(faultMatches('hv_isolation:inverter', inverter)).toBe(true);
    expect(faultMatches('hv_isolation:ac_compressor', inverter)).toBe(false);
    // A fault written without a part is at its type's first part (the simulator's default).
    expect(faultPart(unwritten)).toBe('ac_compressor');
    expect(faultMatches('hv_isolation:ac_compressor', unwritten)).toBe(true);
    expect(faultMatches('hv_isolation:inverter', unwritten)).toBe(false);
    expect(faultNamedBy(['misfire', 'hv_isolation:inverter'], inverter)).toBe(true);
    expect(parseFaultRef('hv_isolation:hv_battery')).toEqual({ type: 'hv_isolation', part: 'hv_battery' });
    expect(FAULT_CATALOGUE.find((e) => e.type === 'hv_isolation')?.parts).toEqual([
      'ac_compressor',
      'hv_battery',
      'inverter',
    ]);
  });

  it('a repair of one part takes out that part’s fault and not another part’s', () => {
    const v = Vehicle.fromScenario(loadScenario('hv-isolation-ac'), { startMs: 0 });
    expect(v.repair(['hv_isolation:inverter'])).toEqual([]);
    expect(v.faults.map((f) => f.type)).toEqual(['hv_isolation']);
    expect(v.repair(['hv_isolation:ac_compressor']).map((f) => f.part)).toEqual(['ac_compressor']);
    expect(v.faults).toEqual([]);
  });
});
