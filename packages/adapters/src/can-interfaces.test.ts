import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCanInterfaces } from './can-interfaces.js';

describe('CAN interfaces', () => {
  it('lists the interfaces whose link type is CAN (280), and nothing where /sys cannot be read', () => {
    const sys = mkdtempSync(join(tmpdir(), 'atelier-sysnet-'));
    try {
      // Link types as the kernel writes them: 1 Ethernet, 772 loopback, 280 CAN.
      for (const [name, type] of [
        ['eth0', '1'],
        ['lo', '772'],
        ['vcan0', '280'],
        ['can0', '280\n'],
      ] as const) {
        mkdirSync(join(sys, name));
        writeFileSync(join(sys, name, 'type'), type);
      }
      mkdirSync(join(sys, 'broken'));
      expect(listCanInterfaces(sys)).toEqual([
        { name: 'can0', adapter: 'socketcan:can0' },
        { name: 'vcan0', adapter: 'socketcan:vcan0' },
      ]);
      expect(listCanInterfaces(join(sys, 'absent'))).toEqual([]);
    } finally {
      rmSync(sys, { recursive: true, force: true });
    }
  });
});
