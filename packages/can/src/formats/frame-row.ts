import { type FrameBatch, FrameFlag } from '../batch.js';
import type { Frame } from '../frame.js';
import { EMPTY } from './bytes.js';

/**
 * One frame as a binary reader decodes it, before it becomes a `Frame` object (frame by frame) or
 * a row of a `FrameBatch` (in columns, no object per frame). Reused from frame to frame: a reader
 * fills one, then writes it out either way. The payload is `length` bytes of `src` from `at`.
 */
export interface FrameRow {
  id: number;
  /** FrameFlag bits. */
  flags: number;
  /** Declared DLC where it differs from the payload length, else -1. */
  dlc: number;
  channel: string | undefined;
  src: Uint8Array;
  at: number;
  length: number;
}

export function newFrameRow(): FrameRow {
  return { id: 0, flags: 0, dlc: -1, channel: undefined, src: EMPTY, at: 0, length: 0 };
}

/** The row as a Frame with its own copy of the payload. */
export function rowFrame(r: FrameRow, timestamp: number): Frame {
  const n = r.length;
  const data = n === 0 ? EMPTY : new Uint8Array(n);
  const src = r.src;
  for (let k = 0, i = r.at; k < n; k++, i++) data[k] = src[i];
  const flags = r.flags;
  const frame: Frame =
    r.channel === undefined
      ? { id: r.id, extended: (flags & FrameFlag.EXTENDED) !== 0, data, timestamp }
      : { id: r.id, extended: (flags & FrameFlag.EXTENDED) !== 0, data, timestamp, channel: r.channel };
  if (flags & FrameFlag.RX) frame.direction = 'rx';
  else if (flags & FrameFlag.TX) frame.direction = 'tx';
  if (flags & (FrameFlag.REMOTE | FrameFlag.ERROR | FrameFlag.FD | FrameFlag.BRS | FrameFlag.ESI)) {
    if (flags & FrameFlag.REMOTE) frame.remote = true;
    if (flags & FrameFlag.ERROR) frame.error = true;
    if (flags & FrameFlag.FD) frame.fd = true;
    if (flags & FrameFlag.BRS) frame.brs = true;
    if (flags & FrameFlag.ESI) frame.esi = true;
  }
  if (r.dlc >= 0) frame.dlc = r.dlc;
  return frame;
}

/** Appends the row to the batch's columns (the caller checked `!batch.full`). */
export function rowInto(r: FrameRow, timestamp: number, batch: FrameBatch): void {
  const k = batch.length;
  batch.id[k] = r.id;
  batch.timestamp[k] = timestamp;
  batch.flags[k] = r.flags;
  batch.dlc[k] = r.dlc;
  batch.channel[k] = r.channel;
  const s = batch.start[k];
  const n = r.length;
  const data = batch.data;
  const src = r.src;
  for (let j = 0, i = r.at; j < n; j++, i++) data[s + j] = src[i];
  batch.start[k + 1] = s + n;
  batch.length = k + 1;
}
