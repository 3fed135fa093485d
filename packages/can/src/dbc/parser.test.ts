import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../../tests/support/index.js';
import { readLog } from '../formats/index.js';
import { fromHex } from '../frame.js';
import { reassemble } from '../isotp/reassemble.js';
import { sayReason } from '../reason.js';
import { attribute } from './attributes.js';
import { DbcDecoder } from './codec.js';
import { DbcParseError } from './model.js';
import { parseDbc, readDbc } from './parser.js';

const FIXTURE = (name: string) => fixturePath(`can/${name}`);

/** A vendor-style file exercising most of the grammar: written for this test. */
const SAMPLE = `VERSION "1.2 \\"beta\\""


NS_ :
\tNS_DESC_
\tCM_
\tBA_DEF_
\tBA_
\tVAL_
\tSIG_VALTYPE_
\tSG_MUL_VAL_

BS_:

BU_: Engine Gateway,Dash

VAL_TABLE_ OnOff 1 "On" 0 "Off" ;

BO_ 256 EngineData: 8 Engine
 SG_ EngSpeed : 7|16@0+ (0.25,0) [0|16383.75] "rpm" Gateway,Dash
 SG_ CoolantTemp : 16|8@1- (1,-40) [-40|215] "degC"  Dash
 SG_ Fuel : 24|32@1- (5e-06,1E+2) [0|1] "l" Dash
 SG_ Lamp : 56|1@1+ (1,0) [0|1] "" Dash

BO_ 2566844672 J1939Msg: 8 Gateway
 SG_ Torque : 0|32@1- (1,0) [0|0] "Nm" Vector__XXX

BO_ 512 Floats: 16 Engine
 SG_ F32 : 0|32@1- (1,0) [0|0] "" Dash
 SG_ F64 : 71|64@0- (1,0) [0|0] "" Dash

BO_TX_BU_ 256 : Gateway,Engine;

CM_ "Network comment";
CM_ BU_ Engine "Engine control unit";
CM_ BO_ 256 "Sent every 10 ms";
CM_ SG_ 256 EngSpeed "Crankshaft speed
over two lines";
BA_DEF_ BO_ "GenMsgCycleTime" INT 0 65535;
BA_DEF_ SG_ "GenSigStartValue" FLOAT -1e9 1e9;
BA_DEF_ "BusType" STRING ;
BA_DEF_ BU_ "NodeLayer" ENUM "None","J1939";
BA_DEF_ BO_ "VFrameFormat" ENUM "StandardCAN","ExtendedCAN","StandardCAN_FD","ExtendedCAN_FD";
BA_DEF_ BO_ "Mask" HEX 0 255;
BA_DEF_DEF_ "GenMsgCycleTime" 100;
BA_DEF_DEF_ "BusType" "CAN";
BA_DEF_DEF_ "NodeLayer" "None";
BA_ "BusType" "CAN FD";
BA_ "GenMsgCycleTime" BO_ 256 10;
BA_ "GenSigStartValue" SG_ 256 EngSpeed 3.5;
BA_ "NodeLayer" BU_ Gateway 1;
BA_ "VFrameFormat" BO_ 512 2;
VAL_ 256 Lamp 1 "On" 0 "Off" ;
VAL_ 256 CoolantTemp OnOff ;
SIG_VALTYPE_ 512 F32 : 1;
SIG_VALTYPE_ 512 F64 : 2;
`;

describe('parseDbc', () => {
  const dbc = parseDbc(SAMPLE, 'sample.dbc');

  it('reads messages, signals, nodes, comments, attributes, value tables', () => {
    expect(dbc.version).toBe('1.2 "beta"');
    expect(dbc.warnings).toEqual([]);
    expect(dbc.nodes.map((n) => n.name)).toEqual(['Engine', 'Gateway', 'Dash']);
    expect(dbc.nodes[0].comment).toBe('Engine control unit');
    expect(dbc.nodes[1].attributes).toEqual({ NodeLayer: 'J1939' });
    expect(dbc.comment).toBe('Network comment');
    expect(dbc.attributes).toEqual({ BusType: 'CAN FD' });
    const eng = dbc.messages[0];
    expect(eng).toMatchObject({
      id: 256,
      extended: false,
      name: 'EngineData',
      length: 8,
      sender: 'Engine',
      comment: 'Sent every 10 ms',
      line: 19,
    });
    expect(eng.transmitters).toEqual(['Gateway', 'Engine']);
    expect(eng.attributes).toEqual({ GenMsgCycleTime: 10 });
    const [speed, temp, fuel, lamp] = eng.signals;
    expect(speed).toMatchObject({
      startBit: 7,
      length: 16,
      byteOrder: 'big-endian',
      signed: false,
      factor: 0.25,
      maximum: 16383.75,
      unit: 'rpm',
      receivers: ['Gateway', 'Dash'],
      comment: 'Crankshaft speed\nover two lines',
      attributes: { GenSigStartValue: 3.5 },
      line: 20,
    });
    expect(temp).toMatchObject({
      byteOrder: 'little-endian',
      signed: true,
      offset: -40,
      minimum: -40,
      maximum: 215,
      unit: 'degC',
    });
    expect([...temp.values!]).toEqual([
      [1, 'On'],
      [0, 'Off'],
    ]);
    expect(fuel).toMatchObject({ factor: 5e-6, offset: 100 });
    expect(lamp.values?.get(1)).toBe('On');
    expect(dbc.attributeDefinitions.get('GenMsgCycleTime')).toMatchObject({
      object: 'message',
      type: 'INT',
      minimum: 0,
      maximum: 65535,
      default: 100,
    });
    expect(dbc.attributeDefinitions.get('NodeLayer')).toMatchObject({
      object: 'node',
      type: 'ENUM',
      values: ['None', 'J1939'],
      default: 'None',
    });
    expect(dbc.attributeDefinitions.get('Mask')).toMatchObject({ type: 'HEX' });
  });

  it('attribute(): own value, else the BA_DEF_DEF_ default', () => {
    expect(attribute(dbc, dbc.messages[0], 'GenMsgCycleTime')).toBe(10);
    expect(attribute(dbc, dbc.messages[1], 'GenMsgCycleTime')).toBe(100);
    expect(attribute(dbc, dbc, 'BusType')).toBe('CAN FD');
    expect(attribute(dbc, dbc.nodes[0], 'NodeLayer')).toBe('None');
    expect(attribute(dbc, dbc.messages[0].signals[1], 'GenSigStartValue')).toBeUndefined();
  });

  it('extended ids carry bit 31; VFrameFormat marks CAN FD; SIG_VALTYPE_ marks floats', () => {
    const j = dbc.messages[1];
    expect(j).toMatchObject({ id: 0x18fef100, extended: true });
    const f = dbc.messages[2];
    expect(f.fd).toBe(true);
    expect(f.attributes.VFrameFormat).toBe('StandardCAN_FD');
    expect(f.signals.map((s) => s.valueType)).toEqual(['float32', 'float64']);
  });

  it('decodes with the parsed file, labels alongside values', () => {
    const dec = new DbcDecoder(dbc);
    const r = dec.decode({ id: 256, extended: false, data: fromHex('1f40010000000001')!, timestamp: 1 });
    expect(r).toEqual({
      id: 256,
      extended: false,
      name: 'EngineData',
      timestamp: 1,
      signals: { EngSpeed: 2000, CoolantTemp: -39, Fuel: 100, Lamp: 1 },
      labels: { CoolantTemp: 'On', Lamp: 'On' },
    });
    expect(
      dec.decode({ id: 0x18fef100, extended: true, data: fromHex('feffffff00000000')!, timestamp: 0 })
        ?.signals,
    ).toEqual({ Torque: -2 });
    // The same number as an 11-bit id is another message.
    expect(dec.decode({ id: 256, extended: true, data: new Uint8Array(8), timestamp: 0 })).toBeUndefined();
  });

  it('accepts CRLF line endings, // comment lines and no trailing newline', () => {
    const d = parseDbc('// exported\r\nBO_ 1 A: 1 X\r\n SG_ B : 0|8@1+ (1,0) [0|0] "" X\r\nCM_ SG_ 1 B "c";');
    expect(d.messages[0].signals[0].comment).toBe('c');
  });

  it('reads what sloppy real-world files contain, with warnings naming the line', () => {
    const d = parseDbc(
      [
        'BU_:',
        '\tNEO',
        '\tMCU GTW',
        '',
        'BO_ 103596083 BSM_LEFT: 8 NEO', // 29-bit id without the bit-31 flag
        ' SG_ 64_BIT_LE : 0|64@1+ (1,0) [0|0] "" XXX', // name starting with a digit
        'BO_ 2017 2017_5: 8 MCU',
        ' SG_ Sel m : 0|2@1+ (1,0) [0|3] "" XXX', // bare m
        ' SG_ Val m1 : 8|8@1+ (1,0) [0|0] "" XXX',
        'CM_ "Front target"', // no semicolon
        'VAL_ 2017 Val 1 "one" 0 "zero"',
        'VAL_ 2017 Sel 1 "a" ;',
        'BO_ 4294967295 Huge: 8 X',
        ' SG_ H : 0|8@1+ (1,0) [0|0] "" X',
        'CM_ BO_ 4294967295 "left out, not reported twice";',
      ].join('\n'),
    );
    expect(d.nodes.map((n) => n.name)).toEqual(['NEO', 'MCU', 'GTW']);
    expect(d.messages.map((m) => [m.name, m.id, m.extended])).toEqual([
      ['BSM_LEFT', 0x62cc033, true],
      ['2017_5', 2017, false],
    ]);
    expect(d.messages[0].signals[0].name).toBe('64_BIT_LE');
    expect(d.messages[1].signals[1].multiplexer).toEqual({ signal: 'Sel', ranges: [[1, 1]] });
    expect(d.comment).toBe('Front target');
    expect(d.messages[1].signals[1].values?.get(1)).toBe('one');
    expect(d.warnings.map((w) => w.line)).toEqual([5, 8, 10, 11, 13]);
    expect(d.warnings[0].message).toMatch(/taken as a 29-bit id/);
    expect(d.warnings[2].message).toBe("CM_ statement without ';' at the end of the line");
    expect(d.warnings[4].message).toMatch(/fits no CAN identifier; message left out/);
  });

  it('keeps dangling references as warnings with their line', () => {
    const d = parseDbc(
      'BO_ 1 A: 1 X\n SG_ B : 0|8@1+ (1,0) [0|0] "" X\nVAL_ 2 B 0 "x" ;\nCM_ SG_ 1 C "c";\n',
    );
    expect(d.warnings.map(({ line, message }) => ({ line, message }))).toEqual([
      { line: 3, message: 'VAL_ refers to message 2, which is not defined' },
      { line: 4, message: 'CM_ refers to signal C, which message A does not have' },
    ]);
  });
});

describe('comments that do not parse (as opendbc writes some)', () => {
  // Forms found in opendbc's Honda and Hyundai sources: a signal comment without the signal's name,
  // and a message comment without `BO_`. They explain nothing a decoder needs.
  const text = [
    'BO_ 304 GAS_PEDAL: 8 EON',
    ' SG_ CAR_GAS : 39|8@0+ (1,0) [0|255] "" EON',
    '',
    'CM_ SG_ 304 "Seems to be platform-agnostic; like the others";',
    'CM_ 304 "A message comment without BO_";',
    'CM_ SG_ 304 CAR_GAS "Pedal, 0 to 255";',
  ].join('\n');

  it('are skipped to their end with a warning naming the line; the messages and other comments stay', () => {
    const d = parseDbc(text);
    expect(d.messages.map((m) => [m.name, m.signals.map((g) => g.name)])).toEqual([
      ['GAS_PEDAL', ['CAR_GAS']],
    ]);
    expect(d.messages[0].signals[0].comment).toBe('Pedal, 0 to 255');
    expect(d.warnings.map(({ line, message }) => ({ line, message }))).toEqual([
      { line: 4, message: `CM_ statement skipped: expected signal name, found '"Seems'` },
      { line: 5, message: 'CM_ statement skipped: CM_ for unknown object type 304' },
    ]);
    expect(sayReason(d.warnings[0].detail, 'fr')).toBe(
      'instruction CM_ ignorée : attendu : nom du signal, trouvé « "Seems »',
    );
  });

  it('junk before the semicolon, or no signal name: a warning each, no longer an error', () => {
    for (const [dbc, said] of [
      [
        'BO_ 1 A: 8 X\nCM_ BO_ 1 "c" extra;\n',
        "CM_ statement skipped: expected ';' at the end of CM_, found 'extra;'",
      ],
      ['BO_ 1 A: 8 X\nCM_ SG_ 1 "c";\n', `CM_ statement skipped: expected signal name, found '"c";'`],
    ]) {
      const d = parseDbc(dbc);
      expect(d.messages.map((m) => m.name)).toEqual(['A']);
      expect(d.warnings.map(({ line, message }) => ({ line, message }))).toEqual([
        { line: 2, message: said },
      ]);
    }
  });

  it('a comment whose string never ends is still an error: the rest of the file would be lost in it', () => {
    expect(() => parseDbc(`${text}\nCM_ SG_ 304 "never closed;\nBO_ 5 X: 1 Y\n`)).toThrow(DbcParseError);
  });
});

describe('malformed DBC files: errors name the line', () => {
  const cases: [string, string, number, RegExp][] = [
    [
      'byte order 2',
      'BO_ 1 A: 8 X\n SG_ B : 0|8@2+ (1,0) [0|0] "" X\n',
      2,
      /byte order must be 0 \(Motorola\) or 1 \(Intel\)/,
    ],
    [
      'missing colon after message name',
      'VERSION ""\nBO_ 1 A 8 X\n',
      2,
      /expected ':' after the message name/,
    ],
    [
      'signal outside a message',
      'BU_: X\n\n SG_ B : 0|8@1+ (1,0) [0|0] "" X\n',
      3,
      /SG_ outside a BO_ message/,
    ],
    ['unterminated comment', 'BO_ 1 A: 8 X\nCM_ BO_ 1 "never closed;\n\n', 2, /unterminated string/],
    [
      'message defined twice',
      'BO_ 1 A: 8 X\nBO_ 1 B: 8 X\n',
      2,
      /message id 1 defined twice \(first at line 1\)/,
    ],
    [
      'signal of 65 bits',
      'BO_ 1 A: 8 X\n SG_ B : 0|65@1+ (1,0) [0|0] "" X\n',
      2,
      /length 65 outside 1–64 bits/,
    ],
    [
      'float of 16 bits',
      'BO_ 1 A: 8 X\n SG_ B : 0|16@1+ (1,0) [0|0] "" X\nSIG_VALTYPE_ 1 B : 1;\n',
      3,
      /needs 32 bits, the signal has 16/,
    ],
    [
      'mN without a multiplexer',
      'BO_ 1 A: 8 X\n SG_ B m3 : 0|8@1+ (1,0) [0|0] "" X\n',
      2,
      /has no multiplexer signal/,
    ],
    [
      'bad multiplexer indicator',
      'BO_ 1 A: 8 X\n SG_ B x3 : 0|8@1+ (1,0) [0|0] "" X\n',
      2,
      /bad multiplexer indicator 'x3'/,
    ],
    ['unknown keyword', 'BO_ 1 A: 8 X\nFOO_ 1 2;\n', 2, /unknown keyword FOO_/],
    [
      'factor that is not a number',
      'BO_ 1 A: 8 X\n SG_ B : 0|8@1+ (x,0) [0|0] "" X\n',
      2,
      /expected factor \(a number\), found 'x,0\)'/,
    ],
    ['id beyond 32 bits', 'BO_ 4294967296 A: 8 X\n', 1, /does not fit 32 bits/],
    [
      'SG_MUL_VAL_ on a non-multiplexer',
      'BO_ 1 A: 8 X\n SG_ S : 0|8@1+ (1,0) [0|0] "" X\n SG_ B m1 : 8|8@1+ (1,0) [0|0] "" X\n SG_ M0 M : 16|8@1+ (1,0) [0|0] "" X\nSG_MUL_VAL_ 1 B S 1-1;\n',
      5,
      /S is not a multiplexer/,
    ],
    [
      'reversed range',
      'BO_ 1 A: 8 X\n SG_ M0 M : 0|8@1+ (1,0) [0|0] "" X\n SG_ B m1 : 8|8@1+ (1,0) [0|0] "" X\nSG_MUL_VAL_ 1 B M0 5-2;\n',
      4,
      /range 5-2 is reversed/,
    ],
  ];
  for (const [what, text, line, reason] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        parseDbc(text, 'bad.dbc');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DbcParseError);
      const e = err as DbcParseError;
      expect({ file: e.file, line: e.line }).toEqual({ file: 'bad.dbc', line });
      expect(e.message).toMatch(reason);
      expect(e.message.startsWith(`bad.dbc:${line}: `)).toBe(true);
    });
  }
});

describe('the CSS Electronics Nissan Leaf DBC', () => {
  it('parses: one message 0x7BB, extended multiplexing service → response → signals', async () => {
    const dbc = await readDbc(FIXTURE('css_tp_uds_nissan_leaf.dbc'));
    expect(dbc.messages.map((m) => [m.id, m.name, m.length])).toEqual([[0x7bb, 'SoC_Temp', 55]]);
    const sig = Object.fromEntries(dbc.messages[0].signals.map((s) => [s.name, s.multiplexer]));
    expect(sig.service).toBeUndefined();
    expect(sig.response).toEqual({ signal: 'service', ranges: [[97, 97]] });
    expect(sig.SoC).toEqual({ signal: 'response', ranges: [[1, 1]] });
  });

  it('decodes the reassembled Leaf payloads (CSS layout): SoC from 0x61 0x01, temperatures from 0x61 0x04', async () => {
    const dec = new DbcDecoder(await readDbc(FIXTURE('css_tp_uds_nissan_leaf.dbc')));
    const decoded = [];
    for await (const e of reassemble(readLog(FIXTURE('nissan_leaf_uds_2022-01-06.log')), {
      rxId: 0x7bb,
      txId: 0x79b,
      layout: 'css',
    })) {
      if (e.type !== 'message') throw new Error(`unexpected ${e.error}`);
      decoded.push(dec.decode({ id: e.id, extended: false, data: e.data, timestamp: e.timestamp })!);
    }
    expect(decoded.length).toBe(26);
    const soc = decoded.filter((d) => d.signals.response === 1);
    const temps = decoded.filter((d) => d.signals.response === 4);
    expect(soc.length + temps.length).toBe(26);
    // First answer, by hand: payload bytes 34–36 are 0D 9D 7E → 892286 × 0.0001 %.
    expect(soc[0].signals).toEqual({ service: 97, response: 1, SoC: 89.2286 });
    expect(soc[0].timestamp).toBe(1641469562.0645);
    for (const d of soc) {
      expect(Object.keys(d.signals).sort()).toEqual(['SoC', 'response', 'service']);
      expect(d.signals.SoC).toBeGreaterThan(80);
      expect(d.signals.SoC).toBeLessThan(100);
    }
    // 0x61 0x04, first answer: CF 21 = BF 01 FF FF FF 02 C7 → bytes 5, 8, 14 of the CSS payload.
    expect(temps[0].signals).toEqual({
      service: 97,
      response: 4,
      BatPackTemp1: 2,
      BatPackTemp2: 1,
      BatPackTemp4: 0,
    });
  });
});

describe('readDbc on files as Windows tools save them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-dbc-'));

  it('a CANdb++ file in Windows-1252: °C, € and ’ read as written', async () => {
    // Bytes of the code page written out by hand (0xB0 °, 0x80 €, 0x92 ’): not through Atelier's table.
    const head = Buffer.from(
      'VERSION ""\n\nBU_: ECU\n\nBO_ 256 Temp: 2 ECU\n SG_ Coolant : 0|8@1+ (1,-40) [-40|215] "',
      'ascii',
    );
    const tail = Buffer.from('" ECU\n\nCM_ SG_ 256 Coolant "Co', 'ascii');
    const end = Buffer.from('t de la sonde : 12 ', 'ascii');
    const file = join(dir, 'ansi.dbc');
    writeFileSync(
      file,
      Buffer.concat([
        head,
        Buffer.from([0xb0]),
        Buffer.from('C', 'ascii'),
        tail,
        Buffer.from([0xfb]),
        end,
        Buffer.from([0x80, 0x20, 0x92]),
        Buffer.from('";\n', 'ascii'),
      ]),
    );
    const dbc = await readDbc(file);
    const signal = dbc.messages[0].signals[0];
    expect(signal.unit).toBe('°C');
    expect(signal.comment).toBe('Coût de la sonde : 12 € ’');
  });

  it('a directory given as a DBC: the error names it', async () => {
    const err = (await readDbc(dir).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(err.code).toBe('EISDIR');
    expect(err.path).toBe(dir);
  });
});
