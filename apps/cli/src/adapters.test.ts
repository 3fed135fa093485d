import { PassThrough } from 'node:stream';
import type { CliContext } from '@atelier/command';
import { DemoCar, Elm327Emulator, serveTcp } from '@atelier/elm327';
import { FUNCTIONAL } from '@atelier/obd';
import { describe, expect, it } from 'vitest';
import {
  AdapterSpecError,
  adapterExamples,
  openAdapter,
  parseElmSpec,
  registerAdapterScheme,
} from './adapters.js';

const ctx: CliContext = {
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  lang: 'en',
  cwd: process.cwd(),
  signal: new AbortController().signal,
  stderrIsTTY: false,
};

describe('adapter names', () => {
  it('parses serial and TCP ELM327 names', () => {
    expect(parseElmSpec('/dev/ttyUSB0?baud=38400')).toEqual({ path: '/dev/ttyUSB0', baud: 38400 });
    expect(parseElmSpec('/dev/rfcomm0')).toEqual({ path: '/dev/rfcomm0' });
    expect(parseElmSpec('tcp://192.168.0.10:35000')).toEqual({ tcp: { host: '192.168.0.10', port: 35000 } });
    expect(parseElmSpec('tcp://127.0.0.1:35000?profile=clone-v1.5&protocol=6')).toMatchObject({
      profile: 'clone-v1.5',
      protocol: '6',
    });
  });

  it('says what is wrong with a bad name', () => {
    expect(() => parseElmSpec('/dev/ttyUSB0?baud=fast')).toThrow(/baud 'fast' is not a baud rate/);
    expect(() => parseElmSpec('/dev/ttyUSB0?speed=1')).toThrow(/unknown option 'speed'/);
    expect(() => parseElmSpec('tcp://host')).toThrow(/tcp:\/\/HOST:PORT/);
    expect(() => parseElmSpec('ttyUSB0')).toThrow(AdapterSpecError);
  });

  it('refuses an unknown kind, listing the known ones', async () => {
    await expect(openAdapter('bluetooth:00:11', ctx)).rejects.toThrow(
      /unknown adapter kind .*elm327:tcp:\/\/HOST:PORT.*socketcan:can0/,
    );
  });

  it('opens an ELM327 over TCP', async () => {
    const emu = new Elm327Emulator({ responder: new DemoCar(), baud: 0, latencyMs: 1 });
    const tcp = await serveTcp(emu, { port: 0 });
    try {
      const link = await openAdapter(`elm327:tcp://127.0.0.1:${tcp.port}`, ctx);
      expect(link.info.kind).toBe('elm327');
      const answers = await link.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x00) });
      expect(answers.map((a) => a.ecu)).toEqual([0x7e8, 0x7e9]);
      await link.close();
    } finally {
      await tcp.close();
    }
  });

  it('checks socketcan names before touching the bus', async () => {
    await expect(openAdapter('socketcan:can0?speed=1', ctx)).rejects.toThrow(/unknown option 'speed'/);
    await expect(openAdapter('socketcan:not a name', ctx)).rejects.toThrow(/interface name/);
  });

  it('lets other areas register their own scheme', async () => {
    registerAdapterScheme({
      scheme: 'test',
      examples: ['test:NAME'],
      open: async (rest) => ({
        info: { kind: `test-${rest}` },
        request: async () => [],
        close: async () => {},
      }),
    });
    expect(adapterExamples()).toContain('test:NAME');
    expect((await openAdapter('test:x', ctx)).info.kind).toBe('test-x');
  });
});
