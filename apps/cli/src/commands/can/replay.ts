import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Bus,
  type FrameFilter,
  MAX_EXT_ID,
  MAX_STD_ID,
  openBus,
  Player,
  parseErrorMessage,
  ReplayOptionError,
  type ReplayProgress,
  readLog,
} from '@atelier/can';
import { type CliContext, type Lang, UsageError } from '@atelier/command';
import type { Subcommand } from './index.js';
import { logCommandArgs } from './log-args.js';

const USAGE = {
  fr: `Usage : atelier can replay JOURNAL --bus socketcan:can0|slcan:/dev/ttyACM0?bitrate=500000|virtual:NOM [options]

Rejoue un journal sur un bus avec son rythme d'origine. Ctrl-C arrête proprement.

  --bus BUS        bus de sortie : socketcan:IFACE, slcan:PORT?bitrate=N (CANable, USBtin, CANUSB ;
                   ou slcan:tcp://HÔTE:PORT) ou virtual:NOM (dans ce processus)
  --speed N        facteur de vitesse, 0.1 à 1000 (1 par défaut)
  --max            aussi vite que possible
  --loop           recommence à la fin, sans fin
  --start S        commence à S secondes après la première trame
  --end S          s'arrête à S secondes après la première trame
  --id LISTE       n'envoie que ces identifiants hexadécimaux, p. ex. 7E8,7DF,18DAF110
  --fd             accepte les trames CAN FD (SocketCAN : interface réglée avec « fd on »)
  --lenient        saute les lignes illisibles du journal

Sur stderr : l'avancement (si terminal) puis le bilan, dont l'écart entre l'heure prévue par le
journal et l'heure réelle d'envoi (moyenne, maximum).`,
  en: `Usage: atelier can replay LOG --bus socketcan:can0|slcan:/dev/ttyACM0?bitrate=500000|virtual:NAME [options]

Plays a log onto a bus with its recorded timing. Ctrl-C stops cleanly.

  --bus BUS        output bus: socketcan:IFACE, slcan:PORT?bitrate=N (CANable, USBtin, CANUSB; or
                   slcan:tcp://HOST:PORT) or virtual:NAME (in this process)
  --speed N        speed factor, 0.1 to 1000 (default 1)
  --max            as fast as possible
  --loop           start again at the end, forever
  --start S        begin S seconds after the first frame
  --end S          stop S seconds after the first frame
  --id LIST        send only these hex ids, e.g. 7E8,7DF,18DAF110
  --fd             accept CAN FD frames (SocketCAN: interface set up with 'fd on')
  --lenient        skip unreadable log lines

On stderr: progress (when a terminal) then a summary, including the error between the time the log
schedules and the actual send time (mean, max).`,
};

/** `7E8,7DF,18DAF110` → exact-match filters; ids above 0x7FF are 29-bit. */
export function parseIdList(text: string, lang: Lang): FrameFilter[] {
  return text.split(',').map((part) => {
    const hex = part.trim().replace(/^0x/i, '');
    const id = /^[0-9a-f]{1,8}$/i.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
    if (!Number.isInteger(id) || id > MAX_EXT_ID) {
      throw new UsageError(
        lang === 'fr'
          ? `--id : « ${part} » n'est pas un identifiant CAN hexadécimal`
          : `--id: '${part}' is not a hex CAN id`,
      );
    }
    // Written with more than three digits means a 29-bit id, like candump's 8-digit form.
    const extended = id > MAX_STD_ID || hex.length > 3;
    return { id, mask: extended ? MAX_EXT_ID : MAX_STD_ID, extended };
  });
}

function parseSeconds(value: string | undefined, option: string, lang: Lang): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(
      lang === 'fr'
        ? `--${option} : « ${value} » n'est pas un nombre de secondes`
        : `--${option}: '${value}' is not a number of seconds`,
    );
  }
  return n;
}

function summary(p: ReplayProgress, elapsedMs: number, lang: Lang, interrupted: boolean): string {
  const t = p.timing;
  const timing =
    t.count === 0
      ? lang === 'fr'
        ? 'écart de timing non mesuré (vitesse maximale)'
        : 'timing error not measured (maximum speed)'
      : lang === 'fr'
        ? `écart de timing moyen ${t.meanMs.toFixed(3)} ms, max ${t.maxMs.toFixed(3)} ms, ${t.lateOver1ms} trame(s) à plus de 1 ms`
        : `timing error mean ${t.meanMs.toFixed(3)} ms, max ${t.maxMs.toFixed(3)} ms, ${t.lateOver1ms} frame(s) off by more than 1 ms`;
  const head =
    lang === 'fr'
      ? `${interrupted ? 'Relecture interrompue' : 'Relecture terminée'} : ${p.sent} trames envoyées en ${(elapsedMs / 1000).toFixed(3)} s, ${p.passes} passe(s), position ${p.position.toFixed(3)} s`
      : `${interrupted ? 'Replay interrupted' : 'Replay finished'}: ${p.sent} frames sent in ${(elapsedMs / 1000).toFixed(3)} s, ${p.passes} pass(es), position ${p.position.toFixed(3)} s`;
  const extra: string[] = [];
  if (p.filtered)
    extra.push(lang === 'fr' ? `${p.filtered} écartées par --id` : `${p.filtered} left out by --id`);
  if (p.skippedErrorFrames) {
    extra.push(
      lang === 'fr'
        ? `${p.skippedErrorFrames} trames d'erreur non émises`
        : `${p.skippedErrorFrames} error frames not sent`,
    );
  }
  return `${head}\n${timing}${extra.length ? `\n${extra.join(', ')}` : ''}\n`;
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const lang = ctx.lang;
  const usage = USAGE[lang];
  const parsed = logCommandArgs(args, ctx, usage, parse);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (!values.bus) throw new UsageError(lang === 'fr' ? '--bus manquant' : '--bus is required', usage);
  if (values.max && values.speed !== undefined) {
    throw new UsageError(
      lang === 'fr' ? '--speed et --max s’excluent' : '--speed and --max exclude each other',
      usage,
    );
  }
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  const file = resolve(ctx.cwd, positionals[0]);
  const lenient = values.lenient;
  const skipped: { count: number; first?: string } = { count: 0 };
  // A factory: looping and seeking back reopen the file instead of holding it in memory.
  const source = () => {
    const reader = readLog(file, { lenient });
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* reader;
        } finally {
          skipped.count += reader.skipped.length;
          if (reader.skipped[0]) skipped.first ??= parseErrorMessage(reader.skipped[0], ctx.lang);
        }
      },
    };
  };

  let player: Player;
  const options = {
    speed,
    maxSpeed: values.max,
    loop: values.loop,
    start: parseSeconds(values.start, 'start', lang),
    end: parseSeconds(values.end, 'end', lang),
    filters: values.id ? parseIdList(values.id, lang) : undefined,
    signal: ctx.signal,
  };
  let bus: Bus | undefined;
  try {
    // Virtual buses carry FD by default; SocketCAN only when asked, as the interface must be set up for it.
    bus = await openBus(values.bus, { fd: values.fd ? true : undefined });
    try {
      player = new Player(bus, source, options);
    } catch (err) {
      if (err instanceof ReplayOptionError) throw new UsageError(err.message, usage);
      throw err;
    }
    const ticker = ctx.stderrIsTTY
      ? setInterval(() => {
          const p = player.progress();
          ctx.stderr.write(
            `\r${p.sent} ${lang === 'fr' ? 'trames' : 'frames'}, t = ${p.position.toFixed(1)} s, ${lang === 'fr' ? 'écart moy.' : 'mean error'} ${p.timing.meanMs.toFixed(2)} ms\x1b[K`,
          );
        }, 500)
      : undefined;
    try {
      const report = await player.play();
      if (ticker) ctx.stderr.write('\r\x1b[K');
      ctx.stderr.write(summary(report, report.elapsedMs, lang, report.state === 'stopped'));
      if (skipped.count > 0) {
        ctx.stderr.write(
          lang === 'fr'
            ? `${skipped.count} ligne(s) illisible(s) sautée(s), première : ${skipped.first}\n`
            : `${skipped.count} unreadable line(s) skipped, first: ${skipped.first}\n`,
        );
      }
      return report.state === 'stopped' ? 130 : 0;
    } finally {
      if (ticker) clearInterval(ticker);
    }
  } finally {
    await bus?.close();
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      bus: { type: 'string' },
      speed: { type: 'string' },
      max: { type: 'boolean', default: false },
      loop: { type: 'boolean', default: false },
      start: { type: 'string' },
      end: { type: 'string' },
      id: { type: 'string' },
      fd: { type: 'boolean', default: false },
      lenient: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export const replaySubcommand: Subcommand = {
  name: 'replay',
  summary: {
    fr: 'rejoue un journal sur un bus (SocketCAN, SLCAN ou virtuel)',
    en: 'plays a log onto a bus (SocketCAN, SLCAN or virtual)',
  },
  run,
};
