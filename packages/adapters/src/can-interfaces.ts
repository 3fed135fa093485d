import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Linux link type of CAN interfaces (`ARPHRD_CAN` in if_arp.h), as /sys/class/net/IF/type says. */
const ARPHRD_CAN = 280;

export interface CanInterfaceEntry {
  name: string;
  /** The adapter name that opens it: `socketcan:can0`. */
  adapter: string;
}

/**
 * CAN network interfaces of this machine (can0, vcan0, slcan0…), by reading /sys/class/net: each
 * interface whose link type is CAN. No `ip` tool is run; a system without /sys (or without SocketCAN)
 * lists nothing instead of failing.
 */
export function listCanInterfaces(sysNetDir = '/sys/class/net'): CanInterfaceEntry[] {
  let names: string[];
  try {
    names = readdirSync(sysNetDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => {
      try {
        return Number(readFileSync(join(sysNetDir, n, 'type'), 'utf8').trim()) === ARPHRD_CAN;
      } catch {
        return false;
      }
    })
    .sort()
    .map((name) => ({ name, adapter: `socketcan:${name}` }));
}
