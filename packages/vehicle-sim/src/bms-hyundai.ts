import type { VehicleModel } from './model.js';

/**
 * The Hyundai Kona/Ioniq electric BMS's manufacturer DIDs (UDS 0x22 on 0x7E4 → 0x7EC), encoded from
 * the simulated pack. The layout is written here from the public facts of the format (the owners'
 * communities' descriptions of these answers, checked against real answers in
 * tests/fixtures/ev/hyundai-kona-electric-obdb.yaml); it is deliberately not read from
 * packages/ev's definition, so that decoding a simulated car checks that definition.
 *
 * Positions are indices in the positive response (0 = 0x62, 1–2 = the DID):
 *
 * - 0x0101 (62 bytes): 3–6 supported-field bitmap; 7 SoC × 2; 8–9 / 10–11 charge / discharge power
 *   limits (0.01 kW); 12 status (bit 7 charging); 13–14 current (0.1 A, signed, + discharging);
 *   15–16 pack voltage (0.1 V); 17 / 18 max / min temperature; 19–22 modules 1–4 (°C, signed);
 *   23–24 absent sensors; 25 inlet; 26 / 27 highest cell (0.02 V) and its number; 28 / 29 lowest;
 *   30 / 31 fan; 32 12 V battery (0.1 V); 33–36 / 37–40 cumulative Ah charged / discharged (0.1);
 *   41–44 / 45–48 cumulative kWh (0.1); 49–52 operating time (s); 53 status; 54–55 inverter
 *   DC-link (capacitor) voltage (V, 0 with the relays open); 56–57 / 58–59 motor speeds (rpm,
 *   signed); 60–61 isolation (kΩ).
 * - 0x0102–0x0104 (39 bytes): 3–6 bitmap; 7–38 cells 1–32, 33–64, 65–96 (0.02 V).
 * - 0x0105 (46 bytes): 3–6 bitmap; 25 heater temperature; 28–29 SoH (0.1 %); 34 displayed SoC × 2;
 *   37–38 cells 97–98 (0.02 V; 0 when the pack has no such cell).
 */
export function hyundaiBmsDids(m: VehicleModel): Map<number, () => number[]> {
  const pack = m.pack!;
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  const sbyte = (v: number) => Math.max(-128, Math.min(127, Math.round(v))) & 0xff;
  const put = (a: number[], at: number, v: number, bytes: number, signed = false) => {
    const lim = 2 ** (8 * bytes);
    let x = Math.round(v);
    x = signed ? Math.max(-lim / 2, Math.min(lim / 2 - 1, x)) : Math.max(0, Math.min(lim - 1, x));
    if (x < 0) x += lim;
    for (let i = bytes - 1; i >= 0; i--) {
      a[at + i] = x % 256;
      x = Math.floor(x / 256);
    }
  };
  const answer = (length: number, bitmap: number[]) => {
    const a = new Array(length).fill(0);
    a.splice(3, 4, ...bitmap);
    return a;
  };
  const cell = (i: number) => (i < pack.cells ? byte(pack.cellV[i] / 0.02) : 0);
  const temps = () => pack.moduleC.slice(0, 4);

  const dids = new Map<number, () => number[]>();
  dids.set(0x0101, () => {
    const a = answer(62, [0xff, 0xf7, 0xe7, 0xff]);
    a[7] = byte(m.socPct * 2);
    // Power limits: the cells' window against their resistance, as a BMS derates a cold pack.
    const rPack = pack.resistancePack;
    put(a, 8, ((pack.ocvPack * Math.max(0, 4.2 * pack.cells - pack.ocvPack)) / rPack / 1000) * 100, 2);
    put(a, 10, ((pack.ocvPack * Math.max(0, pack.ocvPack - 3.0 * pack.cells)) / rPack / 1000) * 100, 2);
    a[12] = pack.current < -0.5 && m.speedKmh === 0 ? 0x80 : 0;
    put(a, 13, m.hvA * 10, 2, true);
    put(a, 15, m.hvV * 10, 2);
    const t = temps();
    a[17] = sbyte(Math.max(...t));
    a[18] = sbyte(Math.min(...t));
    t.forEach((c, i) => {
      a[19 + i] = sbyte(c);
    });
    a[25] = sbyte(pack.inletC);
    const [hi, hiN] = pack.extreme('max');
    const [lo, loN] = pack.extreme('min');
    a[26] = byte(hi / 0.02);
    a[27] = hiN;
    a[28] = byte(lo / 0.02);
    a[29] = loN;
    a[32] = byte(m.batteryV * 10);
    put(a, 33, pack.ahIn * 10, 4);
    put(a, 37, pack.ahOut * 10, 4);
    put(a, 41, pack.kwhIn * 10, 4);
    put(a, 45, pack.kwhOut * 10, 4);
    put(a, 49, pack.operatingS, 4);
    a[53] = m.running ? 0x0d : 0x00;
    // The inverter's DC link: the pack's voltage while the main relays are closed (READY, no HV
    // fault); once they open, the active discharge brings the capacitors under 60 V within
    // seconds (UN ECE R94/R100), which a read seconds later sees as discharged.
    put(a, 54, m.running && !m.hvFault ? m.hvV : 0, 2);
    const rpm = m.speedKmh * m.profile.gears[0];
    put(a, 56, rpm, 2, true);
    put(a, 58, rpm, 2, true);
    put(a, 60, Math.min(65535, m.isolationKohm), 2);
    return a.slice(3);
  });
  for (const [did, first] of [
    [0x0102, 0],
    [0x0103, 32],
    [0x0104, 64],
  ] as const)
    dids.set(did, () => {
      const a = answer(39, [0xff, 0xff, 0xff, 0xff]);
      for (let i = 0; i < 32; i++) a[7 + i] = cell(first + i);
      return a.slice(3);
    });
  dids.set(0x0105, () => {
    const a = answer(46, [0x00, 0x3f, 0xff, 0x90]);
    a[25] = sbyte(pack.inletC);
    put(a, 28, pack.sohPct * 10, 2);
    a[34] = byte(m.socPct * 2);
    a[37] = cell(96);
    a[38] = cell(97);
    return a.slice(3);
  });
  return dids;
}
