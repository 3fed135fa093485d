import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@atelier/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameRefusedError } from './bus.js';
import { lineErrorCode } from './bus-texts.js';
import { makeFrame } from './frame.js';
import { BusSpecError, parseBusSpec } from './open-bus.js';
import { SlcanEmulator } from './slcan/emulator.js';
import { serveSlcan } from './slcan/serve.js';
import { SlcanBus, SlcanDisconnectedError, SlcanOpenError } from './slcan/slcan-bus.js';
import {
  interfaceState,
  loadSocketCan,
  type RawCanChannel,
  SocketCanBus,
  SocketCanOpenError,
  SocketCanSendError,
  SocketCanUnavailableError,
} from './socketcan-bus.js';

/**
 * Opening a CAN interface that will not open, said in French; the English `message` word for word
 * as before. The adapters are real where this machine has them (a missing serial port, /dev/null,
 * a TCP port nobody listens on, fake adapters on TCP that answer BELL or garbage, the emulator);
 * SocketCAN's kernel side is a fake channel and a /sys/class/net written in a temporary folder.
 * Every expected text is written here by hand.
 */

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A fake adapter on TCP that answers each CR-terminated command with `answer`. */
async function fakeAdapter(answer: string): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('data', (d: Buffer) => {
      for (const b of d) if (b === 0x0d) s.write(answer);
    });
  });
  server.on('close', () => {
    for (const s of sockets) s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

/** A TCP port nothing listens on: one that was just listened on and closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('it opened'),
    (e: unknown) => e as Error,
  );

describe('an SLCAN adapter that will not open, in French', () => {
  it('a serial port that does not exist', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'slcan-')), 'ttyUSB9');
    const err = await failure(SlcanBus.open(path));
    expect(err).toBeInstanceOf(SlcanOpenError);
    expect((err as SlcanOpenError).messageIn('fr')).toBe(
      `impossible d'ouvrir l'adaptateur SLCAN ${path} : port série introuvable (adaptateur débranché, ou un autre nom de port ?) [ENOENT]`,
    );
    expect(err.message).toBe(
      `cannot open SLCAN adapter ${path}: Error: No such file or directory, cannot open ${path}`,
    );
    expect((err as SlcanOpenError).messageIn('en')).toBe(err.message);
  });

  it('a file that is not a serial port (/dev/null)', async () => {
    const err = await failure(SlcanBus.open('/dev/null'));
    expect((err as SlcanOpenError).messageIn('fr')).toBe(
      "impossible d'ouvrir l'adaptateur SLCAN /dev/null : ce n'est pas un port série [ENOTTY]",
    );
    expect(err.message).toBe(
      'cannot open SLCAN adapter /dev/null: Error: Inappropriate ioctl for device setting custom baud rate of 115200',
    );
  });

  it('a TCP address where nothing listens', async () => {
    const port = await closedPort();
    const err = await failure(SlcanBus.connect('127.0.0.1', port));
    expect((err as SlcanOpenError).messageIn('fr')).toBe(
      `impossible d'ouvrir l'adaptateur SLCAN tcp://127.0.0.1:${port} : connexion refusée : rien n'écoute à cette adresse (appareil éteint, mauvais port ?) [ECONNREFUSED]`,
    );
    expect(err.message).toBe(
      `cannot open SLCAN adapter tcp://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('an adapter that refuses the bit rate (BELL)', async () => {
    const port = await fakeAdapter('\x07');
    const err = await failure(SlcanBus.connect('127.0.0.1', port, { commandTimeoutMs: 500 }));
    expect((err as SlcanOpenError).messageIn('fr')).toBe(
      `impossible d'ouvrir l'adaptateur SLCAN tcp://127.0.0.1:${port} : l'adaptateur a refusé la commande « S6 » (débit CAN de 500 kbit/s) : réponse BELL`,
    );
    expect(err.message).toBe(
      `cannot open SLCAN adapter tcp://127.0.0.1:${port}: the adapter refused 'S6' (BELL)`,
    );
  });

  it('timing registers the adapter refuses, then a btr= that is not hex', async () => {
    const channel = 'bus-texts-btr';
    const service = await serveSlcan(new SlcanEmulator({ channel }));
    try {
      // The emulator, as Lawicel's adapters, takes 4 hex digits only.
      const err = await failure(SlcanBus.connect('127.0.0.1', service.port, { btr: '031C00' }));
      expect((err as SlcanOpenError).messageIn('fr')).toBe(
        `impossible d'ouvrir l'adaptateur SLCAN tcp://127.0.0.1:${service.port} : l'adaptateur a refusé la commande « s031C00 » (registres de cadencement, btr=) : réponse BELL`,
      );
      const hex = await failure(SlcanBus.connect('127.0.0.1', service.port, { btr: 'zz' }));
      expect((hex as SlcanOpenError).messageIn('fr')).toBe(
        `impossible d'ouvrir l'adaptateur SLCAN slcan:tcp://127.0.0.1:${service.port} : btr « zz » : 4 ou 6 chiffres hexadécimaux attendus (les registres de cadencement du contrôleur)`,
      );
      expect(hex.message).toBe(
        `cannot open SLCAN adapter slcan:tcp://127.0.0.1:${service.port}: btr 'zz' is not 4 or 6 hex digits`,
      );
    } finally {
      await service.close();
    }
  });

  it('a bit rate SLCAN has no code for', async () => {
    const service = await serveSlcan(new SlcanEmulator({ channel: 'bus-texts-rate' }));
    try {
      const err = await failure(SlcanBus.connect('127.0.0.1', service.port, { bitrate: 83_333 }));
      expect((err as SlcanOpenError).messageIn('fr')).toBe(
        `impossible d'ouvrir l'adaptateur SLCAN tcp://127.0.0.1:${service.port} : 83333 bit/s n'est pas un débit SLCAN standard (10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 750000, 1000000) ; donnez plutôt les registres de cadencement du contrôleur (btr=)`,
      );
      expect(err.message).toBe(
        `cannot open SLCAN adapter tcp://127.0.0.1:${service.port}: 83333 bit/s is not a standard SLCAN rate (10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 750000, 1000000); give the controller's timing registers instead (btr=)`,
      );
    } finally {
      await service.close();
    }
  });

  it('something that answers garbage: not an SLCAN adapter, the line it sent quoted', async () => {
    const port = await fakeAdapter('garbage\r');
    const err = await failure(SlcanBus.connect('127.0.0.1', port, { commandTimeoutMs: 200 }));
    expect((err as SlcanOpenError).messageIn('fr')).toBe(
      `impossible d'ouvrir l'adaptateur SLCAN tcp://127.0.0.1:${port} : pas de réponse en 200 ms à la commande « S6 » (débit CAN de 500 kbit/s) ; dernière ligne reçue : « garbage » (ce n'est pas une réponse à « S6 »). Ce n'est sans doute pas un adaptateur SLCAN, ou la ligne série n'est pas à son débit (option baud=)`,
    );
    expect(err.message).toBe(
      `cannot open SLCAN adapter tcp://127.0.0.1:${port}: no answer to 'S6' within 200 ms (last problem on the line: SLCAN line 'garbage': not an answer to 'S6')`,
    );
  });

  it('an adapter that went away', () => {
    const err = new SlcanDisconnectedError('slcan:/dev/ttyACM0', 'the line was closed');
    expect(err.messageIn('fr')).toBe(
      "slcan:/dev/ttyACM0 : l'adaptateur n'est plus là : la ligne a été fermée",
    );
    expect(err.message).toBe('slcan:/dev/ttyACM0: the adapter went away (the line was closed)');
  });

  it('recognises the system error in serialport words, which carry no code', () => {
    expect(lineErrorCode({ message: 'Error: Permission denied, cannot open /dev/ttyACM0' })).toBe('EACCES');
    expect(lineErrorCode({ message: 'Error Resource temporarily unavailable Cannot lock port' })).toBe(
      'EBUSY',
    );
    expect(lineErrorCode({ message: 'something else' })).toBe('');
    expect(lineErrorCode({ message: 'x', code: 'ECONNRESET' })).toBe('ECONNRESET');
  });
});

describe('a SocketCAN interface that will not open, in French', () => {
  /** A /sys/class/net with `lo` (not CAN), `can0` (CAN, down) and `can1` (CAN, up). */
  function sysNet(): string {
    const dir = mkdtempSync(join(tmpdir(), 'sysnet-'));
    const iface = (name: string, type: number, flags: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'type'), `${type}\n`);
      writeFileSync(join(dir, name, 'flags'), `${flags}\n`);
    };
    iface('lo', 772, '0x9');
    iface('can0', 280, '0x80');
    iface('can1', 280, '0xc1');
    return dir;
  }
  const refuse = () => {
    throw new Error('Error while creating channel');
  };
  const open = (iface: string, sysNetDir: string) =>
    failure(SocketCanBus.open(iface, { channelFactory: refuse, sysNetDir })) as Promise<SocketCanOpenError>;

  it('reads the state of an interface from /sys/class/net', () => {
    const dir = sysNet();
    expect(interfaceState('can9', dir)).toEqual({ kind: 'missing' });
    expect(interfaceState('lo', dir)).toEqual({ kind: 'not-can', type: 772 });
    expect(interfaceState('can0', dir)).toEqual({ kind: 'down' });
    expect(interfaceState('can1', dir)).toEqual({ kind: 'up' });
    expect(interfaceState('can0', join(dir, 'no-such-folder'))).toEqual({ kind: 'unknown' });
  });

  it('an interface that does not exist; English unchanged', async () => {
    const err = await open('can9', sysNet());
    expect(err.messageIn('fr')).toBe(
      "impossible d'ouvrir l'interface SocketCAN « can9 » : elle n'existe pas sur cette machine (adaptateur débranché, ou un autre nom ? ip -details link show liste les interfaces)",
    );
    expect(err.message).toBe(
      "cannot open SocketCAN interface 'can9' (Error while creating channel); check that it exists and is up: ip -details link show can9",
    );
  });

  it('a vcan interface not created: how to create it, and what a kernel without vcan does', async () => {
    const err = await open('vcan0', sysNet());
    expect(err.messageIn('fr')).toBe(
      "impossible d'ouvrir l'interface SocketCAN « vcan0 » : elle n'existe pas. Une interface virtuelle se crée avec sudo modprobe vcan && sudo ip link add dev vcan0 type vcan && sudo ip link set up vcan0 (si modprobe ne trouve pas vcan, ce noyau n'a pas le module vcan : c'est souvent le cas dans un conteneur)",
    );
  });

  it('an interface that is down, one that is not CAN, and a machine without /sys', async () => {
    const dir = sysNet();
    expect((await open('can0', dir)).messageIn('fr')).toBe(
      "impossible d'ouvrir l'interface SocketCAN « can0 » : elle est arrêtée ; démarrez-la avec sudo ip link set can0 up type can bitrate 500000 (ou le débit du véhicule)",
    );
    expect((await open('lo', dir)).messageIn('fr')).toBe(
      "impossible d'ouvrir l'interface SocketCAN « lo » : ce n'est pas une interface CAN (type de lien 772, 280 pour CAN)",
    );
    expect((await open('can0', join(dir, 'none'))).messageIn('fr')).toBe(
      "impossible d'ouvrir l'interface SocketCAN « can0 » (« Error while creating channel ») ; vérifiez qu'elle existe et qu'elle est démarrée : ip -details link show can0",
    );
  });

  it('an interface that is down is refused at open, although the kernel would bind it', async () => {
    const dir = sysNet();
    // A channel that binds, as the kernel binds a raw socket to a down interface: receiving on it
    // would only wait for frames that never come.
    let bound = 0;
    const binds = () => {
      bound++;
      return listeningChannel();
    };
    const err = (await failure(
      SocketCanBus.open('can0', { channelFactory: binds, sysNetDir: dir }),
    )) as SocketCanOpenError;
    expect(err).toBeInstanceOf(SocketCanOpenError);
    expect(bound).toBe(0);
    expect(err.state).toEqual({ kind: 'down' });
    expect(err.messageIn('fr')).toBe(
      "impossible d'ouvrir l'interface SocketCAN « can0 » : elle est arrêtée ; démarrez-la avec sudo ip link set can0 up type can bitrate 500000 (ou le débit du véhicule)",
    );
    expect(err.message).toBe(
      "cannot open SocketCAN interface 'can0' (the interface is down); check that it exists and is up: ip -details link show can0",
    );
    // An interface that is up opens; a down one opens when asked (a capture started before it is up).
    const up = await SocketCanBus.open('can1', { channelFactory: binds, sysNetDir: dir });
    const down = await SocketCanBus.open('can0', { channelFactory: binds, sysNetDir: dir, allowDown: true });
    expect(bound).toBe(2);
    await up.close();
    await down.close();
  });

  it('the socketcan module not installed', async () => {
    const err = (await loadSocketCan('socketcan-not-installed-here').catch(
      (e) => e,
    )) as SocketCanUnavailableError;
    expect(err).toBeInstanceOf(SocketCanUnavailableError);
    expect(err.messageIn('fr')).toMatch(
      /^le module optionnel « socketcan » n'est pas disponible \(« .*socketcan-not-installed-here.* »\) ; sous Linux, installez-le avec pnpm --filter @atelier\/can add socketcan \(il faut un compilateur C\+\+\)$/,
    );
    expect(err.messageIn('en')).toBe(err.message);
  });
});

/** A raw channel that binds and then hears nothing, as a socket on a quiet (or down) interface. */
function listeningChannel(): RawCanChannel {
  return { ...refusingChannel(), send: () => 16, sendFD: () => 72 };
}

/** A raw channel whose kernel refuses every frame (as a down interface or a full queue does). */
function refusingChannel(): RawCanChannel {
  return {
    addListener: () => {},
    start: () => {},
    stop: () => {},
    send: () => -1,
    sendFD: () => -1,
    setRxFilters: () => {},
    setErrorFilters: () => {},
  };
}

describe('a frame the bus will not send, in French', () => {
  function sysNet(flags: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'sysnet-'));
    mkdirSync(join(dir, 'can0'));
    writeFileSync(join(dir, 'can0', 'type'), '280\n');
    writeFileSync(join(dir, 'can0', 'flags'), `${flags}\n`);
    return dir;
  }
  const refusedBy = async (sysNetDir: string) => {
    const clock = new VirtualClock();
    // A down interface is refused at open unless asked for: here it is (it may also go down later).
    const bus = await SocketCanBus.open('can0', {
      channelFactory: refusingChannel,
      clock,
      sendRetryMs: 20,
      sysNetDir,
      allowDown: true,
    });
    const err = (await clock
      .run(bus.send(makeFrame({ id: 0x7df, data: [2, 1, 0] })))
      .catch((e) => e)) as SocketCanSendError;
    await bus.close();
    return err;
  };

  it('SocketCAN: the kernel refuses every frame on an interface that is down', async () => {
    const err = await refusedBy(sysNet('0x80'));
    expect(err).toBeInstanceOf(SocketCanSendError);
    expect(err.messageIn('fr')).toBe(
      "socketcan:can0 : le noyau refuse la trame depuis 20 ms : l'interface est arrêtée ; démarrez-la avec sudo ip link set can0 up type can bitrate 500000 (ou le débit du véhicule)",
    );
    expect(err.message).toBe(
      'socketcan:can0: the kernel refused the frame for 20 ms (transmit queue full, interface down or bus-off)',
    );
  });

  it('SocketCAN: on an interface that is up, the other causes', async () => {
    const err = await refusedBy(sysNet('0x40c1'));
    expect(err.messageIn('fr')).toBe(
      "socketcan:can0 : le noyau refuse la trame depuis 20 ms (file d'émission pleine, interface arrêtée ou bus-off : personne n'acquitte les trames ? ip -details -statistics link show can0)",
    );
  });

  it('SocketCAN: a CAN FD frame on a bus opened without FD', async () => {
    const bus = await SocketCanBus.open('can0', {
      channelFactory: refusingChannel,
      sysNetDir: join(tmpdir(), 'no-sys-class-net'),
    });
    const err = (await bus
      .send(makeFrame({ id: 0x123, fd: true, data: new Uint8Array(12) }))
      .catch((e) => e)) as FrameRefusedError;
    await bus.close();
    expect(err).toBeInstanceOf(FrameRefusedError);
    expect(err.messageIn('fr')).toBe(
      "socketcan:can0 : trame refusée : CAN FD n'est pas activé sur ce bus (option --fd, et l'interface réglée avec « fd on »)",
    );
    expect(err.message).toBe('socketcan:can0: refused frame: CAN FD is not enabled on this bus');
  });

  it('SLCAN: a CAN FD frame, and any frame on an adapter opened listen-only', async () => {
    const service = await serveSlcan(new SlcanEmulator({ channel: 'bus-texts-send' }));
    try {
      const bus = await SlcanBus.connect('127.0.0.1', service.port);
      const fd = (await bus
        .send(makeFrame({ id: 0x123, fd: true, data: new Uint8Array(12) }))
        .catch((e) => e)) as FrameRefusedError;
      await bus.close();
      const name = `slcan:tcp://127.0.0.1:${service.port}`;
      expect(fd.messageIn('fr')).toBe(`${name} : trame refusée : SLCAN ne transporte pas de trames CAN FD`);
      expect(fd.message).toBe(`${name}: refused frame: SLCAN carries no CAN FD frames`);
      const listen = await SlcanBus.connect('127.0.0.1', service.port, { listenOnly: true });
      const quiet = (await listen
        .send(makeFrame({ id: 0x7df, data: [2, 1, 0] }))
        .catch((e) => e)) as FrameRefusedError;
      await listen.close();
      expect(quiet.messageIn('fr')).toBe(
        `${name} : trame refusée : l'adaptateur est ouvert en écoute seule (listen=1)`,
      );
      expect(quiet.message).toBe(`${name}: refused frame: the adapter was opened listen-only`);
    } finally {
      await service.close();
    }
  });
});

describe('a bus name that does not parse, in French', () => {
  it('each mistake, with its English unchanged', () => {
    const cases: [string, string, string][] = [
      [
        'can0',
        'attendu TYPE:NOM, par exemple virtual:labo, socketcan:can0 ou slcan:/dev/ttyACM0',
        'expected SCHEME:NAME, e.g. virtual:lab or socketcan:can0',
      ],
      [
        'peak:usb0',
        'type de bus inconnu « peak » (connus : virtual:NOM, socketcan:NOM, slcan:NOM)',
        "unknown scheme 'peak' (known: virtual:NAME, socketcan:NAME, slcan:NAME)",
      ],
      ['slcan:', 'rien après les deux-points', 'the name after the colon is empty'],
      [
        'socketcan:can 0',
        "« can 0 » n'est pas un nom d'interface réseau (can0, vcan0 : 15 caractères au plus, sans espace ni barre oblique)",
        "'can 0' is not a network interface name",
      ],
      [
        'slcan:ttyACM0',
        "« ttyACM0 » n'est ni un port série (/dev/ttyACM0) ni une adresse tcp://HÔTE:PORT",
        "'ttyACM0' is not a serial device path or tcp://HOST:PORT",
      ],
      [
        'slcan:/dev/ttyACM0?bitrate=fast',
        'bitrate « fast » : nombre entier attendu',
        "bitrate 'fast' is not a whole number",
      ],
      ['slcan:/dev/ttyACM0?listen=oui', 'listen « oui » : 1 ou 0 attendu', "listen 'oui' is not 1 or 0"],
      [
        'slcan:/dev/ttyACM0?speed=1',
        'option inconnue « speed » (options possibles : bitrate, btr, listen, timestamps, baud)',
        "unknown option 'speed' (bitrate, btr, listen, timestamps, baud)",
      ],
    ];
    for (const [spec, fr, en] of cases) {
      let err: BusSpecError | undefined;
      try {
        parseBusSpec(spec);
      } catch (e) {
        err = e as BusSpecError;
      }
      expect(err, spec).toBeInstanceOf(BusSpecError);
      expect(err!.messageIn('fr'), spec).toBe(`bus « ${spec} » : ${fr}`);
      expect(err!.message, spec).toBe(`bus '${spec}': ${en}`);
    }
  });
});
