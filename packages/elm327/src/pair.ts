import { Duplex } from 'node:stream';

/**
 * Two connected in-memory byte streams: what one writes the other reads. Destroying either end
 * closes both, the way pulling a cable ends both sides of a link.
 */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (i: number) =>
    new Duplex({
      read() {},
      write(chunk, _enc, cb) {
        const other = ends[1 - i]!;
        if (!other.destroyed) other.push(chunk);
        cb();
      },
      final(cb) {
        ends[1 - i]!.push(null);
        cb();
      },
      destroy(err, cb) {
        const other = ends[1 - i]!;
        if (!other.destroyed) other.destroy();
        cb(err);
      },
    });
  ends.push(make(0), make(1));
  return [ends[0]!, ends[1]!];
}
