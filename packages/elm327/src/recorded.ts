import { FUNCTIONAL, physical, type Responder, type ResponderAnswer, type Target } from '@atelier/obd';
import { answerLines, parseAnswer } from './parse.js';
import { type ElmProtocol, parseDpn, protocolById } from './protocols.js';
import type { TranscriptEntry } from './transcript.js';

/**
 * A responder that answers from a table of recorded exchanges: the same request gets the recorded
 * answers in turn (so live values move as they did), an unrecorded one gets silence (NO DATA).
 * Built from a transcript, it lets an instructor record a real car once and serve it to a class
 * through the emulator.
 */
export interface RecordedExchange {
  target: Target;
  request: Uint8Array;
  /** What every ECU answered; an empty list is a recorded silence. */
  answers: ResponderAnswer[];
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join('');
const targetKey = (t: Target) => (t.kind === 'functional' ? 'F' : t.address.toString(16).toUpperCase());

export class RecordedResponder implements Responder {
  private table = new Map<string, ResponderAnswer[][]>();
  private turn = new Map<string, number>();
  private known = new Map<number, boolean>();

  constructor(
    exchanges: RecordedExchange[],
    /** The protocol the recording was made on (an ELM number), for the emulator. */
    readonly protocol = '6',
  ) {
    const extended = protocolById(protocol)?.extended ?? false;
    for (const x of exchanges) {
      const key = `${targetKey(x.target)}:${hex(x.request)}`;
      const list = this.table.get(key) ?? [];
      list.push(x.answers);
      this.table.set(key, list);
      for (const a of x.answers) this.known.set(a.ecu, extended);
    }
  }

  /** Number of distinct requests recorded. */
  get size(): number {
    return this.table.size;
  }

  respond(req: { target: Target; data: Uint8Array }): ResponderAnswer[] {
    const key = `${targetKey(req.target)}:${hex(req.data)}`;
    const list = this.table.get(key);
    if (!list) return [];
    const i = this.turn.get(key) ?? 0;
    this.turn.set(key, i + 1);
    return list[i % list.length]!;
  }

  ecus() {
    return [...this.known].map(([response, extended]) => ({
      response,
      extended,
      request: extended ? (0x18da00f1 | ((response & 0xff) << 8)) >>> 0 : response - 8,
    }));
  }
}

export class RecordingError extends Error {
  override name = 'RecordingError';
}

/** The target an ELM327 header addresses (the emulator's rule, from the client's side). */
function targetOf(header: string | undefined, priority: number, protocol: ElmProtocol): Target {
  if (!header || protocol.family !== 'can') return FUNCTIONAL;
  if (!protocol.extended) {
    const id = Number.parseInt(header.slice(-3), 16);
    return id === 0x7df ? FUNCTIONAL : physical(id);
  }
  const full =
    header.length === 8
      ? Number.parseInt(header, 16)
      : ((priority << 24) | Number.parseInt(header, 16)) >>> 0;
  return ((full >>> 16) & 0xff) === 0xdb ? FUNCTIONAL : physical(full);
}

function firstProtocol(entries: TranscriptEntry[]): ElmProtocol | undefined {
  for (let i = 0; i < entries.length; i++) {
    if (entries[i]!.dir !== 'tx' || entries[i]!.data.replace(/\s+/g, '').toUpperCase() !== 'ATDPN') continue;
    let raw = '';
    for (let j = i + 1; j < entries.length && entries[j]!.dir !== 'tx' && !raw.includes('>'); j++) {
      if (entries[j]!.dir === 'rx') raw += entries[j]!.data;
    }
    const dpn = parseDpn(answerLines(raw.split('>')[0]!, 'ATDPN')[0] ?? '');
    if (dpn) return dpn.protocol;
  }
  return undefined;
}

/**
 * Reads the exchanges out of a client transcript: every OBD/UDS request with the answer the adapter
 * printed, under the header (ATSH/ATCP) in force and the protocol ATDPN reported. Answers that were
 * NO DATA become recorded silences; other adapter errors are skipped.
 */
export function responderFromTranscript(
  entries: TranscriptEntry[],
  source = 'transcript',
): RecordedResponder {
  const exchanges: RecordedExchange[] = [];
  // The detection request comes before ATDPN says what was found: look ahead for it.
  const first = firstProtocol(entries);
  let protocol = first ?? protocolById('6')!;
  let protocolSeen = first !== undefined;
  let header: string | undefined;
  let priority = 0x18;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.dir !== 'tx') continue;
    const command = e.data.replace(/\s+/g, '').toUpperCase();
    if (!command) continue;
    // The answer: rx entries up to the next prompt.
    let raw = '';
    let j = i + 1;
    for (; j < entries.length && !raw.includes('>'); j++) {
      if (entries[j]!.dir === 'tx') break;
      if (entries[j]!.dir === 'rx') raw += entries[j]!.data;
    }
    if (!raw.includes('>')) continue;
    raw = raw.slice(0, raw.indexOf('>'));
    const lines = answerLines(raw, command);
    if (command === 'ATDPN') {
      const dpn = parseDpn(lines[0] ?? '');
      if (dpn) {
        protocol = dpn.protocol;
        protocolSeen = true;
      }
    } else if (/^ATSH([0-9A-F]{3}|[0-9A-F]{6}|[0-9A-F]{8})$/.test(command)) header = command.slice(4);
    else if (/^ATCP([0-9A-F]{2})$/.test(command)) priority = Number.parseInt(command.slice(4), 16);
    else if (/^(ATZ|ATD|ATWS)$/.test(command)) header = undefined;
    else if (/^[0-9A-F]{2,}$/.test(command) && !command.startsWith('AT')) {
      const even = command.length % 2 === 0 ? command : command.slice(0, -1);
      const request = Uint8Array.from(even.match(/../g)!.map((b) => Number.parseInt(b, 16)));
      const target = targetOf(header, priority, protocol);
      try {
        const parsed = parseAnswer(raw, { protocol, headers: true, command });
        exchanges.push({
          target,
          request,
          answers: parsed.responses.map((r) => ({
            ecu: r.ecu ?? (target.kind === 'physical' ? target.address + 8 : 0x7e8),
            data: r.data,
          })),
        });
      } catch (err) {
        if ((err as Error).name === 'ElmNoDataError') exchanges.push({ target, request, answers: [] });
      }
    }
  }
  if (exchanges.length === 0)
    throw new RecordingError(`${source}: no OBD/UDS exchange with an answer in the transcript`);
  return new RecordedResponder(exchanges, protocolSeen ? protocol.id : '6');
}
