import type { Writable } from 'node:stream';
import { type Bus, candumpLine, type LogWriter, type Recorder, record } from '@atelier/can';
import type { Clock } from '@atelier/clock';
import type { TrafficSink } from './types.js';

/** The caller's sink as a function taking one line without its newline. */
export function lineWriter(sink: TrafficSink | undefined): (line: string) => void {
  if (!sink) return () => {};
  if (typeof sink === 'function') return (line) => sink(`${line}\n`);
  const stream: Writable = sink;
  return (line) => {
    if (!stream.destroyed && !stream.writableEnded) stream.write(`${line}\n`);
  };
}

/**
 * Records every frame one bus endpoint sees (the tester's requests and every ECU's answers) as
 * candump lines, one per frame as it arrives, stamped by `clock`.
 */
export function recordCandump(
  bus: Bus,
  channel: string,
  line: (text: string) => void,
  clock: Clock,
): Recorder {
  const writer: LogWriter = {
    format: 'candump',
    write: (frame) => line(candumpLine(frame.channel ? frame : { ...frame, channel })),
    close: async () => {},
  };
  return record(bus, writer, { clock });
}
