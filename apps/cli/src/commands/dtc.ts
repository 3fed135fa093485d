import { type Command, type Lang, UsageError, verbArgs, writeOut } from '@atelier/command';
import { DtcFormatError, describeDtc, dtcTitle, encodeDtc } from '@atelier/obd';

const USAGE = {
  fr: `Usage : atelier dtc explain CODE… [--json] [--lang fr|en]

Explique des codes défaut (P0301, C0035, B1A00, U0100) : intitulé pour les codes génériques
courants, sinon la structure du code (système, générique ou constructeur, groupe).

  --json   un objet JSON par code : {"code","bytes","system","origin","group","title"}`,
  en: `Usage: atelier dtc explain CODE… [--json] [--lang fr|en]

Explains trouble codes (P0301, C0035, B1A00, U0100): a title for the common generic codes,
otherwise the code's structure (system, generic or manufacturer, group).

  --json   one JSON object per code: {"code","bytes","system","origin","group","title"}`,
};

export function explainDtc(code: string, lang: Lang): { json: object; text: string } {
  const d = describeDtc(code);
  const bytes = encodeDtc(d.code)
    .map((b) => b.toString(16).toUpperCase().padStart(2, '0'))
    .join(' ');
  const origin = {
    generic: { fr: 'générique (SAE/ISO)', en: 'generic (SAE/ISO)' },
    manufacturer: { fr: 'spécifique constructeur', en: 'manufacturer-specific' },
  }[d.origin];
  const title = dtcTitle(d.code, lang);
  const lines = [
    `${d.code}  ${title}`,
    `  ${lang === 'fr' ? 'système' : 'system'} : ${d.systemName[lang]}`,
    `  ${lang === 'fr' ? 'origine' : 'origin'} : ${origin[lang]}`,
    ...(d.group ? [`  ${lang === 'fr' ? 'groupe' : 'group'} : ${d.group[lang]}`] : []),
    `  ${lang === 'fr' ? 'octets' : 'bytes'} : ${bytes}`,
  ];
  if (!d.title)
    lines.push(
      lang === 'fr'
        ? "  (pas d'intitulé dans la table : description structurelle)"
        : '  (no title in the table: structural description)',
    );
  return {
    json: {
      code: d.code,
      bytes,
      system: d.system,
      origin: d.origin,
      group: d.group?.[lang] ?? null,
      title,
      titled: !!d.title,
    },
    text: lines.join('\n').replace(/ : /g, lang === 'fr' ? ' : ' : ': '),
  };
}

export const dtcCommand: Command = {
  name: 'dtc',
  async run(args, ctx) {
    const usage = USAGE[ctx.lang];
    const parsed = verbArgs(args, ctx, 'explain', usage);
    if (typeof parsed === 'number') return parsed;
    if (parsed.positionals.length === 0)
      throw new UsageError(ctx.lang === 'fr' ? 'aucun code à expliquer' : 'no code to explain', usage);
    let failed = 0;
    for (const code of parsed.positionals) {
      try {
        const e = explainDtc(code, ctx.lang);
        await writeOut(ctx.stdout, `${parsed.json ? JSON.stringify(e.json) : e.text}\n`);
      } catch (err) {
        if (!(err instanceof DtcFormatError)) throw err;
        failed++;
        ctx.stderr.write(
          ctx.lang === 'fr'
            ? `« ${code} » n'est pas un code défaut (une lettre P/C/B/U, un chiffre 0–3 et trois chiffres hexadécimaux, comme P0301) ; erreur au caractère ${err.position + 1}\n`
            : `${err.message}\n`,
        );
      }
    }
    return failed ? 1 : 0;
  },
};
