import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Command, UsageError } from '@atelier/command';
import { MoveRefused, moveToGroup } from '../store/move-to-group.js';
import { isPostgresUrl, openStore } from '../store/open.js';
import { openPostgresStore, redact } from '../store/postgres-store.js';
import { openSqliteStore } from '../store/sqlite-store.js';

const USAGE = {
  fr: `Usage : atelier db backup [--db FICHIER|URL] DESTINATION
  Copie à chaud : le serveur peut continuer à écrire pendant la copie (SQLite : API de sauvegarde,
  copie vérifiée ; PostgreSQL postgres://… : pg_dump au format custom, relu par pg_restore --list).
  atelier db check [--db FICHIER|URL]   vérifie l'intégrité (SQLite : PRAGMA integrity_check et clés
  étrangères ; PostgreSQL : contraintes validées, clés étrangères, index et pages avec amcheck)
  atelier db migrate-to postgres://… [--db FICHIER] --site CODE [--name NOM] [--login-suffix SUFFIXE]
  Copie l'atelier SQLite dans la base du groupe comme un nouveau site, compte les lignes des deux
  côtés avant de valider, marque le fichier comme transféré ; une seconde fois est refusée.`,
  en: `Usage: atelier db backup [--db FILE|URL] DESTINATION
  Online copy: the server may keep writing during the copy (SQLite: backup API, copy checked;
  PostgreSQL postgres://…: pg_dump custom format, read back by pg_restore --list).
  atelier db check [--db FILE|URL]   checks integrity (SQLite: PRAGMA integrity_check and foreign
  keys; PostgreSQL: constraints validated, foreign keys, indexes and pages with amcheck)
  atelier db migrate-to postgres://… [--db FILE] --site CODE [--name NAME] [--login-suffix SUFFIX]
  Copies the SQLite workshop into the group's database as a new site, counts the rows on both sides
  before committing, marks the file as moved; a second run is refused.`,
};

export const dbCommand: Command = {
  name: 'db',
  async run(args, ctx) {
    let parsed: ReturnType<typeof parse>;
    const parse = () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          db: { type: 'string' },
          site: { type: 'string' },
          name: { type: 'string' },
          'login-suffix': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
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
    const location = values.db ?? 'atelier.sqlite';
    const pg = isPostgresUrl(location);
    const file = pg ? location : resolve(ctx.cwd, location);
    if (!pg && !existsSync(file))
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
      const store = await openStore(file);
      try {
        await store.backup(target);
      } finally {
        await store.close();
      }
      if (pg) {
        // pg_dump's archive was read back by pg_restore --list: restoring it is pg_restore's job.
        ctx.stdout.write(
          ctx.lang === 'fr'
            ? `Sauvegarde de ${redact(file)} écrite et relue : ${target} (restauration : pg_restore --dbname=URL ${target})\n`
            : `Backup of ${redact(file)} written and read back: ${target} (restore: pg_restore --dbname=URL ${target})\n`,
        );
        return 0;
      }
      const copy = await openStore(target);
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
    if (sub === 'migrate-to') {
      if (pg)
        throw new UsageError(
          ctx.lang === 'fr' ? '--db : le fichier SQLite de l’atelier' : '--db: the workshop’s SQLite file',
          USAGE[ctx.lang],
        );
      if (!dest || !isPostgresUrl(dest) || !values.site)
        throw new UsageError(
          ctx.lang === 'fr'
            ? 'il faut l’URL postgres://… du groupe et --site CODE'
            : "the group's postgres://… URL and --site CODE are needed",
          USAGE[ctx.lang],
        );
      const src = await openSqliteStore(file);
      try {
        const group = await openPostgresStore(dest);
        try {
          const report = await moveToGroup(src, group, {
            code: values.site,
            name: values.name ?? values.site,
            loginSuffix: values['login-suffix'],
            now: Date.now(),
          });
          for (const [table, c] of Object.entries(report.counts))
            ctx.stdout.write(
              `${table.padEnd(22)} ${String(c.source).padStart(7)} → ${String(c.target).padStart(7)}\n`,
            );
          ctx.stdout.write(
            ctx.lang === 'fr'
              ? `Atelier transféré dans ${redact(dest)} comme site « ${values.site} » (n° ${report.siteId}) ; comptes identiques.\n`
              : `Workshop moved into ${redact(dest)} as site '${values.site}' (#${report.siteId}); counts match.\n`,
          );
          return 0;
        } catch (err) {
          if (err instanceof MoveRefused) {
            ctx.stderr.write(`${err.text[ctx.lang]}\n`);
            return 1;
          }
          throw err;
        } finally {
          await group.close();
        }
      } finally {
        await src.close();
      }
    }
    if (sub === 'check') {
      const store = await openStore(file);
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
