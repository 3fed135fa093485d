/**
 * An sRGB ICC profile (version 2.1, display class, matrix/TRC), built from the numbers IEC
 * 61966-2-1 defines: the primaries adapted to the D50 connection space, the D65 media white point
 * and the sRGB transfer curve sampled at 1024 points. PDF/A needs an output intent with an ICC
 * profile; writing it here keeps the repository free of a binary whose licence would need checking.
 * LittleCMS (Debian's transicc) reads it back in the tests and converts known colours with it.
 */

const enc = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** s15Fixed16Number, big-endian. */
function s15(v: number): number[] {
  const n = Math.round(v * 65536) >>> 0;
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16 = (n: number) => [(n >>> 8) & 255, n & 255];

const xyzTag = (x: number, y: number, z: number) => [
  ...enc('XYZ '),
  0,
  0,
  0,
  0,
  ...s15(x),
  ...s15(y),
  ...s15(z),
];

function textTag(text: string): number[] {
  return [...enc('text'), 0, 0, 0, 0, ...enc(text), 0];
}

/** textDescriptionType (ICC v2): ASCII, no Unicode, no ScriptCode. */
function descTag(text: string): number[] {
  return [
    ...enc('desc'),
    0,
    0,
    0,
    0,
    ...u32(text.length + 1),
    ...enc(text),
    0,
    ...u32(0),
    ...u32(0), // Unicode language code and count
    ...u16(0),
    0, // ScriptCode code and count
    ...new Array(67).fill(0),
  ];
}

/** The sRGB transfer function (IEC 61966-2-1), from encoded value to linear light. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function curveTag(points: number): number[] {
  const out = [...enc('curv'), 0, 0, 0, 0, ...u32(points)];
  for (let i = 0; i < points; i++) out.push(...u16(Math.round(srgbToLinear(i / (points - 1)) * 65535)));
  return out;
}

/** The profile's bytes. */
export function srgbIccProfile(): Uint8Array {
  const curve = curveTag(1024);
  const tags: [string, number[]][] = [
    ['desc', descTag('sRGB IEC61966-2.1')],
    ['cprt', textTag('No copyright, use freely')],
    // D65 white, as a v2 display profile records its media white point
    ['wtpt', xyzTag(0.9505, 1.0, 1.089)],
    // sRGB primaries adapted to D50 with the Bradford transform
    ['rXYZ', xyzTag(0.4361, 0.2225, 0.0139)],
    ['gXYZ', xyzTag(0.3851, 0.7169, 0.0971)],
    ['bXYZ', xyzTag(0.1431, 0.0606, 0.7141)],
    ['rTRC', curve],
    ['gTRC', curve],
    ['bTRC', curve],
  ];
  const headerSize = 128;
  const tableSize = 4 + 12 * tags.length;
  // Identical tags share one copy of their data (the three curves), every element 4-byte aligned.
  const blocks: { data: number[]; offset: number }[] = [];
  const entries: number[] = [];
  let offset = headerSize + tableSize;
  for (const [sig, data] of tags) {
    let block = blocks.find((b) => b.data === data);
    if (!block) {
      block = { data, offset };
      blocks.push(block);
      offset += data.length + ((4 - (data.length % 4)) % 4);
    }
    entries.push(...enc(sig), ...u32(block.offset), ...u32(data.length));
  }
  const size = offset;
  const header = [
    ...u32(size),
    ...enc('lcms'), // preferred CMM (any; LittleCMS reads it)
    0x02,
    0x10,
    0x00,
    0x00, // version 2.1
    ...enc('mntr'),
    ...enc('RGB '),
    ...enc('XYZ '),
    ...u16(2026),
    ...u16(1),
    ...u16(1),
    ...u16(0),
    ...u16(0),
    ...u16(0),
    ...enc('acsp'),
    0,
    0,
    0,
    0, // primary platform
    0,
    0,
    0,
    0, // flags
    0,
    0,
    0,
    0, // device manufacturer
    0,
    0,
    0,
    0, // device model
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0, // device attributes
    0,
    0,
    0,
    0, // rendering intent: perceptual
    ...s15(0.9642),
    ...s15(1.0),
    ...s15(0.8249), // PCS illuminant D50
    0,
    0,
    0,
    0, // creator
    ...new Array(16).fill(0), // profile ID (none in v2)
    ...new Array(28).fill(0),
  ];
  const out = new Uint8Array(size);
  out.set(header, 0);
  out.set([...u32(tags.length), ...entries], headerSize);
  for (const b of blocks) out.set(b.data, b.offset);
  return out;
}
