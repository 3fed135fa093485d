import { parseArgs } from 'node:util';
import { type Command, UsageError } from '@atelier/command';
import { DEMO_PASSWORD } from '../seed.js';
import { startServer } from '../server.js';

const USAGE = {
  fr: `Usage : atelier serve [--port N] [--host ADRESSE] [--db FICHIER|URL] [--demo] [--trust-proxy]
  --port         port HTTP (8080 par défaut)
  --host         adresse d'écoute (127.0.0.1 par défaut ; 0.0.0.0 pour les tablettes de l'atelier)
  --db           base SQLite (atelier.sqlite par défaut ; avec --demo seul, une base temporaire), ou
                 postgres://utilisateur@hôte/base : la base PostgreSQL d'un groupe, partagée par
                 plusieurs processus
  --demo         données de démonstration si la base est vide
  --trust-proxy  derrière un proxy qui termine TLS (nginx, Caddy) : X-Forwarded-Proto/-For sont crus,
                 les cookies sont « Secure » et HSTS est envoyé sur HTTPS ; n'exposez alors le
                 serveur qu'au proxy (--host 127.0.0.1)`,
  en: `Usage: atelier serve [--port N] [--host ADDRESS] [--db FILE|URL] [--demo] [--trust-proxy]
  --port         HTTP port (8080 by default)
  --host         listen address (127.0.0.1 by default; 0.0.0.0 for the workshop's tablets)
  --db           SQLite database (atelier.sqlite by default; with --demo alone, a temporary one), or
                 postgres://user@host/db: a dealer group's PostgreSQL database, shared by several
                 processes
  --demo         demonstration data when the database is empty
  --trust-proxy  behind a TLS-terminating proxy (nginx, Caddy): X-Forwarded-Proto/-For are believed,
                 cookies are Secure and HSTS is sent over HTTPS; then expose the server to the
                 proxy only (--host 127.0.0.1)`,
};

export const serveCommand: Command = {
  name: 'serve',
  async run(args, ctx) {
    let values: {
      port?: string;
      host?: string;
      db?: string;
      demo?: boolean;
      'trust-proxy'?: boolean;
      help?: boolean;
    };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          port: { type: 'string' },
          host: { type: 'string' },
          db: { type: 'string' },
          demo: { type: 'boolean' },
          'trust-proxy': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (err) {
      throw new UsageError((err as Error).message, USAGE[ctx.lang]);
    }
    if (values.help) {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return 0;
    }
    const port = values.port === undefined ? Number(process.env.PORT ?? 8080) : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(
        ctx.lang === 'fr' ? `port invalide « ${values.port} »` : `invalid port '${values.port}'`,
        USAGE[ctx.lang],
      );
    const server = await startServer({
      port,
      host: values.host,
      db: values.db,
      demo: values.demo,
      trustProxy: values['trust-proxy'] ?? false,
      onFirstAdmin: (login, password) =>
        ctx.stderr.write(
          ctx.lang === 'fr'
            ? `Premier compte administrateur créé : ${login} / ${password} (changez-le)\n`
            : `First administrator account created: ${login} / ${password} (change it)\n`,
        ),
    });
    ctx.stdout.write(
      ctx.lang === 'fr'
        ? `Atelier écoute sur ${server.url} (base ${server.dbFile})\n`
        : `Atelier listening on ${server.url} (database ${server.dbFile})\n`,
    );
    if (values.demo)
      ctx.stdout.write(
        ctx.lang === 'fr'
          ? `Démo : connectez-vous avec chef, lucas, leo, formateur ou admin — mot de passe « ${DEMO_PASSWORD} »\n`
          : `Demo: log in as chef, lucas, leo, formateur or admin — password '${DEMO_PASSWORD}'\n`,
      );
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    return 0;
  },
};
