import {
  type Bus,
  type Frame,
  IsoTpEndpoint,
  type IsoTpOptions,
  OBD_FUNCTIONAL_ID_11,
  OBD_FUNCTIONAL_ID_29,
} from '@atelier/can';
import type { Clock, TimerHandle } from '@atelier/clock';

/**
 * A scripted ECU on a CAN bus, for tests of anything that speaks through a link: it answers
 * physical requests (ISO-TP, multi-frame both ways) and single-frame functional broadcasts with
 * whatever its script returns, after the given delays on the injected clock. Returning nothing
 * keeps the ECU silent.
 */

export interface ScriptedAnswer {
  data: ArrayLike<number>;
  /** Delay after the request (or after the previous answer of the same request), ms. */
  delayMs?: number;
}

export type EcuScript = (
  request: Uint8Array,
  functional: boolean,
) => ScriptedAnswer[] | ArrayLike<number> | undefined;

export interface ScriptedEcuOptions {
  /** Id the ECU listens on (0x7E0, 0x18DA10F1). */
  request: number;
  /** Id it answers on (0x7E8, 0x18DAF110). */
  response: number;
  extended?: boolean;
  clock: Clock;
  /** Broadcast id it also listens to; default 0x7DF or 0x18DB33F1. `null` ignores broadcasts. */
  functionalId?: number | null;
  isotp?: Omit<IsoTpOptions, 'clock'>;
}

export class ScriptedEcu {
  /** Every request the ECU received, in order. */
  readonly requests: { data: Uint8Array; functional: boolean }[] = [];
  private readonly endpoint: IsoTpEndpoint;
  private readonly unsubscribe: () => void;
  private readonly timers = new Set<TimerHandle>();

  constructor(
    bus: Bus,
    private readonly options: ScriptedEcuOptions,
    private readonly script: EcuScript,
  ) {
    const extended = options.extended ?? options.request > 0x7ff;
    this.endpoint = new IsoTpEndpoint(
      bus,
      { txId: options.response, rxId: options.request, extendedIds: extended },
      { ...options.isotp, clock: options.clock },
    );
    this.endpoint.onMessage((m) => this.handle(m.data, false));
    const fid =
      options.functionalId === undefined
        ? extended
          ? OBD_FUNCTIONAL_ID_29
          : OBD_FUNCTIONAL_ID_11
        : options.functionalId;
    this.unsubscribe =
      fid === null
        ? () => {}
        : bus.subscribe(
            (f: Frame) => {
              const len = f.data[0] & 0x0f;
              if (f.data[0] >> 4 !== 0 || len === 0 || len > f.data.length - 1) return;
              this.handle(f.data.subarray(1, 1 + len), true);
            },
            [{ id: fid, mask: extended ? 0x1fffffff : 0x7ff, extended }],
          );
  }

  private handle(data: Uint8Array, functional: boolean): void {
    const copy = Uint8Array.from(data);
    this.requests.push({ data: copy, functional });
    const out = this.script(copy, functional);
    if (!out) return;
    const answers: ScriptedAnswer[] =
      Array.isArray(out) && (out.length === 0 || typeof out[0] === 'object')
        ? (out as ScriptedAnswer[])
        : [{ data: out as ArrayLike<number> }];
    let at = 0;
    for (const a of answers) {
      at += a.delayMs ?? 0;
      const send = () => {
        this.endpoint.send(Uint8Array.from(a.data)).catch(() => {});
      };
      if (at === 0) send();
      else {
        const h = this.options.clock.setTimeout(() => {
          this.timers.delete(h);
          send();
        }, at);
        this.timers.add(h);
      }
    }
  }

  close(): void {
    this.unsubscribe();
    for (const t of this.timers) this.options.clock.clearTimeout(t);
    this.endpoint.close();
  }
}
