import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SessionFacts } from './facts.js';
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
  });
});
