import { type Clock, systemClock, type TimerHandle } from '@atelier/clock';
import { decodeUdsDtc, type UdsDtc } from './dtc.js';
import { type DiagnosticLink, MalformedResponseError, NoResponseError, type Target } from './link.js';
import { NegativeResponseError } from './nrc.js';
import { hexBytes, type Text } from './text.js';

/**
 * ISO 14229-1 (UDS) services on one ECU over any DiagnosticLink. Negative answers are
 * NegativeResponseError with the NRC named; 0x21 "busy, repeat request" is retried; 0x78
 * "response pending" is absorbed by the link within P2* (which this client passes along). While a
 * non-default session is open, TesterPresent keeps it alive on the injected clock.
 */

export const SESSIONS = { default: 0x01, programming: 0x02, extended: 0x03, safetySystem: 0x04 } as const;
export const RESETS = { hard: 0x01, keyOffOn: 0x02, soft: 0x03 } as const;
export const ROUTINE_CONTROL = { start: 0x01, stop: 0x02, results: 0x03 } as const;

/** Standard identifiers of ISO 14229-1 annex C (0xF180–0xF19F), by DID. */
export const STANDARD_DIDS: ReadonlyMap<number, Text> = new Map([
  [0xf180, { fr: 'identification du logiciel de démarrage', en: 'boot software identification' }],
  [0xf181, { fr: "identification du logiciel d'application", en: 'application software identification' }],
  [0xf182, { fr: "identification des données d'application", en: 'application data identification' }],
  [0xf183, { fr: 'empreinte du logiciel de démarrage', en: 'boot software fingerprint' }],
  [0xf184, { fr: "empreinte du logiciel d'application", en: 'application software fingerprint' }],
  [0xf185, { fr: "empreinte des données d'application", en: 'application data fingerprint' }],
  [0xf186, { fr: 'session de diagnostic active', en: 'active diagnostic session' }],
  [0xf187, { fr: 'référence pièce de rechange constructeur', en: 'vehicle manufacturer spare part number' }],
  [0xf188, { fr: 'numéro de logiciel constructeur', en: 'vehicle manufacturer ECU software number' }],
  [
    0xf189,
    { fr: 'version de logiciel constructeur', en: 'vehicle manufacturer ECU software version number' },
  ],
  [0xf18a, { fr: 'identifiant du fournisseur', en: 'system supplier identifier' }],
  [0xf18b, { fr: 'date de fabrication du calculateur', en: 'ECU manufacturing date' }],
  [0xf18c, { fr: 'numéro de série du calculateur', en: 'ECU serial number' }],
  [0xf18d, { fr: 'unités fonctionnelles prises en charge', en: 'supported functional units' }],
  [0xf18e, { fr: 'référence kit constructeur', en: 'vehicle manufacturer kit assembly part number' }],
  [0xf190, { fr: "numéro d'identification du véhicule (VIN)", en: 'vehicle identification number (VIN)' }],
  [0xf191, { fr: 'numéro de matériel constructeur', en: 'vehicle manufacturer ECU hardware number' }],
  [0xf192, { fr: 'numéro de matériel fournisseur', en: 'system supplier ECU hardware number' }],
  [0xf193, { fr: 'version de matériel fournisseur', en: 'system supplier ECU hardware version number' }],
  [0xf194, { fr: 'numéro de logiciel fournisseur', en: 'system supplier ECU software number' }],
  [0xf195, { fr: 'version de logiciel fournisseur', en: 'system supplier ECU software version number' }],
  [0xf196, { fr: "numéro d'homologation antipollution", en: 'exhaust regulation or type approval number' }],
  [0xf197, { fr: 'nom du système ou type de moteur', en: 'system name or engine type' }],
  [
    0xf198,
    { fr: "code de l'atelier ou numéro de série de l'outil", en: 'repair shop code or tester serial number' },
  ],
  [0xf199, { fr: 'date de programmation', en: 'programming date' }],
  [
    0xf19a,
    { fr: "code de l'atelier d'étalonnage", en: 'calibration repair shop code or equipment serial number' },
  ],
  [0xf19b, { fr: "date d'étalonnage", en: 'calibration date' }],
  [0xf19c, { fr: "logiciel de l'équipement d'étalonnage", en: 'calibration equipment software number' }],
  [0xf19d, { fr: "date d'installation du calculateur", en: 'ECU installation date' }],
  [0xf19e, { fr: 'référence du fichier ODX', en: 'ODX file' }],
  [0xf19f, { fr: 'entité', en: 'entity' }],
]);

/** Lengths of the standard DIDs whose size the standard fixes; the others are found from the answer. */
const KNOWN_LENGTHS = new Map([
  [0xf186, 1],
  [0xf190, 17],
]);

export function didName(did: number): Text | undefined {
  const std = STANDARD_DIDS.get(did);
  if (std) return std;
  if (did >= 0xf400 && did <= 0xf4ff)
    return { fr: `PID OBD ${hex(did & 0xff)}`, en: `OBD PID ${hex(did & 0xff)}` };
  if (did >= 0xf600 && did <= 0xf6ff)
    return { fr: `moniteur OBD ${hex(did & 0xff)}`, en: `OBD monitor ${hex(did & 0xff)}` };
  if (did >= 0xf800 && did <= 0xf8ff)
    return { fr: `info véhicule OBD ${hex(did & 0xff)}`, en: `OBD info type ${hex(did & 0xff)}` };
  return undefined;
}
const hex = (n: number, w = 2) => n.toString(16).toUpperCase().padStart(w, '0');

export interface DidValue {
  did: number;
  name?: Text;
  data: Uint8Array;
  /** The data as text when it is printable ASCII (part numbers, VIN …). */
  text?: string;
}

export interface UdsClientOptions {
  clock?: Clock;
  /** Response window per request, ms (the link's default when absent). */
  timeoutMs?: number;
  /** P2* passed to the link for 0x78 answers, ms. Default: the session's P2* once known, else 5000. */
  pendingTimeoutMs?: number;
  /** TesterPresent period while a non-default session is open, ms. Default 2000 (S3 is 5000). */
  keepAliveMs?: number;
  /** Repeats after 0x21 busyRepeatRequest before giving up. Default 3. */
  busyRetries?: number;
  /** Pause before repeating a busy request, ms. Default 50. */
  busyDelayMs?: number;
  /** Called when a keep-alive TesterPresent fails; the keep-alive stops. */
  onKeepAliveError?: (err: unknown) => void;
}

export class UdsClient {
  private readonly clock: Clock;
  private keepAlive: TimerHandle | undefined;
  private sessionType: number = SESSIONS.default;
  private p2StarMs: number | undefined;

  constructor(
    readonly link: DiagnosticLink,
    /** The ECU, by its request address (0x7E0, 0x18DA10F1). */
    readonly target: Target,
    private readonly options: UdsClientOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  get session(): number {
    return this.sessionType;
  }

  /** Sends one request and returns the positive answer (service id + 0x40 first). */
  async request(data: number[] | Uint8Array): Promise<Uint8Array> {
    const bytes = Uint8Array.from(data);
    const sid = bytes[0];
    const retries = this.options.busyRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const answers = await this.link.request({
        target: this.target,
        data: bytes,
        expectedResponses: 1,
        ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
        pendingTimeoutMs: this.options.pendingTimeoutMs ?? this.p2StarMs ?? 5000,
      });
      const a = answers[0];
      if (!a) throw new NoResponseError(`no answer to ${hexBytes(bytes)}`);
      const d = a.data;
      if (d[0] === 0x7f) {
        if (d.length < 3 || d[1] !== sid)
          throw new MalformedResponseError(
            `negative answer '${hexBytes(d)}' does not match service ${hex(sid)}`,
          );
        if (d[2] === 0x21 && attempt < retries) {
          await this.clock.sleep(this.options.busyDelayMs ?? 50);
          continue;
        }
        throw new NegativeResponseError(sid, d[2], a.ecu);
      }
      if (d[0] !== sid + 0x40)
        throw new MalformedResponseError(
          `answer '${hexBytes(d)}' to service ${hex(sid)} should start with ${hex(sid + 0x40)}`,
        );
      return d;
    }
  }

  private expect(d: Uint8Array, min: number, what: string): void {
    if (d.length < min)
      throw new MalformedResponseError(`${what}: answer '${hexBytes(d)}' is shorter than ${min} bytes`);
  }

  // ---- 0x10, 0x11, 0x3E ----

  /** DiagnosticSessionControl. Returns the ECU's P2 and P2* timings; opens the keep-alive outside the default session. */
  async startSession(type: number): Promise<{ p2Ms: number; p2StarMs: number }> {
    const d = await this.request([0x10, type]);
    this.expect(d, 6, 'DiagnosticSessionControl');
    if ((d[1] & 0x7f) !== type)
      throw new MalformedResponseError(`session answer echoes ${hex(d[1])}, asked ${hex(type)}`);
    const timings = { p2Ms: d[2] * 256 + d[3], p2StarMs: (d[4] * 256 + d[5]) * 10 };
    this.p2StarMs = timings.p2StarMs;
    this.sessionType = type;
    if (type === SESSIONS.default) this.stopKeepAlive();
    else this.startKeepAlive();
    return timings;
  }

  async ecuReset(type: number = RESETS.hard): Promise<void> {
    const d = await this.request([0x11, type]);
    this.expect(d, 2, 'ECUReset');
    // A reset drops the ECU back to its default session.
    this.stopKeepAlive();
    this.sessionType = SESSIONS.default;
  }

  async testerPresent(): Promise<void> {
    await this.request([0x3e, 0x00]);
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    const period = this.options.keepAliveMs ?? 2000;
    const tick = () => {
      this.keepAlive = undefined;
      this.testerPresent().then(
        () => {
          if (this.sessionType !== SESSIONS.default && this.keepAlive === undefined)
            this.keepAlive = this.clock.setTimeout(tick, period);
        },
        (err) => this.options.onKeepAliveError?.(err),
      );
    };
    this.keepAlive = this.clock.setTimeout(tick, period);
  }

  private stopKeepAlive(): void {
    if (this.keepAlive) this.clock.clearTimeout(this.keepAlive);
    this.keepAlive = undefined;
  }

  // ---- 0x22 ----

  /**
   * ReadDataByIdentifier with one or several DIDs. The answer carries no lengths, so each value
   * ends where the next requested DID's identifier follows (or at a length given in `lengths`, or
   * known from the standard); the last takes the rest.
   */
  async readDids(dids: number[], lengths: Record<number, number> = {}): Promise<DidValue[]> {
    if (dids.length === 0) throw new RangeError('readDids needs at least one DID');
    const d = await this.request([0x22, ...dids.flatMap((x) => [x >> 8, x & 0xff])]);
    const out: DidValue[] = [];
    let i = 1;
    for (let k = 0; k < dids.length; k++) {
      const did = dids[k];
      if (i + 2 > d.length || d[i] * 256 + d[i + 1] !== did) {
        throw new MalformedResponseError(
          `ReadDataByIdentifier: expected DID ${hex(did, 4)} at byte ${i} of '${hexBytes(d)}'`,
        );
      }
      i += 2;
      let end: number;
      const known = lengths[did] ?? KNOWN_LENGTHS.get(did);
      if (known !== undefined) end = i + known;
      else if (k === dids.length - 1) end = d.length;
      else {
        const next = dids[k + 1];
        end = -1;
        for (let j = i; j + 1 < d.length; j++) {
          if (d[j] === next >> 8 && d[j + 1] === (next & 0xff)) {
            end = j;
            break;
          }
        }
        if (end < 0)
          throw new MalformedResponseError(
            `ReadDataByIdentifier: DID ${hex(next, 4)} missing from '${hexBytes(d)}'`,
          );
      }
      if (end > d.length)
        throw new MalformedResponseError(
          `ReadDataByIdentifier: DID ${hex(did, 4)} needs ${known} byte(s), answer ends first`,
        );
      const data = d.slice(i, end);
      const name = didName(did);
      const text =
        data.length > 0 && data.every((b) => b >= 0x20 && b < 0x7f)
          ? String.fromCharCode(...data)
          : undefined;
      out.push({ did, ...(name ? { name } : {}), data, ...(text ? { text } : {}) });
      i = end;
    }
    return out;
  }

  // ---- 0x19 ----

  /** 0x19 0x01: number of DTCs matching a status mask. */
  async readDtcCount(
    statusMask = 0xff,
  ): Promise<{ availabilityMask: number; format: number; count: number }> {
    const d = await this.request([0x19, 0x01, statusMask]);
    this.expect(d, 6, 'reportNumberOfDTCByStatusMask');
    return { availabilityMask: d[2], format: d[3], count: d[4] * 256 + d[5] };
  }

  private dtcRecords(d: Uint8Array, what: string): { availabilityMask: number; dtcs: UdsDtc[] } {
    this.expect(d, 3, what);
    const body = d.subarray(3);
    if (body.length % 4 !== 0)
      throw new MalformedResponseError(
        `${what}: ${body.length} bytes of DTC records is not a multiple of 4 in '${hexBytes(d)}'`,
      );
    const dtcs: UdsDtc[] = [];
    for (let i = 0; i < body.length; i += 4)
      dtcs.push(decodeUdsDtc(body[i], body[i + 1], body[i + 2], body[i + 3]));
    return { availabilityMask: d[2], dtcs };
  }

  /** 0x19 0x02: DTCs matching a status mask, each with its status byte decoded. */
  async readDtcsByStatus(statusMask = 0xff): Promise<{ availabilityMask: number; dtcs: UdsDtc[] }> {
    return this.dtcRecords(await this.request([0x19, 0x02, statusMask]), 'reportDTCByStatusMask');
  }

  /** 0x19 0x0A: every DTC the ECU supports, with its status. */
  async readSupportedDtcs(): Promise<{ availabilityMask: number; dtcs: UdsDtc[] }> {
    return this.dtcRecords(await this.request([0x19, 0x0a]), 'reportSupportedDTC');
  }

  private async dtcRecord(
    sub: number,
    dtc: number,
    record: number,
    what: string,
  ): Promise<{ dtc: UdsDtc; records: Uint8Array }> {
    const d = await this.request([0x19, sub, (dtc >> 16) & 0xff, (dtc >> 8) & 0xff, dtc & 0xff, record]);
    this.expect(d, 6, what);
    const got = (d[2] << 16) | (d[3] << 8) | d[4];
    if (got !== dtc)
      throw new MalformedResponseError(`${what}: answer is for DTC ${hex(got, 6)}, asked ${hex(dtc, 6)}`);
    return { dtc: decodeUdsDtc(d[2], d[3], d[4], d[5]), records: d.slice(6) };
  }

  /** 0x19 0x04: snapshot (freeze frame) records of one DTC, raw: record number, DID count, DIDs and data. */
  readSnapshot(dtc: number, record = 0xff): Promise<{ dtc: UdsDtc; records: Uint8Array }> {
    return this.dtcRecord(0x04, dtc, record, 'reportDTCSnapshotRecordByDTCNumber');
  }

  /** 0x19 0x06: extended data records of one DTC, raw: record number then its data. */
  readExtendedData(dtc: number, record = 0xff): Promise<{ dtc: UdsDtc; records: Uint8Array }> {
    return this.dtcRecord(0x06, dtc, record, 'reportDTCExtDataRecordByDTCNumber');
  }

  // ---- 0x14, 0x31 ----

  /** ClearDiagnosticInformation for a group (0xFFFFFF: all groups). */
  async clearDtcs(group = 0xffffff): Promise<void> {
    await this.request([0x14, (group >> 16) & 0xff, (group >> 8) & 0xff, group & 0xff]);
  }

  /** RoutineControl: start, stop or request results of a routine; returns the status record. */
  async routine(
    control: keyof typeof ROUTINE_CONTROL,
    id: number,
    params: number[] = [],
  ): Promise<Uint8Array> {
    const sub = ROUTINE_CONTROL[control];
    const d = await this.request([0x31, sub, id >> 8, id & 0xff, ...params]);
    this.expect(d, 4, 'RoutineControl');
    if (d[1] !== sub || d[2] * 256 + d[3] !== id)
      throw new MalformedResponseError(
        `RoutineControl: answer '${hexBytes(d)}' is not for routine ${hex(id, 4)}`,
      );
    return d.slice(4);
  }

  /** Stops the keep-alive. The link stays open: it belongs to the caller. */
  close(): void {
    this.stopKeepAlive();
  }
}
