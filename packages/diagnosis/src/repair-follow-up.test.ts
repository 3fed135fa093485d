import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeBatteryCharge } from './battery-charge.js';
import type { SessionFacts } from './facts.js';
import { decodeDpfRegenRecord, describeRoutineRun, RoutineRecordError } from './follow-up.js';
import { KbError, loadKnowledgeBase, parseTree } from './kb/load.js';
import { GuidedSession } from './session.js';

const kb = loadKnowledgeBase();
const dpfYaml = readFileSync(fileURLToPath(new URL('../kb/trees/dpf.yaml', import.meta.url)), 'utf8');

describe('what a repair calls for before its verification', () => {
  it('the DPF tree asks for a regeneration and a sustained fast-road drive after an injector', () => {
    const facts: SessionFacts = {
      vehicle: 'diesel',
      dtcs: ['P2463'],
      complaint: "Fumée noire à l'accélération et voyant FAP.",
    };
    const s = GuidedSession.start(kb, facts);
    expect(s.tree.id).toBe('dpf');
    expect(s.followUp()).toBeUndefined();
    s.repair('injector_fault');
    const after = s.followUp();
    expect(after).toMatchObject({ road: 'motorway', minutes: 20 });
    expect(after?.fr).toMatch(/régénération forcée/);
    expect(after?.en).toMatch(/forced regeneration/);
    // The regeneration is a routine the engine ECU runs (UDS 0x31), named for the button and the path.
    expect(after?.routine).toMatchObject({
      ecu: 'engine',
      id: 0xf001,
      record: 'dpf_regeneration',
      maxMinutes: 40,
    });
    expect(after?.routine?.name.fr).toBe('Régénération forcée du FAP');
    // Until it is done, the verification drive is the follow-up's fast road; once done, the usual one.
    expect(s.verificationDrive()).toEqual({ road: 'motorway', minutes: 20 });
    s.recordFollowUp({ status: 'refused', reason: { fr: 'moteur arrêté', en: 'engine off' } });
    expect(s.verificationDrive()).toEqual({ road: 'motorway', minutes: 20 });
    s.recordFollowUp({ status: 'done', sootBeforeG: 81, sootAfterG: 12, minutes: 21 });
    expect(s.verificationDrive()).toEqual({ road: 'urban', minutes: 20 });
    expect(
      s
        .path()
        .steps.filter((x) => x.kind === 'follow_up')
        .map((x) => x.kind === 'follow_up' && x.status),
    ).toEqual(['refused', 'done']);
  });

  it('reads the regeneration routine’s results record and says it in French and English', () => {
    const aborted = decodeDpfRegenRecord(Uint8Array.of(0x03, 0x01, 81, 0x00, 0xf0, 0));
    expect(aborted).toMatchObject({ status: 'aborted', reasonId: 'engine_off', sootG: 81, exhaustC: 240 });
    const name = { fr: 'Régénération forcée du FAP', en: 'Forced DPF regeneration' };
    const refused = describeRoutineRun(name, { status: 'refused', reason: aborted.reason!, sootBeforeG: 81 });
    expect(refused).toEqual({
      fr: 'Régénération forcée du FAP : refusée : moteur arrêté (suies 81 g)',
      en: 'Forced DPF regeneration: refused: engine off (soot 81 g)',
    });
    const done = describeRoutineRun(name, { status: 'done', sootBeforeG: 81, sootAfterG: 12, minutes: 21 });
    expect(done.fr).toBe('Régénération forcée du FAP : terminée (suies 81 → 12 g, 21 min)');
    expect(() => decodeDpfRegenRecord(Uint8Array.of(1, 0))).toThrow(RoutineRecordError);
  });

  it('asks nothing more after a repair that takes the symptom out by itself', () => {
    const s = GuidedSession.start(kb, { vehicle: 'diesel', dtcs: ['P2463'] });
    s.repair('dp_sensor_fault');
    expect(s.followUp()).toBeUndefined();
  });

  it('refuses an unknown road or field with the place it is written', () => {
    const bad = dpfYaml.replace('road: motorway', 'road: track');
    expect(() => parseTree(bad, 'dpf.yaml')).toThrow(KbError);
    expect(() => parseTree(bad, 'dpf.yaml')).toThrow(
      /causes\.injector_fault\.repair\.after\.road.*unknown road "track"/,
    );
    const extra = dpfYaml.replace('road: motorway', 'road: motorway\n        speed: 90');
    expect(() => parseTree(extra, 'dpf.yaml')).toThrow(/repair\.after\.speed.*unknown field/);
    const badId = dpfYaml.replace('id: F001', 'id: F0G1');
    expect(() => parseTree(badId, 'dpf.yaml')).toThrow(
      /repair\.after\.routine\.id.*not a routine identifier/,
    );
  });
});

describe('a charging repair is judged on a charged battery', () => {
  const facts: SessionFacts = {
    vehicle: 'petrol',
    dtcs: ['P0562', 'P0620'],
    complaint: 'Voyant batterie allumé en roulant, éclairage faible.',
  };
  const repaired = () => {
    const s = GuidedSession.start(kb, facts);
    expect(s.tree.id).toBe('charging');
    s.repair('alternator_fault');
    s.recordRoadTest();
    return s;
  };
  // What the car shows behind a new alternator on the battery the dead one drained: the idle
  // voltage under 13.2 V, the system-voltage code set again on the road test.
  const drainedRead = { cleared: true, dtcsAfter: ['P0562'], symptomGone: false, monitors: {} };

  it('before the charge a low voltage proves nothing: incomplete, and says the battery is to be charged', () => {
    const s = repaired();
    expect(s.followUp()?.chargeBattery).toBe(true);
    expect(s.followUp()?.fr).toMatch(/recharger la batterie au chargeur d'atelier/);
    expect(s.verify(drainedRead)).toBe('incomplete');
    const v = s.path().steps.at(-1);
    expect(v).toMatchObject({ kind: 'verify', result: 'incomplete', missing: { batteryCharge: true } });
    expect(s.state).toBe('verify');
    // A charge the charger did not end does not count either.
    s.recordBatteryCharge({ done: false, ah: 3, minutes: 20 });
    expect(s.verify(drainedRead)).toBe('incomplete');
  });

  it('after the charge the verification judges: the alternator charging is cured, still low is not', () => {
    const cured = repaired();
    cured.recordBatteryCharge({ done: true, ah: 31.2, minutes: 212, batteryV: 12.63, simulated: true });
    expect(cured.verify({ cleared: true, dtcsAfter: [], symptomGone: true, monitors: {} })).toBe('cured');
    expect(cured.outcome).toMatchObject({ kind: 'cause', cause: 'alternator_fault' });
    const failed = repaired();
    failed.recordBatteryCharge({ done: true, ah: 31.2, minutes: 212 });
    expect(failed.verify(drainedRead)).toBe('not-cured');
    // Other repairs' verifications are as they were: a weak battery replaced calls for no charge.
    const battery = GuidedSession.start(kb, facts);
    battery.repair('battery_weak');
    expect(battery.followUp()?.chargeBattery).toBeUndefined();
  });

  it('says the charge in French and English, and refuses it outside the verification', () => {
    expect(
      describeBatteryCharge({
        kind: 'battery_charge',
        done: true,
        ah: 31.25,
        minutes: 212.4,
        batteryV: 12.63,
      }),
    ).toEqual({
      fr: 'Batterie rechargée au chargeur d’atelier : charge terminée (31,3 Ah en 212 min, 12,6 V en fin de charge)',
      en: 'Battery charged on the workshop charger: charge finished (31.3 Ah in 212 min, 12.6 V at the end)',
    });
    expect(() => GuidedSession.start(kb, facts).recordBatteryCharge({ done: true })).toThrow(
      /after a repair, not in state diagnose/,
    );
  });

  it('reads charge_battery from the knowledge base and refuses a value that is not true or false', () => {
    const yaml = readFileSync(
      fileURLToPath(new URL('../kb/trees/charging.yaml', import.meta.url)),
      'utf8',
    ).replace('charge_battery: true', 'charge_battery: oui');
    expect(() => parseTree(yaml, 'charging.yaml')).toThrow(KbError);
    expect(() => parseTree(yaml, 'charging.yaml')).toThrow(/charge_battery.*expected true or false/);
  });
});
