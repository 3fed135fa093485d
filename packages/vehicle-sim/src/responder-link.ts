import { type Clock, systemClock } from '@atelier/clock';
import {
  type DiagnosticLink,
  type EcuResponse,
  type KnownEcu,
  LinkError,
  type LinkInfo,
  type LinkRequest,
  linkReason,
  NoResponseError,
  type Responder,
} from '@atelier/obd';

/**
 * A DiagnosticLink straight onto a Responder, in process: what `--adapter sim:SCENARIO` opens. No
 * bus and no adapter in between, but the same contract: every ECU's answer after its processing
 * delay, and NoResponseError (never an empty list) when nobody answers.
 */
export class ResponderLink implements DiagnosticLink {
  readonly info: LinkInfo;
  private readonly clock: Clock;
  private closed = false;

  constructor(
    readonly responder: Responder,
    options: { clock?: Clock; extended?: boolean; protocol?: string } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    const extended = options.extended ?? responder.ecus().some((e) => e.extended);
    this.info = {
      kind: 'sim',
      extended,
      protocol: options.protocol ?? `ISO 15765-4 CAN (${extended ? 29 : 11} bit ID, 500 kbaud), simulated`,
    };
  }

  async request(req: LinkRequest): Promise<EcuResponse[]> {
    if (this.closed) throw new LinkError(linkReason('link-closed', { what: 'simulated' }), 'closed');
    const extended = !!this.info.extended;
    const answers = await this.responder.respond({
      target: req.target,
      data: req.data,
      extended,
      nowMs: this.clock.now(),
      ...(req.addressExtension !== undefined ? { addressExtension: req.addressExtension } : {}),
    });
    const limit = req.expectedResponses ?? answers.length;
    const kept = answers.slice(0, limit);
    if (kept.length === 0)
      throw new NoResponseError(
        linkReason('sim-no-answer', { request: Buffer.from(req.data).toString('hex') }),
      );
    const delay = Math.max(0, ...kept.map((a) => a.delayMs ?? 0));
    if (delay > 0) await this.clock.sleep(delay);
    const now = this.clock.now() / 1000;
    return kept.map((a) => ({ ecu: a.ecu, extended, data: a.data, timestamp: now }));
  }

  /** The simulated car's ECUs (the UDS ones OBD-II does not find), from the responder. */
  knownEcus(): KnownEcu[] {
    return this.responder.ecus();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
