import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Command, UsageError } from '@atelier/command';
import { openSqliteStore } from '../store/sqlite-store.js';

const USAGE = {
  fr: `Usage : atelier db backup [--db FICHIER] DESTINATION
  Copie à chaud (API de sauvegarde SQLite) : le serveur peut continuer à écrire pendant la copie.
  atelier db check [--db FICHIER]   vérifie l'intégrité (PRAGMA integrity_check, clés étrangères)`,
  en: `Usage: atelier db backup [--db FILE] DESTINATION
  Online copy (SQLite backup API): the server may keep writing during the copy.
  atelier db check [--db FILE]   checks integrity (PRAGMA integrity_check, foreign keys)`,
};

export const dbCommand: Command = {
  name: 'db',
  async run(args, ctx) {
    let parsed: ReturnType<typeof parse>;
    const parse = () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      });
    try {
      parsed = parse();
    } catch (err) {
      throw new UsageError((err as Error).message, USAGE[ctx.lang]);
    }
    const { values, positionals } = parsed;
    const [sub, dest] = positionals;
    if (values.help || !sub) {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return values.help ? 0 : 2;
    }
    const file = resolve(ctx.cwd, values.db ?? 'atelier.sqlite');
    if (!existsSync(file))
      throw new UsageError(
        ctx.lang === 'fr' ? `base introuvable : ${file}` : `database not found: ${file}`,
        USAGE[ctx.lang],
      );
    if (sub === 'backup') {
      if (!dest)
        throw new UsageError(
          ctx.lang === 'fr' ? 'DESTINATION manquante' : 'DESTINATION missing',
          USAGE[ctx.lang],
        );
      const target = resolve(ctx.cwd, dest);
      if (existsSync(target))
        throw new UsageError(
          ctx.lang === 'fr'
            ? `la destination existe déjà : ${target}`
            : `destination already exists: ${target}`,
        );
      const store = await openSqliteStore(file);
      try {
        await store.backup(target);
      } finally {
        await store.close();
      }
      const copy = await openSqliteStore(target);
      try {
        const problems = await copy.integrityCheck();
        if (problems.length) {
          ctx.stderr.write(`${problems.join('\n')}\n`);
          return 1;
        }
        ctx.stdout.write(
          ctx.lang === 'fr'
            ? `Sauvegarde écrite et vérifiée : ${target}\n`
            : `Backup written and checked: ${target}\n`,
        );
      } finally {
        await copy.close();
      }
      return 0;
    }
    if (sub === 'check') {
      const store = await openSqliteStore(file);
      try {
        const problems = await store.integrityCheck();
        ctx.stdout.write(problems.length ? `${problems.join('\n')}\n` : 'ok\n');
        return problems.length ? 1 : 0;
      } finally {
        await store.close();
      }
    }
    throw new UsageError(
      ctx.lang === 'fr' ? `sous-commande inconnue « ${sub} »` : `unknown subcommand '${sub}'`,
      USAGE[ctx.lang],
    );
  },
};
