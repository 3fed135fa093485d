import { describe, expect, it } from 'vitest';
import type { ReadStatus, SessionFacts } from './facts.js';
import { loadKnowledgeBase } from './kb/load.js';
import type { Sign, SignCondition } from './kb/types.js';
import { PENDING_CERTAINTY, readSign, readSigns, signLikelihood } from './signs.js';

const sign = (when: SignCondition, absentIsEvidence = true): Sign => ({
  id: 'x',
  name: { fr: 'x', en: 'x' },
  when,
  checks: { a: { sensitivity: 0.9, specificity: 0.9 } },
  absentIsEvidence,
});
const base: SessionFacts = { vehicle: 'petrol', dtcs: [] };

describe('readSign', () => {
  it('reads the battery report’s figures: within its conditions (pack current, temperature), unknown when no report was read', () => {
    const atRest = sign({
      source: 'battery',
      values: { cell_spread: { above: 0.05, margin: 0.015 } },
      requires: { pack_current: { above: -20, below: 20 } },
    });
    const ev: SessionFacts = { vehicle: 'ev', dtcs: [] };
    expect(readSign(atRest, { ...ev, battery: { cell_spread: 0.14, pack_current: 1.2 } })).toMatchObject({
      value: true,
      certainty: 1,
    });
    const healthy = readSign(atRest, { ...ev, battery: { cell_spread: 0.01, pack_current: 1.2 } });
    expect(healthy).toMatchObject({ value: false, certainty: 1 });
    expect(healthy.detail.fr).toContain('écart entre cellules (max − min) = 0,01 V');
    // Read while driving: a spread under 120 A says nothing of the spread at rest.
    expect(
      readSign(atRest, { ...ev, battery: { cell_spread: 0.4, pack_current: 120 } }).value,
    ).toBeUndefined();
    const none = readSign(atRest, ev);
    expect(none.value).toBeUndefined();
    expect(none.detail.en).toBe('traction battery report not read');
    // Near the threshold the reading counts with less certainty.
    expect(
      readSign(atRest, { ...ev, battery: { cell_spread: 0.055, pack_current: 0 } }).certainty,
    ).toBeLessThan(1);
  });

  it('reads a code in the memories asked for, and counts a code only pending with less certainty', () => {
    const s = sign({ source: 'dtc', codes: ['P0101', 'P0102'], memories: ['stored', 'pending'], min: 1 });
    const stored = readSign(s, { ...base, dtcs: ['P0101'], dtcMemories: { P0101: ['stored', 'permanent'] } });
    expect(stored).toMatchObject({ value: true, certainty: 1, counts: true });
    expect(stored.detail.en).toBe('P0101 (stored)');
    const pending = readSign(s, { ...base, dtcs: ['P0102'], dtcMemories: { P0102: ['pending'] } });
    expect(pending).toMatchObject({ value: true, certainty: PENDING_CERTAINTY, counts: true });
    expect(pending.detail.fr).toBe('P0102 (en attente)');
    // only in the permanent memory, which this sign does not read
    expect(readSign(s, { ...base, dtcs: ['P0101'], dtcMemories: { P0101: ['permanent'] } }).value).toBe(
      false,
    );
    // without memories, a code read is taken as stored
    expect(readSign(s, { ...base, dtcs: ['P0102'] })).toMatchObject({ value: true, certainty: 1 });
    const none = readSign(s, { ...base, dtcs: ['P0171'] });
    expect(none).toMatchObject({ value: false, certainty: 1, counts: true });
    expect(none.detail.en).toBe('none of P0101, P0102');
  });

  it('reads a UDS fault memory by failure type and ISO 14229 status bits; unknown when none was read', () => {
    const s = sign({
      source: 'dtc',
      codes: ['C0035', 'C0040'],
      memories: ['stored', 'pending', 'permanent'],
      min: 1,
      failureTypes: [0x31],
      status: { testFailed: true },
    });
    const uds = (failureType: number, status: number): SessionFacts => ({
      ...base,
      dtcs: ['C0035'],
      udsDtcs: [{ ecu: '768', code: 'C0035', failureType, status }],
    });
    const failing = readSign(s, uds(0x31, 0xed)); // testFailed, pending, confirmed, …
    expect(failing).toMatchObject({ value: true, certainty: 1, counts: true });
    expect(failing.detail.en).toBe('C0035-31 (status ED, 768)');
    expect(readSign(s, uds(0x31, 0x2c)).value).toBe(false); // confirmed, no longer failing
    expect(readSign(s, uds(0x29, 0xed)).value).toBe(false); // another failure type
    // the code read through OBD only: its UDS status is unknown, so the sign is
    expect(readSign(s, { ...base, dtcs: ['C0035'] }).value).toBeUndefined();
    const intermittent = sign({
      source: 'dtc',
      codes: ['C0035'],
      memories: ['stored'],
      min: 1,
      status: { confirmedDTC: true, testFailed: false },
    });
    expect(readSign(intermittent, uds(0x31, 0x2c)).value).toBe(true);
    expect(readSign(intermittent, uds(0x31, 0xed)).value).toBe(false);
  });

  it('needs `min` codes, and an absence that says nothing does not count', () => {
    const s = sign({ source: 'dtc', codes: ['P0171', 'P0174'], memories: ['stored'], min: 2 }, false);
    expect(readSign(s, { ...base, dtcs: ['P0171', 'P0174'] })).toMatchObject({ value: true, counts: true });
    expect(readSign(s, { ...base, dtcs: ['P0171'] })).toMatchObject({ value: false, counts: false });
  });

  it('reads live values in their context only, with less certainty near the threshold', () => {
    const s = sign({
      source: 'live',
      values: { LONG_FUEL_TRIM_1: { above: 10, margin: 4 } },
      requires: { ENGINE_RPM: { below: 1100 } },
    });
    const at = (ltft: number, rpm = 780) =>
      readSign(s, { ...base, live: { LONG_FUEL_TRIM_1: ltft, ENGINE_RPM: rpm } });
    expect(at(19.5)).toMatchObject({ value: true, certainty: 1 });
    expect(at(12)).toMatchObject({ value: true, certainty: 0.75 }); // 2 of a 4-point margin
    expect(at(10).value).toBe(false); // "above" is strict
    expect(at(10).certainty).toBe(0.5);
    expect(at(7)).toMatchObject({ value: false, certainty: 0.875 });
    expect(at(2)).toMatchObject({ value: false, certainty: 1 });
    expect(at(19.5).detail.fr).toMatch(/correction carburant long terme.*19,5 %.*> 10 %/i);
    // at 2,500 rpm the idle trim is not what the sign is about: unknown, not false
    const revving = at(19.5, 2500);
    expect(revving.value).toBeUndefined();
    expect(revving.counts).toBe(false);
    expect(revving.detail.en).toMatch(/outside its conditions/);
    expect(readSign(s, base).value).toBeUndefined(); // no live data read
    expect(readSign(s, { ...base, live: { ENGINE_RPM: 800 } }).detail.en).toMatch(/not read/);
  });

  it('reads a freeze frame only when the right code stored it', () => {
    const s = sign({
      source: 'freeze_frame',
      values: { ENGINE_LOAD: { above: 55, margin: 10 } },
      requires: {},
      frozenBy: ['P0171', 'P0101'],
    });
    const frame = (dtc: string, load: number) => ({
      ...base,
      freezeFrame: { dtc, values: { ENGINE_LOAD: load } },
    });
    expect(readSign(s, frame('P0101', 72.9))).toMatchObject({ value: true, certainty: 1 });
    expect(readSign(s, frame('P0171', 32.9))).toMatchObject({ value: false, certainty: 1 });
    expect(readSign(s, frame('P0171', 60)).certainty).toBe(0.75);
    expect(readSign(s, frame('P0301', 72.9)).value).toBeUndefined();
    expect(readSign(s, frame('P0171', 72.9)).detail.en).toMatch(/^P0171: /);
  });

  it('reads readiness monitors and the MIL; an unsupported monitor is unknown', () => {
    const s = sign({ source: 'readiness', monitor: 'fuelSystem', status: 'incomplete' });
    const rd = (state?: 'complete' | 'incomplete'): SessionFacts => ({
      ...base,
      readiness: { mil: true, monitors: state ? { fuelSystem: state } : {} },
    });
    expect(readSign(s, rd('incomplete'))).toMatchObject({ value: true, counts: true });
    expect(readSign(s, rd('complete'))).toMatchObject({ value: false, counts: true });
    expect(readSign(s, rd()).value).toBeUndefined();
    expect(readSign(s, base).value).toBeUndefined();
    expect(readSign(sign({ source: 'readiness', mil: true }), rd()).value).toBe(true);
  });

  it('finds complaint keywords whatever the accents and case; silence about them is no evidence', () => {
    const s = sign({ source: 'complaint', keywords: ['ralenti instable', 'hissing'] }, false);
    expect(readSign(s, { ...base, complaint: 'RALENTI INSTABLÉ depuis hier' })).toMatchObject({
      value: true,
      counts: true,
    });
    expect(readSign(s, { ...base, complaint: 'Hissing under the bonnet' }).value).toBe(true);
    expect(readSign(s, { ...base, complaint: 'voyant moteur' })).toMatchObject({
      value: false,
      counts: false,
    });
    expect(readSign(s, base).value).toBeUndefined();
  });

  it('shows a complaint sign in the customer’s words, not the knowledge base’s keywords', () => {
    const s = sign({ source: 'complaint', keywords: ['voyant batterie', 'phares faibles', 'battery light'] });
    const r = readSign(s, {
      ...base,
      complaint: "Le témoin rouge de la batterie s'allume en roulant la nuit et les phares faiblissent",
    });
    expect(r.value).toBe(true);
    expect(r.detail).toEqual({
      fr: '« témoin rouge de la batterie », « phares faiblissent »',
      en: '"témoin rouge de la batterie", "phares faiblissent"',
    });
    // Two keywords on the same words say them once.
    const twice = sign({ source: 'complaint', keywords: ['ralenti instable', 'instable', 'ralenti'] });
    expect(readSign(twice, { ...base, complaint: 'Ralenti instable au feu' }).detail.fr).toBe(
      '« Ralenti instable »',
    );
  });

  it('turns a reading into likelihoods: a plain observation at full certainty, neutral at 0.5', () => {
    const r = readSign(sign({ source: 'complaint', keywords: ['x'] }), { ...base, complaint: 'x' });
    expect(signLikelihood(r)).toEqual({ ifPresent: 1, ifAbsent: 0 });
    const soft = signLikelihood({ ...r, value: false, certainty: 0.8 });
    expect(soft.ifPresent).toBeCloseTo(0.2, 15);
    expect(soft.ifAbsent).toBe(0.8);
  });

  it('reads every sign of the shipped knowledge base without error, and every tree has signs', () => {
    const kb = loadKnowledgeBase();
    const facts: SessionFacts = {
      vehicle: 'petrol',
      dtcs: ['P0171', 'P0300'],
      dtcMemories: { P0171: ['stored'], P0300: ['pending'] },
      complaint: 'ralenti instable',
      readiness: { mil: true, monitors: { fuelSystem: 'complete', catalyst: 'incomplete' } },
      freezeFrame: { dtc: 'P0171', values: { ENGINE_RPM: 780, VEHICLE_SPEED: 0, ENGINE_LOAD: 30 } },
      live: { LONG_FUEL_TRIM_1: 18, ENGINE_RPM: 780, COOLANT_TEMP: 85, CONTROL_MODULE_VOLTAGE: 14.1 },
    };
    for (const tree of kb.trees) {
      expect(tree.signs.length, tree.id).toBeGreaterThan(0);
      for (const r of readSigns(tree, facts)) {
        expect(r.certainty).toBeGreaterThanOrEqual(0.5);
        expect(r.certainty).toBeLessThanOrEqual(1);
        expect(r.detail.fr.length && r.detail.en.length).toBeTruthy();
      }
    }
  });

  it('"not read", "not supported", "no answer" and "read: none" stay distinct; only a reading made counts', () => {
    const s = sign({ source: 'dtc', codes: ['P0562'], memories: ['stored', 'pending'], min: 1 });
    const status = (stored: ReadStatus, pending: ReadStatus): SessionFacts => ({
      ...base,
      read: {
        dtcs: { stored, pending, permanent: 'not-read' },
        readiness: 'not-read',
        freezeFrame: 'not-read',
        live: 'not-read',
        uds: 'not-read',
      },
    });
    const none = readSign(s, status('read', 'read'));
    expect(none).toMatchObject({ value: false, counts: true });
    expect(none.detail.fr).toBe('aucun de P0562');
    const notRead = readSign(s, status('not-read', 'not-read'));
    expect(notRead).toMatchObject({ value: undefined, counts: false });
    expect(notRead.detail.fr).toBe('codes mémorisé non lu, codes en attente non lu');
    const silent = readSign(s, status('no-answer', 'read'));
    expect(silent).toMatchObject({ value: undefined, counts: false });
    expect(silent.detail.en).toBe('codes stored no answer');
    // A memory the car does not have holds no code: the other memory read says "none".
    expect(readSign(s, status('read', 'not-supported'))).toMatchObject({ value: false, counts: true });
    expect(readSign(s, status('not-supported', 'not-supported'))).toMatchObject({ value: undefined });
    // A code found in a memory read counts even when the other did not answer.
    expect(
      readSign(s, { ...status('read', 'no-answer'), dtcs: ['P0562'], dtcMemories: { P0562: ['stored'] } }),
    ).toMatchObject({ value: true, counts: true });
    // Facts without statuses: no memories and no code means the codes were not read.
    expect(readSign(s, base)).toMatchObject({ value: undefined, counts: false });
    const live = sign({ source: 'live', values: { CONTROL_MODULE_VOLTAGE: { below: 13 } }, requires: {} });
    const liveStatus: SessionFacts = {
      ...status('read', 'read'),
      read: { ...status('read', 'read').read!, live: 'no-answer' },
    };
    expect(readSign(live, liveStatus).detail.en).toBe('live data: no answer');
    expect(readSign(live, base).detail.en).toBe('not read');
  });
});
