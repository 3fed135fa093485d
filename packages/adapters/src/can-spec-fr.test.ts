import { describe, expect, it } from 'vitest';
import { AdapterSpecError, checkAdapterName, openAdapter } from './index.js';

/**
 * A bad slcan:/socketcan: adapter name, and an SLCAN adapter that is not there, said in French;
 * the English `message` word for word as before. Every text written here by hand.
 */

function refused(name: string): AdapterSpecError {
  try {
    checkAdapterName(name);
  } catch (e) {
    expect(e, name).toBeInstanceOf(AdapterSpecError);
    return e as AdapterSpecError;
  }
  return expect.fail(`${name} was accepted`);
}

describe('slcan: and socketcan: names, in French', () => {
  it('each detail of the name, with its English unchanged', () => {
    const cases: [string, string, string][] = [
      [
        'slcan:ttyACM0',
        'attendu un port série comme /dev/ttyACM0 (ou tcp://HÔTE:PORT pour une passerelle réseau)',
        'expected a serial device such as /dev/ttyACM0 (or tcp://HOST:PORT for a network bridge)',
      ],
      ['slcan:tcp://host:99999', 'port 99999 : de 1 à 65535', 'port 99999 is not 1–65535'],
      [
        'slcan:/dev/ttyACM0?baud=9',
        'baud « 9 » : nombre entier de 300 à 4000000 attendu',
        "baud '9' is not a whole number from 300 to 4000000",
      ],
      [
        'slcan:/dev/ttyACM0?bitrate=500000&btr=031C',
        'donnez bitrate= ou btr=, pas les deux',
        'give bitrate= or btr=, not both',
      ],
      [
        'slcan:/dev/ttyACM0?btr=12',
        'btr « 12 » : 4 ou 6 chiffres hexadécimaux attendus (les registres de cadencement du contrôleur)',
        "btr '12' is not 4 or 6 hex digits (the controller's timing registers)",
      ],
      [
        'slcan:/dev/ttyACM0?bitrate=83333',
        "bitrate : 83333 bit/s n'est pas un débit SLCAN standard (10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 750000, 1000000) ; donnez plutôt les registres de cadencement du contrôleur (btr=)",
        "bitrate: 83333 bit/s is not a standard SLCAN rate (10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 750000, 1000000); give the controller's timing registers instead (btr=)",
      ],
      [
        'slcan:/dev/ttyACM0?listen=1&extended=1',
        "listen=1 n'envoie rien : extended= n'a rien à choisir",
        'listen=1 sends nothing, so extended= has nothing to choose',
      ],
      ['socketcan:can 0', "attendu un nom d'interface comme can0", 'expected an interface name such as can0'],
    ];
    for (const [name, fr, en] of cases) {
      const err = refused(name);
      expect(err.messageIn('fr'), name).toBe(`adaptateur « ${name} » : ${fr}`);
      expect(err.message, name).toBe(`adapter '${name}': ${en}`);
    }
  });

  it('elm327: names, each detail in French with its English unchanged', async () => {
    const cases: [string, string, string][] = [
      [
        'elm327:/dev/ttyUSB0?baud=fast',
        "baud « fast » n'est pas un débit série (300 à 4 000 000, par exemple 38400)",
        "baud 'fast' is not a baud rate",
      ],
      [
        'elm327:/dev/ttyUSB0?protocol=Z',
        "protocol « Z » n'est pas un numéro de protocole ELM327 (1 à 9, A)",
        "protocol 'Z' is not an ELM327 protocol number (1–9, A)",
      ],
      ['elm327:tcp://h:99999', 'port 99999 hors limites (1 à 65535)', 'port 99999 out of range'],
      [
        'elm327:tcp://h:35000?baud=9600',
        'baud ne s’applique qu’à une ligne série, pas à TCP',
        'baud applies to serial lines, not to TCP',
      ],
      [
        'elm327:tcp://host',
        'attendu tcp://HÔTE:PORT (par exemple tcp://192.168.0.10:35000)',
        'expected tcp://HOST:PORT',
      ],
      [
        'elm327:ttyUSB0',
        'attendu le chemin d’un périphérique (/dev/ttyUSB0, /dev/rfcomm0) ou tcp://HÔTE:PORT',
        'expected a device path (/dev/ttyUSB0, /dev/rfcomm0) or tcp://HOST:PORT',
      ],
    ];
    for (const [name, fr, en] of cases) {
      const err = refused(name);
      expect(err.messageIn('fr'), name).toBe(`adaptateur « ${name} » : ${fr}`);
      expect(err.message, name).toBe(`adapter '${name}': ${en}`);
    }
    const profile = (await openAdapter('elm327:/dev/null?profile=nope').catch(
      (e: unknown) => e,
    )) as AdapterSpecError;
    expect(profile).toBeInstanceOf(AdapterSpecError);
    expect(profile.messageIn('fr')).toMatch(
      /^adaptateur « elm327:\/dev\/null\?profile=nope » : profil d’adaptateur inconnu « nope » \(connus : .*genuine/,
    );
    expect(profile.message).toMatch(/unknown adapter profile 'nope' \(known: /);
  });

  it('an SLCAN adapter that is not there: the link error in French names the port', async () => {
    const err = (await openAdapter('slcan:/dev/ttyACM-absent').catch((e: unknown) => e)) as Error & {
      messageIn(lang: 'fr'): string;
    };
    expect(err.messageIn('fr')).toBe(
      "impossible d'ouvrir l'adaptateur SLCAN /dev/ttyACM-absent : port série introuvable (adaptateur débranché, ou un autre nom de port ?) [ENOENT]",
    );
    expect(err.message).toBe(
      '/dev/ttyACM-absent: cannot open SLCAN adapter /dev/ttyACM-absent: Error: No such file or directory, cannot open /dev/ttyACM-absent',
    );
  });
});
