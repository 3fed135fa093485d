/**
 * Channel numbers for the formats that number their buses (ASC, TRC, BLF, MF4 from 1; SavvyCAN CSV
 * from 0). A numeric name is kept; `canN` (any name ending in a number) becomes N + base; other
 * names are numbered in order of appearance (`seen` remembers them for one file).
 */
export function channelNumber(
  channel: string | undefined,
  seen: Map<string, number>,
  base: 0 | 1 = 1,
): number {
  if (channel === undefined) return base;
  if (/^\d+$/.test(channel)) return Math.max(base, Number(channel));
  const m = /(\d+)$/.exec(channel);
  if (m) return Number(m[1]) + base;
  let n = seen.get(channel);
  if (n === undefined) {
    n = seen.size + base;
    seen.set(channel, n);
  }
  return n;
}
