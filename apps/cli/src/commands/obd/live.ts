import { type CliContext, UsageError, writeOut } from '@atelier/command';
import { Elm327Link } from '@atelier/elm327';
import {
  DisconnectedError,
  decodePid,
  ecuLabel,
  PIDS,
  type PidDef,
  PidPoller,
  type PollItem,
  pidByKey,
  pidUnit,
} from '@atelier/obd';
import { errorText } from '../../error-text.js';
import { ADAPTER_HELP, openFromOptions, parseOptions } from './common.js';
import type { Subcommand } from './index.js';
import { formatValue } from './read.js';

const USAGE = {
  fr: `Usage : atelier obd live --adapter A PID… [--json] [--period MS]

Affiche les valeurs en direct jusqu'à Ctrl-C. Un PID s'écrit en hexadécimal (0C) ou par sa clé
(ENGINE_RPM), avec éventuellement sa période : 0C@100 (toutes les 100 ms). La ligne série est
partagée équitablement : jusqu'à six PID par requête, et si elle sature chaque PID garde sa part.

${ADAPTER_HELP.fr}
  --period MS      période par défaut de chaque PID (0 : aussi vite que possible)
  --json           une ligne JSON par valeur : {"t":…,"ecu":"7E8","pid":"0C","value":…}`,
  en: `Usage: atelier obd live --adapter A PID… [--json] [--period MS]

Shows live values until Ctrl-C. A PID is written in hex (0C) or by its key (ENGINE_RPM), optionally
with its period: 0C@100 (every 100 ms). The line is shared fairly: up to six PIDs per request, and
when it saturates every PID keeps its share.

${ADAPTER_HELP.en}
  --period MS      default period of each PID (0: as fast as possible)
  --json           one JSON line per value: {"t":…,"ecu":"7E8","pid":"0C","value":…}`,
};

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/** `0C`, `0x0c`, `ENGINE_RPM`, each with an optional `@MS`. */
export function parsePidArg(
  arg: string,
  defaultPeriod: number,
  ctx: CliContext,
): { def: PidDef; periodMs: number } {
  const [name, period] = arg.split('@', 2) as [string, string?];
  const hex = name.replace(/^0x/i, '');
  const def = /^[0-9a-f]{1,2}$/i.test(hex)
    ? PIDS.get(Number.parseInt(hex, 16))
    : pidByKey(name.toUpperCase());
  const fr = ctx.lang === 'fr';
  if (!def)
    throw new UsageError(
      fr
        ? `PID inconnu « ${name} » (hexadécimal 0C ou clé ENGINE_RPM)`
        : `unknown PID '${name}' (hex 0C or key ENGINE_RPM)`,
      USAGE[ctx.lang],
    );
  if (def.pid % 0x20 === 0)
    throw new UsageError(
      fr
        ? `${hex2(def.pid)} est un PID de liste, pas une valeur`
        : `${hex2(def.pid)} is a support PID, not a value`,
      USAGE[ctx.lang],
    );
  const periodMs = period === undefined ? defaultPeriod : Number(period);
  if (!Number.isFinite(periodMs) || periodMs < 0 || periodMs > 3_600_000) {
    throw new UsageError(
      fr ? `période « ${period} » invalide pour ${name}` : `invalid period '${period}' for ${name}`,
      USAGE[ctx.lang],
    );
  }
  return { def, periodMs };
}

export const liveSubcommand: Subcommand = {
  name: 'live',
  summary: { fr: 'valeurs en direct (PID du mode 01)', en: 'live values (mode 01 PIDs)' },
  async run(args, ctx) {
    const { values, positionals } = parseOptions(
      args,
      { json: { type: 'boolean' }, period: { type: 'string' } },
      USAGE[ctx.lang],
      true,
    );
    if (values.help) {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return 0;
    }
    const fr = ctx.lang === 'fr';
    if (positionals.length === 0)
      throw new UsageError(
        fr ? 'au moins un PID est nécessaire' : 'at least one PID is needed',
        USAGE[ctx.lang],
      );
    const defaultPeriod = values.period === undefined ? 0 : Number(values.period);
    if (!Number.isFinite(defaultPeriod) || defaultPeriod < 0)
      throw new UsageError(`--period: '${values.period}'`, USAGE[ctx.lang]);
    const wanted = positionals.map((p) => parsePidArg(p, defaultPeriod, ctx));
    const adapter = await openFromOptions(values, ctx, USAGE[ctx.lang]);
    const { link } = adapter;
    const maxPerRequest = link instanceof Elm327Link ? link.maxPidsPerRequest : 6;
    const items: PollItem[] = wanted.map((w) => ({ pid: w.def.pid, periodMs: w.periodMs }));
    const t0 = performance.now();
    let pending: Promise<void> | undefined;
    let failures = 0;
    const poller = new PidPoller(link, items, {
      maxPerRequest,
      pidLength: (pid) => PIDS.get(pid)?.bytes,
      onSample: (s) => {
        const def = PIDS.get(s.pid)!;
        let value: unknown;
        try {
          value = decodePid(def, s.bytes);
        } catch (err) {
          ctx.stderr.write(
            `${hex2(s.pid)}${ctx.lang === 'fr' ? ' : ' : ': '}${ctx.lang === 'en' ? (err as Error).message : errorText(err, ctx.lang)}\n`,
          );
          return;
        }
        const t = Math.round(performance.now() - t0) / 1000;
        const ecu = ecuLabel(s.ecu, link.info.extended ?? s.ecu > 0x7ff);
        const line = values.json
          ? JSON.stringify({ t, ecu, pid: hex2(s.pid), value })
          : `${t.toFixed(3).padStart(9)}  ${ecu}  ${hex2(s.pid)}  ${def.key.padEnd(24)} ${formatValue(value, pidUnit(def))}`;
        pending = writeOut(ctx.stdout, `${line}\n`) || undefined;
      },
      onError: (err, pids) => {
        failures++;
        ctx.stderr.write(`${pids.map(hex2).join(',')}: ${errorText(err, ctx.lang)}\n`);
        if (err instanceof DisconnectedError) throw err;
      },
    });
    try {
      for (;;) {
        try {
          await poller.run(ctx.signal);
          break;
        } catch (err) {
          if (!(err instanceof DisconnectedError) || !(link instanceof Elm327Link) || ctx.signal.aborted)
            throw err;
          // A cable that came loose: try again every two seconds until it is back or Ctrl-C.
          ctx.stderr.write(fr ? 'adaptateur perdu, reconnexion…\n' : 'adapter lost, reconnecting…\n');
          for (;;) {
            await new Promise((r) => setTimeout(r, 2_000));
            if (ctx.signal.aborted) break;
            try {
              await link.reconnect();
              break;
            } catch (e) {
              ctx.stderr.write(`${ctx.lang === 'en' ? (e as Error).message : errorText(e, ctx.lang)}\n`);
            }
          }
          if (ctx.signal.aborted) break;
        }
      }
      await pending;
    } finally {
      await adapter.close();
    }
    ctx.stderr.write(
      fr
        ? `${poller.counts.samples} valeurs, ${poller.counts.requests} requêtes, ${failures} erreurs\n`
        : `${poller.counts.samples} values, ${poller.counts.requests} requests, ${failures} errors\n`,
    );
    return 0;
  },
};
