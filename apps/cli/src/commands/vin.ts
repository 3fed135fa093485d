import { type Command, UsageError, verbArgs, writeOut } from '@atelier/command';
import { decodeVin, type Lang, VinError, type VinInfo } from '@atelier/obd';

const USAGE = {
  fr: `Usage : atelier vin decode VIN… [--json] [--lang fr|en]

Décode un numéro d'identification (ISO 3779) : constructeur (WMI), pays et région, année modèle
(position 10 ; l'ambiguïté de 30 ans est levée par la position 7 en Amérique du Nord), usine,
numéro de série, chiffre de contrôle (exigé en Amérique du Nord, seulement signalé en Europe).
Code de sortie 1 si le VIN est illisible ou faux pour sa région.

  --json   l'objet VinInfo complet : {"vin","wmi","vds","vis","manufacturer","country","region",
           "modelYear":{"code","candidates","resolved","rule"},"checkDigit":{"expected","actual",
           "valid","required"},"plant","serial","errors":[{"code","position","message"}]}`,
  en: `Usage: atelier vin decode VIN… [--json] [--lang fr|en]

Decodes a vehicle identification number (ISO 3779): manufacturer (WMI), country and region, model
year (position 10; the 30-year ambiguity is settled by position 7 in North America), plant, serial
number, check digit (required in North America, only reported in Europe). Exit code 1 when the VIN
cannot be read or is wrong for its region.

  --json   the whole VinInfo object: {"vin","wmi","vds","vis","manufacturer","country","region",
           "modelYear":{"code","candidates","resolved","rule"},"checkDigit":{"expected","actual",
           "valid","required"},"plant","serial","errors":[{"code","position","message"}]}`,
};

const REGIONS: Record<string, string> = {
  Africa: 'Afrique',
  Asia: 'Asie',
  Europe: 'Europe',
  'North America': 'Amérique du Nord',
  Oceania: 'Océanie',
  'South America': 'Amérique du Sud',
  unknown: 'inconnue',
};

export function vinText(v: VinInfo, lang: Lang): string {
  const fr = lang === 'fr';
  const unknown = fr ? 'inconnu' : 'unknown';
  const year =
    v.modelYear.resolved !== undefined
      ? `${v.modelYear.resolved} (${v.modelYear.code})`
      : v.modelYear.candidates.length
        ? `${v.modelYear.candidates.slice(0, 3).join(fr ? ' ou ' : ' or ')} (${v.modelYear.code}, ${fr ? 'non tranché' : 'not settled'})`
        : `${fr ? 'non codée' : 'not coded'} (${v.modelYear.code})`;
  const check = v.checkDigit.valid
    ? fr
      ? `correct (${v.checkDigit.actual})`
      : `valid (${v.checkDigit.actual})`
    : fr
      ? `${v.checkDigit.actual} au lieu de ${v.checkDigit.expected}${v.checkDigit.required ? ' — ERREUR' : ' (non exigé dans cette région)'}`
      : `${v.checkDigit.actual} instead of ${v.checkDigit.expected}${v.checkDigit.required ? ' — ERROR' : ' (not required in this region)'}`;
  const rows: [string, string][] = [
    ['VIN', v.vin],
    [fr ? 'constructeur' : 'manufacturer', `${v.manufacturer ?? unknown} (WMI ${v.wmi})`],
    [fr ? 'pays' : 'country', `${v.country ?? unknown}, ${fr ? REGIONS[v.region] : v.region}`],
    [fr ? 'année modèle' : 'model year', year],
    [fr ? 'usine' : 'plant', v.plant],
    [fr ? 'n° de série' : 'serial', v.serial],
    [fr ? 'chiffre de contrôle' : 'check digit', check],
    ['VDS / VIS', `${v.vds} / ${v.vis}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const lines = rows.map(([k, val]) => `${k.padEnd(width)}  ${val}`);
  for (const e of v.errors) {
    const msg = fr ? e.fr : e.message;
    lines.push(`${fr ? 'erreur' : 'error'}: ${msg}`);
  }
  return lines.join('\n');
}

export const vinCommand: Command = {
  name: 'vin',
  async run(args, ctx) {
    const usage = USAGE[ctx.lang];
    const parsed = verbArgs(args, ctx, 'decode', usage);
    if (typeof parsed === 'number') return parsed;
    if (parsed.positionals.length === 0)
      throw new UsageError(ctx.lang === 'fr' ? 'aucun VIN à décoder' : 'no VIN to decode', usage);
    let failed = 0;
    for (const input of parsed.positionals) {
      try {
        const v = decodeVin(input);
        if (v.errors.length) failed++;
        await writeOut(ctx.stdout, `${parsed.json ? JSON.stringify(v) : vinText(v, ctx.lang)}\n`);
      } catch (err) {
        if (!(err instanceof VinError)) throw err;
        failed++;
        if (parsed.json)
          await writeOut(ctx.stdout, `${JSON.stringify({ vin: input, errors: err.problems })}\n`);
        ctx.stderr.write(
          ctx.lang === 'fr'
            ? `${input} : ${err.problems.map((p) => p.fr).join(' ; ')}\n`
            : `${input}: ${err.problems.map((p) => p.message).join('; ')}\n`,
        );
      }
    }
    return failed ? 1 : 0;
  },
};
