import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSerialPorts } from './serial-ports.js';

describe('serial ports', () => {
  it('lists USB and Bluetooth serial devices without udev, and nothing where /dev cannot be read', () => {
    const dev = mkdtempSync(join(tmpdir(), 'atelier-dev-'));
    try {
      for (const n of ['ttyUSB0', 'ttyACM1', 'rfcomm0', 'ttyS0', 'null']) writeFileSync(join(dev, n), '');
      expect(listSerialPorts(dev).map((p) => p.label)).toEqual(['rfcomm0', 'ttyACM1', 'ttyUSB0']);
      mkdirSync(join(dev, 'serial', 'by-id'), { recursive: true });
      symlinkSync(join(dev, 'ttyUSB0'), join(dev, 'serial', 'by-id', 'usb-FTDI_ELM327-if00-port0'));
      expect(listSerialPorts(dev).find((p) => p.path === join(dev, 'ttyUSB0'))?.label).toBe(
        'usb-FTDI_ELM327-if00-port0',
      );
      expect(listSerialPorts(dev).map((p) => [p.kind, p.adapter])).toEqual([
        ['bluetooth', `elm327:${join(dev, 'rfcomm0')}`],
        ['usb', `elm327:${join(dev, 'ttyACM1')}`],
        ['usb', `elm327:${join(dev, 'ttyUSB0')}`],
      ]);
      expect(listSerialPorts(join(dev, 'absent'))).toEqual([]);
    } finally {
      rmSync(dev, { recursive: true, force: true });
    }
  });
});
