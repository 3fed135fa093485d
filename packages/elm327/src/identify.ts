/**
 * What chip an ELM327-compatible adapter really is, from what it says and what it refuses: a genuine
 * ELM327, a clone (and the version it claims), an STN chip (OBDLink and its kin), a vLinker, an
 * ESP32-based Wi-Fi adapter. Pure: the client asks, this decides (`atelier adapter check`).
 */
export type ChipFamily = 'genuine' | 'clone' | 'stn' | 'vlinker' | 'esp32-wifi' | 'unknown';

export interface ChipIdentity {
  family: ChipFamily;
  /** What it claims to be (ATI, or the reset banner). */
  claims: string;
  /** Why this family, in a few words, French and English. */
  why: { fr: string; en: string };
}

/**
 * Read-only AT commands asked to tell a genuine chip from a clone, with the ELM327 version whose
 * datasheet first lists each (its command summary): a chip that claims that version or later and
 * answers `?` does not have the firmware it claims.
 */
export const IDENTIFY_COMMANDS: readonly { command: string; since: number }[] = [
  { command: 'AT@1', since: 1.0 },
  { command: 'ATPPS', since: 1.1 },
  { command: 'ATIGN', since: 1.4 },
  { command: 'ATAMC', since: 2.0 },
];

/** Every version Elm Electronics released (ELM327DS revision history); v1.5 is not one. */
export const GENUINE_VERSIONS = [
  '1.0',
  '1.0a',
  '1.1',
  '1.2',
  '1.2a',
  '1.3',
  '1.3a',
  '1.4',
  '1.4a',
  '1.4b',
  '2.0',
  '2.1',
  '2.2',
  '2.3',
] as const;

/** What the genuine chip prints for AT@1. */
export const GENUINE_DESCRIPTION = 'OBDII to RS232 Interpreter';

export interface AdapterSays {
  /** ATI (or the banner). */
  version: string;
  /** STI, when it answered. */
  stn?: string;
  /** STDI, when it answered. */
  device?: string;
  /** Answers to IDENTIFY_COMMANDS, by command. */
  identified: Record<string, string>;
}

const list = (cs: readonly { command: string; since: number }[]) =>
  cs.map((c) => `${c.command} (v${c.since.toFixed(1)})`).join(', ');

const refused = (answer: string | undefined) => answer !== undefined && /^\?$/m.test(answer.trim());

const said = (fr: string, en: string) => ({ fr, en });

export function identifyChip(a: AdapterSays): ChipIdentity {
  const claims = a.version;
  const words = [a.version, a.device ?? '', ...Object.values(a.identified)].join(' ');
  if (a.stn) {
    const stn = `${a.stn}${a.device ? ` (${a.device})` : ''}`;
    return { family: 'stn', claims, why: said(`répond à STI : ${stn}`, `answers STI with ${stn}`) };
  }
  if (/vlinker|vgate/i.test(words))
    return {
      family: 'vlinker',
      claims,
      why: said('se nomme vLinker / Vgate', 'names itself vLinker / Vgate'),
    };
  if (/wican|esp32|meatpi/i.test(words))
    return {
      family: 'esp32-wifi',
      claims,
      why: said('se nomme comme un adaptateur à ESP32 (WiCAN …)', 'names an ESP32-based adapter (WiCAN …)'),
    };
  const m = /v(\d+\.\d+[a-z]?)/i.exec(claims);
  const version = m?.[1]?.toLowerCase();
  if (!version)
    return {
      family: 'clone',
      claims,
      why: said('ne donne pas de numéro de version ELM327', 'does not give an ELM327 version number'),
    };
  if (!(GENUINE_VERSIONS as readonly string[]).includes(version))
    return {
      family: 'clone',
      claims,
      why: said(
        `Elm Electronics n'a jamais publié de v${version}`,
        `Elm Electronics never released a v${version}`,
      ),
    };
  const level = Number.parseFloat(version);
  const missing = IDENTIFY_COMMANDS.filter((c) => c.since <= level && refused(a.identified[c.command]));
  if (missing.length)
    return {
      family: 'clone',
      claims,
      why: said(
        `refuse ${list(missing)}, que la v${version} connaît`,
        `refuses ${list(missing)}, which v${version} has`,
      ),
    };
  const unasked = IDENTIFY_COMMANDS.filter((c) => c.since <= level && a.identified[c.command] === undefined);
  if (unasked.length)
    return {
      family: 'unknown',
      claims,
      why: said(
        `v${version} annoncée, non vérifiée (${list(unasked)} non demandées)`,
        `claims v${version}, not checked (${list(unasked)} not asked)`,
      ),
    };
  const description = a.identified['AT@1']?.trim();
  if (description !== undefined && description !== GENUINE_DESCRIPTION)
    return {
      family: 'clone',
      claims,
      why: said(
        `AT@1 répond « ${description} », pas « ${GENUINE_DESCRIPTION} »`,
        `AT@1 says «${description}», not «${GENUINE_DESCRIPTION}»`,
      ),
    };
  return {
    family: 'genuine',
    claims,
    why: said(
      `répond comme la fiche technique le dit à chaque commande de la v${version} essayée`,
      `answers every command of v${version} checked, as the datasheet says`,
    ),
  };
}
