import { type Bus, type Frame, IsoTpEndpoint } from '@atelier/can';
import { type Clock, systemClock } from '@atelier/clock';
import { FUNCTIONAL, physical, type Responder, type ResponderAnswer } from '@atelier/obd';
import { FUNCTIONAL_11, FUNCTIONAL_29 } from './profiles.js';

export interface ServeOptions {
  clock?: Clock;
  /** ISO-TP padding byte of the simulated ECUs (0xCC by default, as ISO 15765-2:2016 recommends; 0x00 or 0xAA on many cars). */
  padding?: number | null;
  /** Called with every error an ECU's ISO-TP channel reports (a tester that vanished mid-transfer). */
  onError?: (err: Error) => void;
}

export interface ServedVehicle {
  readonly endpoints: IsoTpEndpoint[];
  close(): void;
}

/**
 * Serves a Responder on a CAN bus the way the ECUs of a car do: one ISO-TP server per ECU on its
 * request/response ids, plus the OBD functional id (0x7DF, 0x18DB33F1), whose single-frame
 * broadcasts every ECU answers on its own id. Each answer leaves after the ECU's processing delay,
 * on the injected clock.
 */
export function serveOnBus(bus: Bus, responder: Responder, options: ServeOptions = {}): ServedVehicle {
  const clock = options.clock ?? systemClock;
  const ecus = responder.ecus();
  const byResponse = new Map<number, IsoTpEndpoint>();
  const endpoints: IsoTpEndpoint[] = [];
  const timers = new Set<ReturnType<Clock['setTimeout']>>();
  let closed = false;

  const deliver = (answers: ResponderAnswer[]) => {
    for (const a of answers) {
      const ep = byResponse.get(a.ecu);
      if (!ep) continue;
      const send = () => {
        if (closed) return;
        ep.send(a.data).catch((err: Error) => options.onError?.(err));
      };
      if (a.delayMs && a.delayMs > 0) {
        const h = clock.setTimeout(() => {
          timers.delete(h);
          send();
        }, a.delayMs);
        timers.add(h);
      } else send();
    }
  };
  const ask = async (req: Parameters<Responder['respond']>[0]) => {
    try {
      deliver(await responder.respond(req));
    } catch (err) {
      options.onError?.(err as Error);
    }
  };

  for (const e of ecus) {
    const ep = new IsoTpEndpoint(
      bus,
      { txId: e.response, rxId: e.request, extendedIds: e.extended },
      { clock, padding: options.padding === undefined ? 0xcc : options.padding },
    );
    ep.onMessage((m) => {
      void ask({ target: physical(e.request), data: m.data, extended: e.extended, nowMs: clock.now() });
    });
    if (options.onError) ep.onError(options.onError);
    byResponse.set(e.response, ep);
    endpoints.push(ep);
  }

  // Functional requests: single frames on the broadcast id, answered once for all ECUs.
  const extendedKinds = new Set(ecus.map((e) => e.extended));
  const unsubscribes: (() => void)[] = [];
  for (const extended of extendedKinds) {
    const id = extended ? FUNCTIONAL_29 : FUNCTIONAL_11;
    unsubscribes.push(
      bus.subscribe(
        (f: Frame) => {
          const data = singleFramePayload(f);
          if (data) void ask({ target: FUNCTIONAL, data, extended, nowMs: clock.now() });
        },
        [{ id, mask: extended ? 0x1fffffff : 0x7ff, extended }],
      ),
    );
  }

  return {
    endpoints,
    close() {
      closed = true;
      for (const h of timers) clock.clearTimeout(h);
      timers.clear();
      for (const u of unsubscribes) u();
      for (const ep of endpoints) ep.close();
    },
  };
}

/** Payload of an ISO-TP single frame (classic, or CAN FD with the escape length), else undefined. */
function singleFramePayload(f: Frame): Uint8Array | undefined {
  const d = f.data;
  if (d.length === 0 || d[0] >> 4 !== 0) return undefined;
  let len = d[0] & 0x0f;
  let start = 1;
  if (len === 0 && d.length > 8) {
    len = d[1];
    start = 2;
  }
  if (len === 0 || len > d.length - start) return undefined;
  return d.slice(start, start + len);
}
