/**
 * Test support for diagnostic sessions: a multipart body builder, a simulated car behind the ELM327
 * emulator on TCP (as a Wi-Fi adapter would be), and an ELM327 transcript recorded from one.
 */
import { randomBytes } from 'node:crypto';
import { Elm327Emulator, Elm327Link, openTcp, serveTcp, type TcpService, Transcript } from '@atelier/elm327';
import { FUNCTIONAL } from '@atelier/obd';
import { loadScenario, Vehicle } from '@atelier/vehicle-sim';

export function multipart(
  fields: Record<string, string>,
  file?: { name: string; content: Buffer | string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----atelier${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
      ),
    );
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A built-in scenario's car served by the ELM327 emulator on a loopback TCP port. */
export async function emulatedCar(
  scenario: string,
  opts: { vin?: string } = {},
): Promise<{ spec: string; tcp: TcpService; close(): Promise<void> }> {
  const s = loadScenario(scenario);
  // The scenario's car, with another VIN when asked (to stand for a customer's car on an order).
  const responder = Vehicle.fromScenario(opts.vin ? { ...s, vin: opts.vin } : s);
  const emulator = new Elm327Emulator({ responder, baud: 0, latencyMs: 1 });
  const tcp = await serveTcp(emulator, { port: 0 });
  return {
    spec: `127.0.0.1:${tcp.port}`,
    tcp,
    close: async () => {
      emulator.close();
      await tcp.close();
    },
  };
}

/** An ELM327 transcript of a short session on a scenario: VIN, DTCs, status and a few PIDs. */
export async function recordTranscript(scenario: string): Promise<string> {
  const car = await emulatedCar(scenario);
  const transcript = new Transcript();
  const link = await Elm327Link.connect({
    open: () => openTcp('127.0.0.1', car.tcp.port),
    transcript,
    protocol: '6',
  });
  try {
    for (const data of [
      [0x01, 0x00],
      [0x01, 0x20],
      [0x01, 0x40],
      [0x09, 0x02],
      [0x03],
      [0x07],
      [0x0a],
      [0x01, 0x01],
      [0x01, 0x0c, 0x0d, 0x05],
      [0x01, 0x0c],
      [0x01, 0x0c],
      [0x01, 0x0c],
    ])
      await link.request({ target: FUNCTIONAL, data: Uint8Array.from(data) }).catch(() => {});
  } finally {
    await link.close();
    await car.close();
  }
  return transcript.toString();
}
