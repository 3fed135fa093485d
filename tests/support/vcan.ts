/**
 * A vcan interface for the SocketCAN tests that need the kernel, or why there is none. Real SocketCAN
 * needs the native module and a vcan interface. Each test file makes one of its own (`own`), so that
 * frames of other test files on vcan0 (run in parallel) cannot answer its detection; where it may not
 * create interfaces, an existing vcan0 is used.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadSocketCan } from '@atelier/can';

export async function vcanInterface(own: string): Promise<{ iface?: string; skip?: string }> {
  if (process.platform !== 'linux') return { skip: `SocketCAN is Linux-only (platform ${process.platform})` };
  try {
    await loadSocketCan();
  } catch (err) {
    return { skip: `socketcan native module not loadable: ${(err as Error).message}` };
  }
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  try {
    if (!existsSync(`/sys/class/net/${own}`)) ip('link', 'add', 'dev', own, 'type', 'vcan');
    ip('link', 'set', 'up', own);
    return { iface: own };
  } catch (err) {
    if (existsSync('/sys/class/net/vcan0')) return { iface: 'vcan0' };
    const text = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim();
    return { skip: `no vcan interface and cannot create one (ip link add dev ${own} type vcan: ${text})` };
  }
}
