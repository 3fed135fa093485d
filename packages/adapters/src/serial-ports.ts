import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

export interface SerialPortEntry {
  path: string;
  /** Stable name from /dev/serial/by-id when the system has one (udev), else the device name. */
  label: string;
  /** `bluetooth` for an rfcomm binding, `usb` for ttyUSB/ttyACM. */
  kind: 'usb' | 'bluetooth';
  /** The adapter name that opens it: `elm327:/dev/ttyUSB0`. */
  adapter: string;
}

/**
 * Serial ports an ELM327 may sit on, by reading /dev directly: USB adapters (ttyUSB, ttyACM),
 * Bluetooth bindings (rfcomm) and their udev by-id names when present. No udev tool is run, so a
 * container or a minimal system without udevadm lists what it has (possibly nothing) instead of
 * failing.
 */
export function listSerialPorts(devDir = '/dev'): SerialPortEntry[] {
  let names: string[];
  try {
    names = readdirSync(devDir);
  } catch {
    return [];
  }
  const byId = new Map<string, string>();
  try {
    for (const n of readdirSync(join(devDir, 'serial', 'by-id'))) {
      try {
        byId.set(realpathSync(join(devDir, 'serial', 'by-id', n)), n);
      } catch {
        // a dangling udev link: the device went away while listing
      }
    }
  } catch {
    // no udev: no by-id names
  }
  return names
    .filter((n) => /^(ttyUSB\d+|ttyACM\d+|rfcomm\d+)$/.test(n))
    .sort()
    .map((n) => {
      const path = join(devDir, n);
      return {
        path,
        label: byId.get(path) ?? n,
        kind: n.startsWith('rfcomm') ? 'bluetooth' : 'usb',
        adapter: `elm327:${path}`,
      };
    });
}
