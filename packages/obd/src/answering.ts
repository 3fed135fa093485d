import type { ScanEcu, ScanItem } from './scan.js';

/**
 * The ECUs that answered something in a scan: every ECU with at least one item `read`, once, in
 * the order they first answered (the ECUs found by their 01 00 bitmap first, as the scan reads them
 * first). An ECU that answered anything was reached, even one that left 01 00 unanswered: a
 * recording made by a logger that never asked 01 00 still holds the VIN, the codes and the PIDs of
 * its ECU, and "no ECU answered" beside them would be false.
 *
 * Not `VehicleScan.ecus`, which is every ECU the scan met, answering or not: a known UDS ECU that
 * was asked and stayed silent is in it, and is not here. Only `read` counts: a refusal (`refused`,
 * or `not-supported` from NRC 0x11/0x12/0x31) is the ECU's answer to one question, but it gives
 * nothing of the car, and `not-supported` is also what the scan says without asking (a PID the
 * bitmap leaves out). Takes the items rather than the scan's result so that a reading stopped by a
 * disconnection, which has only the items delivered so far, is said the same way.
 */
export function answeringEcus(items: Iterable<ScanItem>): ScanEcu[] {
  const out = new Map<string, ScanEcu>();
  for (const item of items) {
    if (item.status !== 'read' || !item.ecu) continue;
    // By address and width, not by object: items read back from storage are copies.
    const key = `${item.ecu.extended ? 'x' : 's'}${item.ecu.address}`;
    if (!out.has(key)) out.set(key, item.ecu);
  }
  return [...out.values()];
}
