import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

/**
 * The adapter forms a French user is shown when an adapter is missing or of an unknown kind: their
 * placeholders in French (NOM, HÔTE, SCÉNARIO, FICHIER), as the French help writes them; in English
 * the forms they always were. Written here by hand.
 */

const FORMS_FR =
  'elm327:/dev/ttyUSB0[?baud=38400&profile=NOM&protocol=6], elm327:/dev/rfcomm0, elm327:tcp://HÔTE:PORT, ' +
  'socketcan:can0[?extended=1], slcan:/dev/ttyACM0[?bitrate=500000&listen=1&timestamps=1], ' +
  'sim:SCÉNARIO[?via=elm327], sim:FICHIER.yaml';
const FORMS_EN =
  'elm327:/dev/ttyUSB0[?baud=38400&profile=NAME&protocol=6], elm327:/dev/rfcomm0, elm327:tcp://HOST:PORT, ' +
  'socketcan:can0[?extended=1], slcan:/dev/ttyACM0[?bitrate=500000&listen=1&timestamps=1], ' +
  'sim:SCENARIO[?via=elm327], sim:FILE.yaml';

const firstLine = (s: string) => s.split('\n')[0];

describe('adapter forms in French', () => {
  it('obd dtc without --adapter, and with an adapter of an unknown kind', async () => {
    const env = { ATELIER_LANG: 'fr', ATELIER_ADAPTER: '' };
    const missing = await runCli(['obd', 'dtc'], { env });
    expect(missing.code).toBe(2);
    expect(firstLine(missing.stderr)).toBe(`atelier obd: --adapter manque (par exemple ${FORMS_FR})`);
    const unknown = await runCli(['obd', 'dtc', '--adapter', 'obd2:/dev/ttyUSB0'], { env });
    expect(unknown.code).toBe(2);
    expect(firstLine(unknown.stderr)).toBe(
      `atelier obd: adaptateur « obd2:/dev/ttyUSB0 » : type d'adaptateur inconnu « obd2 » (connus : ${FORMS_FR})`,
    );
    const en = await runCli(['obd', 'dtc', '--adapter', 'obd2:/dev/ttyUSB0'], {
      env: { ATELIER_LANG: 'en', ATELIER_ADAPTER: '' },
    });
    expect(firstLine(en.stderr)).toBe(
      `atelier obd: adapter 'obd2:/dev/ttyUSB0': unknown adapter kind 'obd2' (known: ${FORMS_EN})`,
    );
  });
});

describe('atelier diagnose: its usage errors in French', () => {
  it('no adapter, --auto on a real adapter, a bad seed, a bad vehicle type, a bad sim: option', async () => {
    const fr = async (...args: string[]) =>
      firstLine((await runCli(['diagnose', ...args], { env: { ATELIER_LANG: 'fr' } })).stderr);
    expect(await fr()).toBe('atelier diagnose: --adapter manque');
    expect(await fr('--adapter', 'elm327:/dev/ttyUSB0', '--auto')).toBe(
      'atelier diagnose: --auto demande un véhicule simulé (--adapter sim:SCÉNARIO)',
    );
    expect(await fr('--adapter', 'sim:misfire-cyl2', '--auto', '--seed', 'x')).toBe(
      'atelier diagnose: --seed « x » : un nombre entier attendu',
    );
    expect(await fr('--adapter', 'sim:misfire-cyl2', '--vehicle', 'truck')).toBe(
      'atelier diagnose: --vehicle « truck » : attendu l’un de petrol, diesel, hybrid, ev',
    );
    expect(await fr('--adapter', 'sim:misfire-cyl2?via=foo', '--auto')).toBe(
      'atelier diagnose: adaptateur « sim:misfire-cyl2?via=foo » : via « foo » : attendu isotp ou elm327',
    );
    const en = await runCli(['diagnose', '--adapter', 'elm327:/dev/ttyUSB0', '--auto'], {
      env: { ATELIER_LANG: 'en' },
    });
    expect(firstLine(en.stderr)).toBe(
      'atelier diagnose: --auto needs a simulated vehicle (--adapter sim:SCENARIO)',
    );
  });
});
