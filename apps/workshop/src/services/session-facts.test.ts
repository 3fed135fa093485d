import { describe, expect, it } from 'vitest';
import type { StoredReading } from './diagnostics.js';
import { factsFromReadings } from './session-facts.js';

let id = 0;
const r = (kind: StoredReading['kind'], ecu: string, item: string, value: unknown): StoredReading => ({
  id: ++id,
  at: id,
  kind,
  ecu,
  item,
  value,
});

describe('factsFromReadings', () => {
  it('rebuilds codes per memory, the engine readiness, the freeze frame and the latest live values', () => {
    const facts = factsFromReadings(
      [
        r('dtcs', '7E8', 'stored', ['P0171']),
        r('dtcs', '7E8', 'pending', ['P0171', 'P0300']),
        r('dtcs', '7E9', 'stored', []),
        r('dtcs', '7E8', 'after.stored', ['P0420']), // a verification read, not what the diagnosis starts from
        r('readiness', '7E9', '', { mil: false, monitors: { components: 'complete' } }),
        // stored before the dashboard used @atelier/obd's monitor names
        r('readiness', '7E8', '', {
          mil: true,
          monitors: { fuelSystem: 'complete', catalyst: 'incomplete', egrSystem: 'complete' },
        }),
        r('freeze', '7E8', 'dtc', 'P0171'),
        r('freeze', '7E8', '0C', 780.5),
        r('freeze', '7E8', '04', 32.9),
        r('freeze', '7E9', '0C', 3000), // another ECU's frame
      ],
      [
        { t: 1, pid: '07', value: 18 },
        { t: 2, pid: '07', value: 19.5 },
        { t: 2, pid: '14', value: 0.6 }, // an O2 sensor: two values, one number stored
      ],
      { vehicle: 'petrol', complaint: 'ralenti instable' },
    );
    expect(facts).toEqual({
      vehicle: 'petrol',
      complaint: 'ralenti instable',
      dtcs: ['P0171', 'P0300'],
      dtcMemories: { P0171: ['stored', 'pending'], P0300: ['pending'] },
      readiness: {
        mil: true,
        monitors: { fuelSystem: 'complete', catalyst: 'incomplete', egrVvt: 'complete' },
      },
      freezeFrame: { dtc: 'P0171', values: { ENGINE_RPM: 780.5, ENGINE_LOAD: 32.9 } },
      live: { LONG_FUEL_TRIM_1: 19.5 },
      // What became of each question: the permanent memory and the UDS memories were not asked.
      read: {
        dtcs: { stored: 'read', pending: 'read', permanent: 'not-read' },
        readiness: 'read',
        freezeFrame: 'read',
        live: 'read',
        uds: 'not-read',
      },
      ecus: ['7E8', '7E9'],
    });
  });

  it('keeps why a reading was not made: not supported by the car, no answer, or never asked', () => {
    const facts = factsFromReadings(
      [
        r('dtcs', '7E8', 'stored', []),
        r('error', '7E8', 'dtcs.pending', {
          code: 'no-response',
          message: 'NoResponseError',
          status: 'no-answer',
        }),
        r('error', '7E8', 'dtcs.permanent', {
          code: 'negative-response',
          message: 'serviceNotSupported',
          status: 'not-supported',
          nrc: 0x11,
        }),
        r('error', '7E8', 'readiness', { code: 'not-announced', message: 'x', status: 'not-supported' }),
        r('error', '7E8', 'after.dtcs.stored', { code: 'timeout', message: 'x', status: 'link-error' }),
      ],
      [],
      { vehicle: 'petrol' },
    );
    expect(facts.read).toEqual({
      dtcs: { stored: 'read', pending: 'no-answer', permanent: 'not-supported' },
      readiness: 'not-supported',
      freezeFrame: 'not-read',
      live: 'not-read',
      uds: 'not-read',
    });
    expect(facts.dtcMemories).toEqual({});
  });

  it('leaves out what was not read: no evidence either way', () => {
    expect(factsFromReadings([], [], { vehicle: 'ev' })).toEqual({
      vehicle: 'ev',
      dtcs: [],
      read: {
        dtcs: { stored: 'not-read', pending: 'not-read', permanent: 'not-read' },
        readiness: 'not-read',
        freezeFrame: 'not-read',
        live: 'not-read',
        uds: 'not-read',
      },
    });
  });
});
