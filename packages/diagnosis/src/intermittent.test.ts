import { describe, expect, it } from 'vitest';
import type { SessionFacts } from './facts.js';
import { intermittentAdvice } from './intermittent.js';
import { loadKnowledgeBase } from './kb/load.js';

const kb = loadKnowledgeBase();
const tree = (id: string) => kb.trees.find((t) => t.id === id)!;

// A coil that fails once the engine is hot: the code and its freeze frame are stored, nothing fails
// in the workshop. The figures are those a scan tool reads from such a car's freeze frame.
const hotCoil: SessionFacts = {
  vehicle: 'petrol',
  dtcs: ['P0300', 'P0301'],
  complaint: 'Le moteur tremble une fois bien chaud, après vingt minutes de route.',
  dtcMemories: { P0300: ['stored'], P0301: ['stored'] },
  freezeFrame: {
    dtc: 'P0301',
    values: { ENGINE_RPM: 2046.5, ENGINE_LOAD: 37.25, COOLANT_TEMP: 81, VEHICLE_SPEED: 45 },
  },
};

describe('what an intermittent fault calls for', () => {
  it('says why it looks intermittent, gives the freeze frame, the road test in its conditions and a wiggle test', () => {
    const fr = intermittentAdvice(tree('misfire'), hotCoil, true).map((a) => a.fr);
    expect(fr[0]).toMatch(/intermittent.*P0300, P0301 mémorisés alors que les causes testées sont bonnes/);
    expect(fr[0]).toMatch(/le client le décrit par moments ou dans certaines conditions/);
    expect(fr[1]).toBe(
      'Données figées du code P0301 : régime (tr/min) 2\u202f047, charge 37 %, liquide de refroidissement 81 °C, vitesse 45 km/h — les conditions dans lesquelles il est apparu.',
    );
    expect(fr[2]).toMatch(
      /^Essai routier prolongé dans ces conditions \(moteur bien chaud, plus de 20 min de route\)/,
    );
    expect(fr[3]).toMatch(/Test de secouage.*chauffer \(décapeur\)/);
    const en = intermittentAdvice(tree('misfire'), hotCoil, true).map((a) => a.en);
    expect(en[1]).toMatch(
      /^Freeze frame of P0301: engine speed \(rpm\) 2,047, load 37 %, coolant 81 °C, speed 45 km\/h/,
    );
  });

  it('uses the UDS status when a body or chassis ECU says its code is confirmed but not failing now', () => {
    const facts: SessionFacts = {
      vehicle: 'petrol',
      dtcs: ['C0045'],
      udsDtcs: [{ ecu: '768', code: 'C0045', failureType: 0x29, status: 0x08 }],
    };
    const fr = intermittentAdvice(tree('wheel_speed'), facts, false).map((a) => a.fr);
    expect(fr[0]).toMatch(/C0045 confirmé mais pas en échec en ce moment/);
    // no emission code: the conditions are in the code's UDS snapshot, not a mode 02 freeze frame
    expect(fr[1]).toMatch(/outil constructeur l’environnement du défaut/);
  });

  it('says nothing when nothing points to an intermittent fault', () => {
    // a code still failing now (testFailed set), causes not tested good, no words of a fault that comes and goes
    const failingNow: SessionFacts = {
      vehicle: 'petrol',
      dtcs: ['C0045'],
      udsDtcs: [{ ecu: '768', code: 'C0045', failureType: 0x29, status: 0x09 }],
      complaint: 'Voyant ABS allumé.',
    };
    expect(intermittentAdvice(tree('wheel_speed'), failingNow, false)).toEqual([]);
    // a healthy car with an ordinary complaint: no code at all
    const healthy: SessionFacts = {
      vehicle: 'petrol',
      dtcs: [],
      complaint: 'Bruit de freinage à l’arrière.',
    };
    expect(intermittentAdvice(tree('misfire'), healthy, true)).toEqual([]);
  });
});
