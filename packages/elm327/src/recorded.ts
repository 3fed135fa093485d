import {
  type RecordedExchange,
  type RecordedOptions,
  RecordedResponder,
  RecordingError,
  responseAddressOf,
  type Target,
} from '@atelier/obd';
import { targetOfHeader } from './header.js';
import { answerLines, parseAnswer } from './parse.js';
import { type ElmProtocol, parseDpn, protocolById } from './protocols.js';
import type { TranscriptEntry } from './transcript.js';

/**
 * ELM327 transcripts as recordings: every OBD/UDS request the client sent with the answer the
 * adapter printed, turned into @atelier/obd's RecordedResponder, so a car recorded once through an
 * adapter can be served to a class through the emulator.
 */

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

/** Who answered when the adapter printed no header: the ECU asked, or the engine ECU. */
function answerer(target: Target, protocol: ElmProtocol): number {
  if (target.kind === 'physical') {
    try {
      return responseAddressOf(target.address, protocol.extended);
    } catch {
      // a 29-bit header outside normal fixed addressing: nothing says who answered
    }
  }
  return protocol.extended ? 0x18daf110 : 0x7e8;
}

/**
 * Reads the exchanges out of a client transcript: every OBD/UDS request with the answer the adapter
 * printed, under the header (ATSH, ATCP) in force, the protocol ATSP/ATTP set or ATDPN reported, and
 * headers on or off (ATH1/ATH0). Answers that were NO DATA become recorded silences; other adapter
 * errors are left out (the car was not what failed).
 */
export function exchangesFromTranscript(entries: TranscriptEntry[]): {
  exchanges: RecordedExchange[];
  protocol: ElmProtocol;
  protocolSeen: boolean;
} {
  const exchanges: RecordedExchange[] = [];
  // The detection request comes before ATDPN says what was found: look ahead for it.
  const first = firstProtocol(entries);
  let protocol = first ?? protocolById('6')!;
  let protocolSeen = first !== undefined;
  let header: string | undefined;
  let priority = 0x18;
  // Our client always turns headers on; a transcript that resets the adapter says otherwise.
  let headers = true;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.dir !== 'tx') continue;
    const command = e.data.replace(/\s+/g, '').toUpperCase();
    if (!command) continue;
    // The answer: rx entries up to the next prompt.
    let raw = '';
    for (let j = i + 1; j < entries.length && !raw.includes('>'); j++) {
      if (entries[j]!.dir === 'tx') break;
      if (entries[j]!.dir === 'rx') raw += entries[j]!.data;
    }
    if (!raw.includes('>')) continue;
    raw = raw.slice(0, raw.indexOf('>'));
    if (command === 'ATDPN') {
      const dpn = parseDpn(answerLines(raw, command)[0] ?? '');
      if (dpn) {
        protocol = dpn.protocol;
        protocolSeen = true;
      }
    } else if (/^AT(SP|TP)[1-9A-C]$/.test(command)) {
      // A protocol set outright (not automatic search, which ATDPN reports).
      const p = protocolById(command.slice(-1));
      if (p) {
        protocol = p;
        protocolSeen = true;
      }
    } else if (/^ATSH([0-9A-F]{3}|[0-9A-F]{6}|[0-9A-F]{8})$/.test(command)) header = command.slice(4);
    else if (/^ATCP([0-9A-F]{2})$/.test(command)) priority = Number.parseInt(command.slice(4), 16);
    else if (command === 'ATH1') headers = true;
    else if (command === 'ATH0') headers = false;
    else if (/^(ATZ|ATD|ATWS)$/.test(command)) {
      header = undefined;
      headers = false;
    } else if (/^[0-9A-F]{2,}$/.test(command) && !command.startsWith('AT')) {
      const even = command.length % 2 === 0 ? command : command.slice(0, -1);
      const request = Uint8Array.from(even.match(/../g)!.map((b) => Number.parseInt(b, 16)));
      const target = targetOfHeader(header, priority, protocol);
      const t = e.t / 1000;
      try {
        const parsed = parseAnswer(raw, { protocol, headers, command });
        exchanges.push({
          t,
          target,
          extended: protocol.extended,
          request,
          responses: parsed.responses.map((r) => ({
            ecu: r.ecu ?? answerer(target, protocol),
            data: r.data,
            // The transcript shows the adapter's whole round trip, not the ECU's latency: the serving
            // adapter (emulator) adds its own timing, so none is added here.
            delayMs: 0,
          })),
        });
      } catch (err) {
        if ((err as Error).name === 'ElmNoDataError')
          exchanges.push({ t, target, extended: protocol.extended, request, responses: [] });
      }
    }
  }
  return { exchanges, protocol, protocolSeen };
}

/**
 * A transcript as a responder. `pace` is `turn` by default (the same request gets the recorded
 * answers in turn, going round, as `atelier emulate --replay` serves them); training scenarios
 * replay `in time`. A transcript with no answered exchange is a RecordingError.
 */
export function responderFromTranscript(
  entries: TranscriptEntry[],
  source = 'transcript',
  options: Omit<RecordedOptions, 'source' | 'protocol'> = {},
): RecordedResponder {
  const { exchanges, protocol, protocolSeen } = exchangesFromTranscript(entries);
  if (!exchanges.some((x) => x.responses.length > 0))
    throw new RecordingError(source, { code: 'no-answered-exchange' });
  return new RecordedResponder(exchanges, {
    pace: 'turn',
    ...options,
    source,
    protocol: protocolSeen ? protocol.id : '6',
  });
}
