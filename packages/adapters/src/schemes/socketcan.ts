import { type Bus, BusError, openBus, SocketCanUnavailableError } from '@atelier/can';
import type { Clock } from '@atelier/clock';
import {
  DisconnectedError,
  FUNCTIONAL,
  IsoTpLink,
  LinkError,
  LinkUnavailableError,
  NoResponseError,
} from '@atelier/obd';
import { AdapterSpecError } from '../errors.js';
import { checkOptions, flagOption } from '../name.js';
import { busOpenReason } from '../open-reason.js';
import { specDetail } from '../spec-texts.js';
import { recordCandump } from '../traffic.js';
import type { AdapterScheme } from '../types.js';

/**
 * Which identifiers the vehicle's ECUs use, found the way a scan tool finds them: a functional
 * `01 00` on 11-bit identifiers, then on 29-bit. Nobody answering either leaves 11-bit (ISO 15765-4's
 * first choice) with `detected: false`, so that a car reached only through UDS can still be asked.
 * `timeoutMs` is each probe's response window (the link's default when absent).
 */
export async function detectAddressing(
  bus: Bus,
  clock: Clock,
  timeoutMs?: number,
): Promise<{ extended: boolean; detected: boolean }> {
  for (const extended of [false, true]) {
    const probe = new IsoTpLink(bus, { clock, extended, timeoutMs });
    try {
      await probe.request({ target: FUNCTIONAL, data: Uint8Array.of(0x01, 0x00) });
      return { extended, detected: true };
    } catch (err) {
      if (!(err instanceof NoResponseError)) throw err;
    } finally {
      await probe.close();
    }
  }
  return { extended: false, detected: false };
}

/** A bus that could not be opened, as a LinkError: this machine cannot do SocketCAN, or the interface is not there. */
export function busOpenError(iface: string, err: unknown): unknown {
  if (err instanceof LinkError) return err;
  if (err instanceof SocketCanUnavailableError)
    return new LinkUnavailableError(busOpenReason(iface, err), { cause: err });
  if (err instanceof BusError) return new DisconnectedError(busOpenReason(iface, err), { cause: err });
  return err;
}

export const socketcanScheme: AdapterScheme<{ iface: string; extended?: boolean }> = {
  scheme: 'socketcan',
  examples: ['socketcan:can0[?extended=1]'],
  parse(name) {
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name.target))
      throw new AdapterSpecError(name.spec, 'syntax', specDetail('socketcan.iface'));
    checkOptions(name, ['extended']);
    return { iface: name.target, extended: flagOption(name, 'extended') };
  },
  async open({ iface, extended }, ctx) {
    const { scope, clock } = ctx;
    const open = async () => {
      try {
        return await (ctx.options.openBus ?? ((i: string) => openBus(`socketcan:${i}`, { clock })))(iface);
      } catch (err) {
        throw busOpenError(iface, err);
      }
    };
    const bus = await scope.hold(open(), (b) => b.close());
    // A second endpoint on the interface hears both sides, the tester's frames included: the traffic.
    const tap = await scope.hold(open(), (b) => b.close());
    scope.own(recordCandump(tap, iface, ctx.traffic, clock), (r) => r.stop());
    const found =
      extended === undefined ? await scope.step(detectAddressing(bus, clock)) : { extended, detected: false };
    const link = scope.own(new IsoTpLink(bus, { clock, extended: found.extended }), (l) => l.close());
    return {
      link,
      trafficFormat: 'candump',
      info: {
        transport: 'socketcan',
        address: iface,
        protocol: link.info.protocol,
        extended: found.extended,
        detected: extended === undefined ? found.detected : undefined,
      },
    };
  },
};
