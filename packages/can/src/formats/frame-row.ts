import type { FrameBatch } from '../batch.js';
import { EMPTY } from './bytes.js';

/**
 * One frame as a binary reader decodes it one record at a time (what its column loop does not
 * take), before it becomes a row of a `FrameBatch`; frames handed out one by one come from that
 * batch. Reused from frame to frame. The payload is `length` bytes of `src` from `at`.
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
