import { describe, expect, it } from 'vitest';
import { GENUINE_DESCRIPTION, identifyChip } from './identify.js';

/** Answers taken from the corpus' sources (tests/fixtures/elm327/README.md) and the datasheet. */
const genuineAnswers = { 'AT@1': GENUINE_DESCRIPTION, ATPPS: '00:FF F', ATIGN: 'ON', ATAMC: '00' };

describe('identifyChip', () => {
  it('an STN chip by its STI answer, whatever ATI claims (OBDLink SX claims ELM327 v1.4b or v1.3a)', () => {
    const c = identifyChip({
      version: 'ELM327 v1.3a',
      stn: 'STN1110 v4.0.1',
      device: 'OBDLink SX',
      identified: {},
    });
    expect(c.family).toBe('stn');
    expect(c.why.en).toBe('answers STI with STN1110 v4.0.1 (OBDLink SX)');
  });

  it('a v1.5 is a clone: Elm Electronics never released one', () => {
    const c = identifyChip({ version: 'ELM327 v1.5', identified: genuineAnswers });
    expect(c).toMatchObject({ family: 'clone', claims: 'ELM327 v1.5' });
    expect(c.why.fr).toBe("Elm Electronics n'a jamais publié de v1.5");
  });

  it('a v2.1 that refuses what v1.4 and v2.0 brought is a clone', () => {
    const c = identifyChip({
      version: 'ELM327 v2.1',
      identified: { ...genuineAnswers, ATIGN: '?', ATAMC: '?' },
    });
    expect(c.family).toBe('clone');
    expect(c.why.en).toBe('refuses ATIGN (v1.4), ATAMC (v2.0), which v2.1 has');
  });

  it('an AT@1 that is not the datasheet description (the Mercedes log: ICSolution) is a clone', () => {
    const c = identifyChip({
      version: 'ELM327 v2.2',
      identified: { ...genuineAnswers, 'AT@1': 'ICSolution' },
    });
    expect(c.family).toBe('clone');
  });

  it('vLinker and ESP32 adapters by the names they give', () => {
    expect(identifyChip({ version: 'ELM327 v2.2', device: 'vLinker FS', identified: {} }).family).toBe(
      'vlinker',
    );
    expect(identifyChip({ version: 'ELM327 v2.3', identified: { 'AT@1': 'WiCAN' } }).family).toBe(
      'esp32-wifi',
    );
  });

  it('never genuine on its word alone: a version claimed but not checked is unknown', () => {
    const c = identifyChip({ version: 'ELM327 v2.3', identified: { 'AT@1': GENUINE_DESCRIPTION } });
    expect(c.family).toBe('unknown');
    expect(c.why.en).toBe('claims v2.3, not checked (ATPPS (v1.1), ATIGN (v1.4), ATAMC (v2.0) not asked)');
  });

  it('genuine only when every command its version has is answered', () => {
    expect(identifyChip({ version: 'ELM327 v2.3', identified: genuineAnswers }).family).toBe('genuine');
    // v1.3a predates ATIGN and ATAMC: refusing them is what the genuine v1.3a does.
    expect(
      identifyChip({ version: 'ELM327 v1.3a', identified: { ...genuineAnswers, ATIGN: '?', ATAMC: '?' } })
        .family,
    ).toBe('genuine');
  });
});
