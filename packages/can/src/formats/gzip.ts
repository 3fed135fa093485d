import { createReadStream, readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { BinaryLogError } from '../log.js';
import { reason, systemReason, zlibReason } from '../reason.js';
import type { ByteSource } from './line-reader.js';

/**
 * Logs kept gzip-compressed (`trace.asc.gz`, `candump.log.gz`: how archives and python-can store
 * them) are read as the log inside: the format from the name without `.gz` and the decompressed
 * content; text formats decompressed as they are read, binary formats (which are read at random)
 * decompressed whole, up to a bound.
 */

/** Whether these bytes start a gzip member (RFC 1952: 1f 8b, deflate). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08;
}

/** The name of the log inside: `trace.asc.gz` → `trace.asc`. */
export function innerName(name: string): string {
  return name.replace(/\.gz$/i, '');
}

/** A decompressed log larger than this is refused (a small file that inflates without end). */
export const MAX_GUNZIPPED = 2 ** 31;

/** The first bytes of the log inside (for format detection): as many as the head holds. */
export function gunzipHead(head: Uint8Array): Buffer {
  try {
    // A cut stream is expected here: flush what it gives instead of failing at its end.
    return zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 20 });
  } catch {
    return Buffer.alloc(0);
  }
}

/** The whole log inside, for binary formats and uploads; a typed error when it is not gzip. */
export function gunzipAll(bytes: Uint8Array, file: string): Buffer {
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED });
  } catch (err) {
    throw new BinaryLogError(
      file,
      0,
      reason('bad-gzip', { detail: zlibReason(err as NodeJS.ErrnoException) }),
    );
  }
}

export function gunzipFile(file: string): Buffer {
  return gunzipAll(readFileSync(file), file);
}

/** The log inside a gzip file as a byte source, decompressed as it is read. */
export function gunzipSource(file: string): ByteSource {
  const gunzip = zlib.createGunzip();
  const input = createReadStream(file);
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  const chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer = Buffer.alloc(0);
  let ended = false;
  return {
    async read(length) {
      while (pending.length === 0 && !ended) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (err) {
          // The file itself could not be read (it reaches here through the pipe): the system's words.
          const e = err as NodeJS.ErrnoException;
          const detail = e.syscall !== undefined ? systemReason(e) : zlibReason(e);
          throw new BinaryLogError(file, 0, reason('bad-gzip', { detail }));
        }
        if (next.done) ended = true;
        else pending = next.value;
      }
      const out = pending.subarray(0, length);
      pending = pending.subarray(out.length);
      // A copy: the line reader may hold a buffer until the read after next.
      return Buffer.from(out);
    },
    async close() {
      ended = true;
      input.destroy();
      gunzip.destroy();
    },
  };
}
