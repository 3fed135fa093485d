import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AdapterSpecError } from './errors.js';
import {
  adapterExamples,
  checkAdapterName,
  openAdapter,
  parseElmSpec,
  registerAdapterScheme,
  splitAdapterName,
} from './index.js';

describe('adapter names', () => {
  it('an unknown kind: the kinds known, their placeholders in French (NOM, HÔTE, SCÉNARIO, FICHIER)', () => {
    const err = (() => {
      try {
        checkAdapterName('obd2:/dev/ttyUSB0');
      } catch (e) {
        return e as AdapterSpecError;
      }
      return expect.fail('accepted');
    })();
    // The built-in kinds, in the order they register; a kind a test registers comes after them.
    expect(err.message).toMatch(
      /^adapter 'obd2:\/dev\/ttyUSB0': unknown adapter kind 'obd2' \(known: elm327:\/dev\/ttyUSB0\[\?baud=38400&profile=NAME&protocol=6\], elm327:\/dev\/rfcomm0, elm327:tcp:\/\/HOST:PORT, .*sim:SCENARIO\[\?via=elm327\], sim:FILE\.yaml/,
    );
    const fr = err.messageIn('fr');
    expect(
      fr.startsWith(
        "adaptateur « obd2:/dev/ttyUSB0 » : type d'adaptateur inconnu « obd2 » (connus : " +
          'elm327:/dev/ttyUSB0[?baud=38400&profile=NOM&protocol=6], elm327:/dev/rfcomm0, elm327:tcp://HÔTE:PORT, ' +
          'socketcan:can0[?extended=1], slcan:/dev/ttyACM0[?bitrate=500000&listen=1&timestamps=1], ' +
          'sim:SCÉNARIO[?via=elm327], sim:FICHIER.yaml',
      ),
      fr,
    ).toBe(true);
    expect(fr).not.toMatch(/\b(NAME|HOST|SCENARIO|FILE)\b/);
  });

  it('parses serial and TCP ELM327 names', () => {
    expect(parseElmSpec('/dev/ttyUSB0?baud=38400')).toEqual({ path: '/dev/ttyUSB0', baud: 38400 });
    expect(parseElmSpec('/dev/rfcomm0')).toEqual({ path: '/dev/rfcomm0' });
    expect(parseElmSpec('tcp://192.168.0.10:35000')).toEqual({ tcp: { host: '192.168.0.10', port: 35000 } });
    expect(parseElmSpec('tcp://127.0.0.1:35000?profile=clone-v1.5&protocol=6')).toMatchObject({
      profile: 'clone-v1.5',
      protocol: '6',
    });
    expect(parseElmSpec('tcp://[::1]:35000')).toEqual({ tcp: { host: '::1', port: 35000 } });
  });

  it('says what is wrong with a bad name', () => {
    expect(() => parseElmSpec('/dev/ttyUSB0?baud=fast')).toThrow(/baud 'fast' is not a baud rate/);
    expect(() => parseElmSpec('/dev/ttyUSB0?speed=1')).toThrow(/unknown option 'speed'/);
    expect(() => parseElmSpec('tcp://host')).toThrow(/tcp:\/\/HOST:PORT/);
    expect(() => parseElmSpec('ttyUSB0')).toThrow(AdapterSpecError);
    expect(() => parseElmSpec('tcp://127.0.0.1:35000?baud=9600')).toThrow(/serial lines, not to TCP/);
    expect(() => parseElmSpec('tcp://127.0.0.1:70000')).toThrow(/port 70000 out of range/);
  });

  it('gives each bad name a reason a caller can branch on', () => {
    const reason = (spec: string) => {
      try {
        checkAdapterName(spec);
      } catch (err) {
        expect(err).toBeInstanceOf(AdapterSpecError);
        expect((err as AdapterSpecError).spec).toBe(spec);
        return (err as AdapterSpecError).reason;
      }
      return 'accepted';
    };
    expect(reason('ttyUSB0')).toBe('syntax');
    expect(reason('elm327:')).toBe('syntax');
    expect(reason('bluetooth:00:11')).toBe('unknown-scheme');
    expect(reason('elm327:/dev/ttyUSB0?speed=1')).toBe('unknown-option');
    expect(reason('elm327:/dev/ttyUSB0?protocol=Z')).toBe('bad-option');
    expect(reason('socketcan:not a name')).toBe('syntax');
    expect(reason('socketcan:can0?extended=maybe')).toBe('bad-option');
    expect(reason('sim:misfire-cyl2?via=usb')).toBe('bad-option');
    expect(reason('sim:misfire-cyl2?profile=clone-v1.5')).toBe('bad-option');
    expect(reason('sim:misfire-cyl2?via=elm327&profile=clone-v1.5')).toBe('accepted');
    expect(reason('elm327:/dev/rfcomm0')).toBe('accepted');
    expect(splitAdapterName('elm327:tcp://h:1?profile=x')).toMatchObject({
      scheme: 'elm327',
      target: 'tcp://h:1',
    });
  });

  it('says what is wrong with a sim: name in French, the English message as it always was', () => {
    const refusal = (spec: string) => {
      try {
        checkAdapterName(spec);
      } catch (err) {
        if (err instanceof AdapterSpecError) return err;
        throw err;
      }
      throw new Error(`${spec} was accepted`);
    };
    const cases: [string, string, string][] = [
      [
        'sim:misfire-cyl2?via=usb',
        "adapter 'sim:misfire-cyl2?via=usb': via 'usb' is not isotp or elm327",
        'adaptateur « sim:misfire-cyl2?via=usb » : via « usb » : attendu isotp ou elm327',
      ],
      [
        'sim:misfire-cyl2?profile=clone-v1.5',
        "adapter 'sim:misfire-cyl2?profile=clone-v1.5': profile applies to via=elm327 (an emulated adapter)",
        'adaptateur « sim:misfire-cyl2?profile=clone-v1.5 » : profile ne s’applique qu’avec via=elm327 (un adaptateur émulé)',
      ],
      [
        'sim:misfire-cyl2?speed=fast',
        "adapter 'sim:misfire-cyl2?speed=fast': unknown option 'speed' (via, profile)",
        'adaptateur « sim:misfire-cyl2?speed=fast » : option inconnue « speed » (options possibles : via, profile)',
      ],
      [
        'sim',
        `adapter 'sim': expected one of ${adapterExamples().join(', ')}`,
        `adaptateur « sim » : attendu l’un de : ${adapterExamples('fr').join(', ')}`,
      ],
    ];
    for (const [spec, en, fr] of cases) {
      const err = refusal(spec);
      expect(err.message).toBe(en);
      expect(err.messageIn('en')).toBe(en);
      expect(err.messageIn('fr')).toBe(fr);
    }
  });

  it('refuses an unknown kind, listing the known ones', async () => {
    await expect(openAdapter('bluetooth:00:11')).rejects.toThrow(
      /unknown adapter kind .*elm327:tcp:\/\/HOST:PORT.*socketcan:can0/,
    );
  });

  it('checks socketcan names before touching the bus', async () => {
    const touched: string[] = [];
    const openBus = async (name: string) => {
      touched.push(name);
      throw new Error('must not be called');
    };
    await expect(openAdapter('socketcan:can0?speed=1', { openBus })).rejects.toThrow(
      /unknown option 'speed'/,
    );
    await expect(openAdapter('socketcan:not a name', { openBus })).rejects.toThrow(/interface name/);
    expect(touched).toEqual([]);
  });

  it('lets other areas register their own scheme', async () => {
    const closed: string[] = [];
    registerAdapterScheme({
      scheme: 'test',
      examples: ['test:NAME'],
      parse: (name) => name.target,
      open: async (rest, ctx) => {
        ctx.traffic(`hello ${rest}`);
        const link = {
          info: { kind: `test-${rest}` },
          request: async () => [],
          close: async () => {
            closed.push(rest);
          },
        };
        ctx.scope.own(link, (l) => l.close());
        return { link, trafficFormat: 'candump', info: { transport: 'test', address: rest } };
      },
    });
    expect(adapterExamples()).toContain('test:NAME');
    const sink = new PassThrough();
    let text = '';
    sink.on('data', (d) => {
      text += d;
    });
    const adapter = await openAdapter('test:x', { traffic: sink });
    expect(adapter.link.info.kind).toBe('test-x');
    expect(adapter.info).toMatchObject({ spec: 'test:x', scheme: 'test', transport: 'test', address: 'x' });
    expect(text).toBe('hello x\n');
    await adapter.close();
    await adapter.close();
    expect(closed).toEqual(['x']);
  });
});
