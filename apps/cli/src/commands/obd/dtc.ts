import { UsageError } from '@atelier/command';
import { dtcTitle, LinkError, NegativeResponseError, ObdClient } from '@atelier/obd';
import { ADAPTER_HELP, openFromOptions, parseOptions } from './common.js';
import type { Subcommand } from './index.js';
import { clearAll, dtcsComplete, readVehicle } from './reader.js';

const USAGE = {
  fr: `Usage : atelier obd dtc --adapter A [--clear --yes] [--json]

Lit les codes défaut mémorisés, en attente et permanents de chaque calculateur. Avec --clear --yes,
les efface (mode 04) puis les relit. L'effacement remet aussi à zéro les données figées et l'état de
préparation des moniteurs : --yes confirme que c'est voulu.

${ADAPTER_HELP.fr}
  --clear          efface les codes (avec --yes)
  --yes            confirme l'effacement
  --json           un objet JSON sur stdout`,
  en: `Usage: atelier obd dtc --adapter A [--clear --yes] [--json]

Reads stored, pending and permanent DTCs of every ECU. With --clear --yes, clears them (mode 04) then
reads them again. Clearing also resets freeze frames and monitor readiness: --yes confirms it is meant.

${ADAPTER_HELP.en}
  --clear          clear the DTCs (with --yes)
  --yes            confirm clearing
  --json           one JSON object on stdout`,
};

export const dtcSubcommand: Subcommand = {
  name: 'dtc',
  summary: { fr: 'codes défaut (lecture, effacement)', en: 'DTCs (read, clear)' },
  async run(args, ctx) {
    const { values } = parseOptions(
      args,
      { clear: { type: 'boolean' }, yes: { type: 'boolean' }, json: { type: 'boolean' } },
      USAGE[ctx.lang],
    );
    if (values.help) {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return 0;
    }
    const fr = ctx.lang === 'fr';
    if (values.clear && !values.yes) {
      throw new UsageError(
        fr
          ? '--clear efface aussi les données figées et la préparation des moniteurs : ajouter --yes pour confirmer'
          : '--clear also erases freeze frames and monitor readiness: add --yes to confirm',
        USAGE[ctx.lang],
      );
    }
    const adapter = await openFromOptions(values, ctx, USAGE[ctx.lang]);
    const { link } = adapter;
    try {
      const client = new ObdClient(link);
      const extended = link.info.extended ?? false;
      let cleared: string[] | undefined;
      if (values.clear) {
        try {
          cleared = await clearAll(client, extended);
        } catch (err) {
          if (!(err instanceof LinkError || err instanceof NegativeResponseError)) throw err;
          ctx.stderr.write(
            fr ? `effacement impossible : ${err.messageIn('fr')}\n` : `could not clear: ${err.message}\n`,
          );
          return 1;
        }
      }
      const { dtcs, errors, errorsFr, ...report } = await readVehicle(link, { parts: ['dtcs'] });
      if (values.json) {
        ctx.stdout.write(
          `${JSON.stringify({ ...(cleared ? { cleared } : {}), dtcs, ...(Object.keys(errors).length ? { errors } : {}) })}\n`,
        );
      } else {
        if (cleared)
          ctx.stdout.write(
            fr ? `Effacés sur : ${cleared.join(', ')}\n` : `Cleared on: ${cleared.join(', ')}\n`,
          );
        const titles = {
          stored: fr ? 'Mémorisés' : 'Stored',
          pending: fr ? 'En attente' : 'Pending',
          permanent: fr ? 'Permanents' : 'Permanent',
        };
        for (const key of ['stored', 'pending', 'permanent'] as const) {
          const list = dtcs[key];
          const why = Object.entries(fr ? errorsFr : errors).find(
            ([k]) => k === `dtcs.${key}` || k.startsWith(`dtcs.${key}.`),
          );
          if (list === null)
            ctx.stdout.write(`${titles[key]} : ${fr ? 'NON LUS' : 'NOT READ'} (${why?.[1] ?? '?'})\n`);
          else if (list.length === 0) ctx.stdout.write(`${titles[key]} : ${fr ? 'aucun' : 'none'}\n`);
          else {
            ctx.stdout.write(`${titles[key]} :\n`);
            for (const d of list)
              ctx.stdout.write(`  ${d.code}  [${d.ecu}]  ${dtcTitle(d.code, ctx.lang)}\n`);
          }
        }
      }
      return dtcsComplete({ ...report, dtcs, errors, errorsFr }) ? 0 : 1;
    } finally {
      await adapter.close();
    }
  },
};
