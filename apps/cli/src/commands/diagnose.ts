import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { checkAdapterName } from '@atelier/adapters';
import { type CliContext, type Command, type Lang, speaksLang, UsageError } from '@atelier/command';
import {
  followRecommendations,
  GuidedSession,
  habilitationOf,
  KbError,
  type KnowledgeBase,
  loadKnowledgeBase,
  type Recommendation,
  readSessionFacts,
  readVerification,
  requiredSymbolOf,
  type SessionFacts,
  safetyText,
  strongestEffect,
  VEHICLE_TYPES,
  type VehicleType,
  vehicleFromFuelType,
  type Workshop,
  type WorkshopTest,
} from '@atelier/diagnosis';
import { adapterSource } from '@atelier/ev';
import { CLEAR_CONFIRMATION, type DiagnosticLink, MONITORS, ObdClient } from '@atelier/obd';
import { readSessionBattery, runSimulatedApprentice } from '@atelier/training';
import { openCliAdapter } from '../open-adapter.js';

const USAGE = {
  fr: `Usage : atelier diagnose --adapter A [--complaint TEXTE] [--vehicle petrol|diesel|hybrid|ev] [--tree ID] [--kb DOSSIER]
       atelier diagnose --adapter sim:SCÉNARIO --auto [--seed N] [--json] [--kb DOSSIER]
  Lit les codes défaut (mémorisés, en attente, permanents), l'état des moniteurs, les données figées et
  les données en direct, choisit l'arbre de défaillance, propose le test suivant et demande son résultat.
  --vehicle : par défaut le type que le véhicule donne (type de carburant, PID 51), sinon essence.
  --vehicle ev|hybrid : lit aussi la batterie de traction par un BMS qu'Atelier connaît (comme
  \`atelier ev report\`) ; sinon dit pourquoi ses indices restent inconnus.
  --auto : l'apprenti simulé répond depuis le véhicule simulé (résultats, réparation, vérification).
  --kb DOSSIER : la base de connaissances de ce dossier (tests.yaml, trees/) au lieu de celle livrée,
  pour essayer une base modifiée (vérifiez-la d'abord : atelier kb lint --dir DOSSIER).`,
  en: `Usage: atelier diagnose --adapter A [--complaint TEXT] [--vehicle petrol|diesel|hybrid|ev] [--tree ID] [--kb DIR]
       atelier diagnose --adapter sim:SCENARIO --auto [--seed N] [--json] [--kb DIR]
  Reads the DTCs (stored, pending, permanent), readiness, the freeze frame and live data, picks the
  fault tree, proposes the next test and asks for its outcome.
  --vehicle: by default the type the car states (fuel type, PID 51), else petrol.
  --vehicle ev|hybrid: also reads the traction battery through a BMS Atelier knows (as
  \`atelier ev report\` does); otherwise says why its signs stay unknown.
  --auto: the simulated apprentice answers from the simulated vehicle (outcomes, repair, verification).
  --kb DIR: the knowledge base in that folder (tests.yaml, trees/) instead of the shipped one, to try
  an edited base (check it first: atelier kb lint --dir DIR).`,
};

const VEHICLE_WORDS: Record<VehicleType, { fr: string; en: string }> = {
  petrol: { fr: 'essence', en: 'petrol' },
  diesel: { fr: 'diesel', en: 'diesel' },
  hybrid: { fr: 'hybride', en: 'hybrid' },
  ev: { fr: 'électrique', en: 'electric' },
};

interface Options {
  adapter?: string;
  complaint?: string;
  vehicle?: string;
  tree?: string;
  auto?: boolean;
  seed?: string;
  json?: boolean;
  kb?: string;
}

export const diagnoseCommand: Command = {
  name: 'diagnose',
  async run(args, ctx) {
    let values: Options;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          adapter: { type: 'string' },
          complaint: { type: 'string' },
          vehicle: { type: 'string' },
          tree: { type: 'string' },
          auto: { type: 'boolean' },
          seed: { type: 'string' },
          json: { type: 'boolean' },
          kb: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }) as { values: Options & { help?: boolean } });
    } catch (e) {
      throw new UsageError((e as Error).message, USAGE[ctx.lang]);
    }
    if ((values as { help?: boolean }).help) {
      ctx.stdout.write(`${USAGE[ctx.lang]}\n`);
      return 0;
    }
    const fr = ctx.lang === 'fr';
    if (!values.adapter)
      throw new UsageError(fr ? '--adapter manque' : '--adapter is required', USAGE[ctx.lang]);
    if (values.vehicle && !VEHICLE_TYPES.includes(values.vehicle as VehicleType)) {
      throw new UsageError(
        fr
          ? `--vehicle « ${values.vehicle} » : attendu l’un de ${VEHICLE_TYPES.join(', ')}`
          : `--vehicle must be one of ${VEHICLE_TYPES.join(', ')}`,
        USAGE[ctx.lang],
      );
    }
    if (values.auto) {
      if (!values.adapter.startsWith('sim:'))
        throw new UsageError(
          fr
            ? '--auto demande un véhicule simulé (--adapter sim:SCÉNARIO)'
            : '--auto needs a simulated vehicle (--adapter sim:SCENARIO)',
          USAGE[ctx.lang],
        );
      return runAuto(values, ctx);
    }
    return runInteractive(values, ctx);
  },
};

/**
 * The knowledge base the session works on: the shipped one, or the one in `--kb DIR` (an edited
 * copy an instructor tries). One that does not load stops the command with where and why, in the
 * reader's language, before the car is touched.
 */
function knowledgeBaseFor(values: Options, ctx: CliContext): KnowledgeBase {
  if (values.kb === undefined) return loadKnowledgeBase();
  const dir = resolve(ctx.cwd, values.kb);
  try {
    return loadKnowledgeBase(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!(err instanceof KbError) && code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    const fr = ctx.lang === 'fr';
    const why =
      err instanceof KbError
        ? err.messageIn(ctx.lang)
        : fr
          ? `${values.kb} : tests.yaml ou dossier trees/ introuvable`
          : `${values.kb}: tests.yaml or the trees/ folder not found`;
    throw new UsageError(
      fr
        ? `--kb : base de connaissances illisible — ${why} (atelier kb lint --dir ${values.kb} dit tout ce qui ne va pas)`
        : `--kb: the knowledge base does not load — ${why} (atelier kb lint --dir ${values.kb} lists every problem)`,
      USAGE[ctx.lang],
    );
  }
}

async function runAuto(values: Options, ctx: CliContext): Promise<number> {
  const sim = await import('@atelier/vehicle-sim');
  // The simulated apprentice drives the scenario's car itself, in virtual time: only its name is used.
  let name: string;
  try {
    name = checkAdapterName(values.adapter!).target;
  } catch (err) {
    throw new UsageError(speaksLang(err) ? err.messageIn(ctx.lang) : (err as Error).message, USAGE[ctx.lang]);
  }
  const fr = ctx.lang === 'fr';
  const scenario = sim.loadScenario(/[/\\]|\.ya?ml$/.test(name) ? resolve(ctx.cwd, name) : name);
  if (scenario.recording)
    throw new UsageError(
      fr
        ? '--auto demande un véhicule simulé, pas un enregistrement'
        : '--auto needs a simulated vehicle, not a recording',
    );
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed))
      throw new UsageError(
        fr ? `--seed « ${values.seed} » : un nombre entier attendu` : '--seed must be an integer',
      );
  }
  const kb = knowledgeBaseFor(values, ctx);
  const { result, session } = await runSimulatedApprentice(kb, scenario, {
    seed,
    vehicle: values.vehicle as VehicleType | undefined,
    complaint: values.complaint,
    treeId: values.tree,
    lang: ctx.lang,
  });
  if (values.json) ctx.stdout.write(`${JSON.stringify(result)}\n`);
  else if (!session) {
    ctx.stdout.write(
      ctx.lang === 'fr'
        ? `Scénario : ${result.scenario} — aucun code, aucun arbre ne s'applique : véhicule sans défaut détecté.\n`
        : `Scenario: ${result.scenario} — no code, no tree applies: no fault found.\n`,
    );
  } else printAutoResult(ctx, kb, session, result);
  return 0;
}

function printAutoResult(
  ctx: CliContext,
  kb: KnowledgeBase,
  session: GuidedSession,
  r: {
    scenario: string;
    true_cause: string | null;
    conclusion: string | null;
    confidence: number | null;
    outcome: string;
    dtcs: string[];
    cost: number;
    best_cost: number;
  },
): void {
  const fr = ctx.lang === 'fr';
  const name = (id: string | null) => session.tree.causes.find((c) => c.id === id)?.name[ctx.lang] ?? '—';
  // Costs to the cent as the reader writes money (138,48 € in French); whole euros stay whole.
  const euros = (x: number) =>
    `${x.toLocaleString(fr ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2, minimumFractionDigits: Number.isInteger(x) ? 0 : 2 })} €`;
  // The conclusion with how sure the session was of it, or the honest end when nothing was confirmed.
  const concluded =
    r.conclusion !== null
      ? `${name(r.conclusion)}${r.confidence !== null ? ` (${fr ? 'confiance' : 'confidence'} ${(r.confidence * 100).toFixed(1).replace('.', fr ? ',' : '.')} %)` : ''}`
      : r.outcome === 'no-cause'
        ? fr
          ? 'aucune cause confirmée'
          : 'no cause confirmed'
        : '—';
  ctx.stdout.write(
    `${fr ? 'Scénario' : 'Scenario'}: ${r.scenario} — ${session.tree.title[ctx.lang]} (${r.dtcs.join(', ') || '—'})\n`,
  );
  printSigns(ctx.lang, session, (line) => ctx.stdout.write(`${line}\n`));
  for (const s of session.steps) {
    if (s.kind === 'test')
      ctx.stdout.write(
        `  • ${kb.tests.get(s.id)?.name[ctx.lang]} → ${s.outcome === 'bad' ? (fr ? 'MAUVAIS' : 'BAD') : fr ? 'bon' : 'good'} (${euros(s.cost)})\n`,
      );
    if (s.kind === 'safety')
      ctx.stdout.write(`  • ${fr ? 'sécurité' : 'safety'}: ${safetyText(s.id)[ctx.lang]}\n`);
    if (s.kind === 'repair')
      ctx.stdout.write(`  • ${fr ? 'réparation' : 'repair'}: ${name(s.cause)} (${euros(s.cost)})\n`);
    if (s.kind === 'verify')
      ctx.stdout.write(
        `  • ${fr ? 'vérification' : 'verification'}: ${s.symptomGone ? (fr ? 'défaut disparu' : 'fault gone') : fr ? 'défaut toujours présent' : 'fault still present'}\n`,
      );
  }
  ctx.stdout.write(
    fr
      ? `Conclusion : ${concluded} — cause réelle : ${name(r.true_cause)}\nCoût : ${euros(r.cost)} (meilleur ordre attendu : ${euros(r.best_cost)})\n`
      : `Conclusion: ${concluded} — true cause: ${name(r.true_cause)}\nCost: ${euros(r.cost)} (best expected order: ${euros(r.best_cost)})\n`,
  );
}

/**
 * What `atelier diagnose` reads from the car before the guided session: the session facts of the
 * one scan, with the UDS fault memories of the ECUs the adapter knows (a simulated car's).
 */
export function readCarFacts(
  link: DiagnosticLink,
  base: { vehicle: VehicleType; complaint?: string },
): Promise<SessionFacts> {
  return readSessionFacts(new ObdClient(link), base, { udsEcus: link.knownEcus?.() ?? [] });
}

async function runInteractive(values: Options, ctx: CliContext): Promise<number> {
  const fr = ctx.lang === 'fr';
  const kb = knowledgeBaseFor(values, ctx);
  const adapter = await openCliAdapter(values.adapter!, ctx, { usage: USAGE[ctx.lang] });
  const link: DiagnosticLink = adapter.link;
  const rl = createInterface({ input: process.stdin, terminal: false });
  // The async iterator buffers lines from now on, so answers piped in while the car is being read
  // (which takes seconds through an adapter) are not lost.
  const lines = rl[Symbol.asyncIterator]();
  const out = (s: string) => ctx.stdout.write(`${s}\n`);
  try {
    const obd = new ObdClient(link);
    const told = values.vehicle as VehicleType | undefined;
    const udsEcus = link.knownEcus?.() ?? [];
    const facts = await readCarFacts(link, { vehicle: told ?? 'petrol', complaint: values.complaint });
    // Not told: the type the car states (J1979 fuel type, PID 51) when it was read.
    const stated = told ? undefined : vehicleFromFuelType(facts.live?.FUEL_TYPE);
    if (stated) facts.vehicle = stated;
    const vehicle = facts.vehicle;
    const dtcs = facts.dtcs;
    out(fr ? `Codes défaut : ${dtcs.join(', ') || 'aucun'}` : `DTCs: ${dtcs.join(', ') || 'none'}`);
    if (stated)
      out(
        fr
          ? `Type de véhicule lu (type de carburant, PID 51) : ${VEHICLE_WORDS[stated].fr} (--vehicle pour préciser)`
          : `Vehicle type read (fuel type, PID 51): ${VEHICLE_WORDS[stated].en} (--vehicle to say otherwise)`,
      );
    // A car with a traction battery: its BMS read as `atelier ev report` reads it, for the
    // traction-battery signs; or why not (no BMS Atelier knows answered): those signs stay unknown.
    if (vehicle === 'ev' || vehicle === 'hybrid') {
      Object.assign(
        facts,
        await readSessionBattery(link, { name: values.adapter, source: adapterSource(adapter.info) }),
      );
      const b = facts.batteryRead!;
      out(
        b.read
          ? `${fr ? 'Batterie de traction lue :' : 'Traction battery read:'} ${b.text[ctx.lang]}`
          : `${fr ? 'Batterie de traction non lue :' : 'Traction battery not read:'} ${b.text[ctx.lang]} — ${fr ? 'ses indices restent inconnus' : 'its signs stay unknown'}`,
      );
    }
    if (!told && !stated)
      out(
        fr
          ? 'Type de véhicule supposé : essence (--vehicle pour préciser)'
          : 'Vehicle type assumed: petrol (--vehicle to say otherwise)',
      );
    const session = GuidedSession.start(kb, facts, { treeId: values.tree });
    out(`\n${session.tree.title[ctx.lang]} — ${session.tree.symptom[ctx.lang]}`);
    if (session.tree.safety) out(`⚠ ${session.tree.safety[ctx.lang]}`);
    printSigns(ctx.lang, session, out);
    const ask = async (q: string): Promise<string> => {
      ctx.stderr.write(`${q} `);
      const next = await lines.next();
      if (next.done)
        throw new UsageError(
          fr ? 'entrée terminée : diagnostic interrompu' : 'input ended: diagnosis stopped',
        );
      return String(next.value).trim().toLowerCase();
    };
    const yes = (a: string) => ['o', 'oui', 'y', 'yes'].includes(a);
    const workshop: Workshop = {
      async safety(id, forStep) {
        // No people register here: the person confirms, told which NF C18-550 symbol is needed (the
        // lock-out's is the BCL's: they confirm they hold it and did it). A repair on HV parts asks
        // its own steps before it, as a test does.
        const what = safetyText(id)[ctx.lang];
        const symbol = requiredSymbolOf(id);
        const repair = forStep?.kind === 'repair';
        // The lock-out lifted by a BCL once the work on the HV system is over, before the codes are
        // cleared and the car road-tested (NF C18-550 déconsignation): asked as the lock-out was.
        const unlock = forStep?.kind === 'unlock';
        // Or before a test made with the car READY (engine running) while it is locked out.
        const readyTest = forStep?.kind === 'unlock' ? forStep.test : undefined;
        if (readyTest)
          out(
            fr
              ? `\nAvant le test « ${readyTest.name.fr} », fait véhicule sous tension (READY, moteur tournant) — le système haute tension est consigné :`
              : `\nBefore the test "${readyTest.name.en}", made with the car energised (READY, engine running) — the high-voltage system is locked out:`,
          );
        else if (unlock)
          out(
            fr
              ? '\nAvant la remise sous tension (effacement des codes, essai routier) :'
              : '\nBefore the car is powered again (clearing the codes, road test):',
          );
        if (repair && forStep.cause.repair.safety[0] === id)
          out(
            fr
              ? `\nAvant la réparation (${forStep.cause.repair.fr}) :`
              : `\nBefore the repair (${forStep.cause.repair.en}):`,
          );
        const a = await ask(
          habilitationOf(id)
            ? fr
              ? `${what} : la détenez-vous, valide (recyclage à jour)${repair ? ', pour faire cette réparation' : ''} ? (o/n)`
              : `${what}: do you hold it, valid (refresher up to date)${repair ? ', to do this repair' : ''}? (y/n)`
            : symbol
              ? fr
                ? `${what} : faite par vous, titulaire de l'habilitation ${symbol} valide ? (o/n)`
                : `${what}: done by you, holding a valid ${symbol} habilitation? (y/n)`
              : fr
                ? `Prérequis de sécurité « ${what} » fait ? (o/n)`
                : `Safety prerequisite '${what}' done? (y/n)`,
        );
        const work = repair
          ? { fr: 'cette réparation revient', en: 'this repair is' }
          : { fr: 'ce test revient', en: 'this test is' };
        if (!yes(a))
          throw new UsageError(
            symbol
              ? fr
                ? `${habilitationOf(id) ? `habilitation ${symbol} non détenue : ${work.fr}` : `${unlock ? 'déconsignation' : 'consignation'} non faite par un ${symbol} : elle revient`} à une personne habilitée ${symbol} (NF C18-550) ; ${repair ? 'réparation non enregistrée, ' : ''}${unlock ? 'véhicule laissé consigné, ' : ''}diagnostic interrompu`
                : `${habilitationOf(id) ? `habilitation ${symbol} not held: ${work.en}` : `${unlock ? 'lock-out not lifted' : 'lock-out not done'} by a ${symbol}: it is`} for a person holding ${symbol} (NF C18-550); ${repair ? 'repair not recorded, ' : ''}${unlock ? 'car left locked out, ' : ''}diagnosis stopped`
              : fr
                ? `prérequis ${id} non fait : diagnostic interrompu`
                : `prerequisite ${id} not done: diagnosis stopped`,
          );
      },
      async outcome(_test: WorkshopTest, rec: Recommendation) {
        printRecommendation(ctx.lang, session, rec, out);
        for (;;) {
          const a = await ask(
            fr ? 'Résultat : [b]on, [m]auvais, [q]uitter ?' : 'Outcome: [g]ood, [b]ad, [q]uit?',
          );
          if (a === 'q' || a === 'quit' || a === 'quitter')
            throw new UsageError(fr ? 'diagnostic interrompu' : 'diagnosis stopped');
          if (fr ? a === 'b' || a === 'bon' : a === 'g' || a === 'good') return 'good';
          if (fr ? a === 'm' || a === 'mauvais' : a === 'b' || a === 'bad') return 'bad';
        }
      },
      async repair(cause) {
        out(fr ? `\nRéparation : ${cause.repair.fr}` : `\nRepair: ${cause.repair.en}`);
        await ask(fr ? 'Entrée quand la réparation est faite.' : 'Enter when the repair is done.');
      },
      // A battery the fault drained is charged before the verification (without it a low voltage
      // proves nothing): the person says whether the charger ended its charge.
      async chargeBattery() {
        const said = session.followUp();
        if (said) out(fr ? `Après la réparation : ${said.fr}` : `After the repair: ${said.en}`);
        const a = await ask(
          fr
            ? 'Batterie rechargée au chargeur d’atelier, charge terminée ? (o/n)'
            : 'Battery charged on the workshop charger, charge finished? (y/n)',
        );
        return { done: yes(a) };
      },
      async verify() {
        const clear = yes(
          await ask(fr ? 'Effacer les codes maintenant ? (o/n)' : 'Clear the codes now? (y/n)'),
        );
        if (clear) await obd.clearDtcs(CLEAR_CONFIRMATION);
        const monitors = session.tree.monitors;
        await ask(
          fr
            ? `Faire un essai routier (cycle de conduite${monitors.length ? ` : moniteurs ${monitors.join(', ')}` : ''}) puis Entrée pour relire.`
            : `Do a road test (a drive cycle${monitors.length ? `: monitors ${monitors.join(', ')}` : ''}), then Enter to re-read.`,
        );
        const { dtcsAfter: after, monitors: read } = await readVerification(obd, { udsEcus });
        const readiness = read ? { monitors: read } : undefined;
        const treeCodes = after.filter((d) => session.tree.applies.dtcs.includes(d));
        out(
          fr
            ? `Codes après réparation : ${after.join(', ') || 'aucun'}`
            : `Codes after repair: ${after.join(', ') || 'none'}`,
        );
        if (readiness && monitors.length) {
          const states = monitors.map((m) => {
            const st = readiness.monitors[m];
            const word =
              st === 'complete'
                ? fr
                  ? 'terminé'
                  : 'complete'
                : st
                  ? fr
                    ? 'non terminé'
                    : 'incomplete'
                  : fr
                    ? 'non pris en charge'
                    : 'not supported';
            return `${MONITORS.get(m)?.[ctx.lang] ?? m} ${word}`;
          });
          out(fr ? `Moniteurs : ${states.join(', ')}` : `Monitors: ${states.join(', ')}`);
        } else if (!readiness) out(fr ? 'État des moniteurs non lu.' : 'Readiness not read.');
        const gone =
          treeCodes.length === 0 && yes(await ask(fr ? 'Symptôme disparu ? (o/n)' : 'Symptom gone? (y/n)'));
        return {
          cleared: clear,
          dtcsAfter: after,
          symptomGone: gone,
          ...(readiness ? { monitors: readiness.monitors } : {}),
        };
      },
    };
    await followRecommendations(session, workshop);
    const cause = session.tree.causes.find((c) => c.id === session.conclusion);
    out(
      cause
        ? fr
          ? `\nConclusion : ${cause.name.fr}`
          : `\nConclusion: ${cause.name.en}`
        : fr
          ? '\nAucune cause confirmée.'
          : '\nNo cause confirmed.',
    );
    return 0;
  } finally {
    rl.close();
    await adapter.close();
  }
}

/** The signs that count as evidence: what was read, and the cause each one moves most. */
function printSigns(lang: Lang, session: GuidedSession, out: (s: string) => void): void {
  const fr = lang === 'fr';
  const effects = session.analysis().signs;
  const unread = session.signs().filter((r) => r.value === undefined).length;
  if (!effects.length && !unread) return;
  out(fr ? '\nIndices lus sur le véhicule :' : '\nSigns read from the car:');
  const num = (x: number) => x.toLocaleString(fr ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
  for (const effect of effects) {
    const r = effect.reading;
    const strongest = strongestEffect(effect);
    const name = session.tree.causes.find((c) => c.id === strongest?.cause)?.name[lang];
    const doubt =
      r.certainty < 1 ? ` (${fr ? 'certitude' : 'certainty'} ${Math.round(r.certainty * 100)} %)` : '';
    out(
      `  ${r.value ? '✔' : '✘'} ${r.sign.name[lang]} — ${r.detail[lang]}${doubt}${name ? ` → ${name} ×${num(strongest!.ratio)}` : ''}`,
    );
  }
  if (unread)
    out(
      fr
        ? `  (${unread} indice(s) non lu(s) sur ce véhicule)`
        : `  (${unread} sign(s) not available on this vehicle)`,
    );
}

function printRecommendation(
  lang: Lang,
  session: GuidedSession,
  rec: Recommendation,
  out: (s: string) => void,
): void {
  const fr = lang === 'fr';
  out(fr ? '\nCauses classées :' : '\nRanked causes:');
  for (const p of session.analysis().posteriors.slice(0, 5)) {
    const c = session.tree.causes.find((x) => x.id === p.cause)!;
    out(`  ${(p.probability * 100).toFixed(0).padStart(3)} %  ${c.name[lang]}`);
  }
  out(`\n→ ${rec.test.name[lang]}\n  ${rec.reason[lang]}\n  ${rec.test.instructions[lang]}`);
  out(
    `  ${fr ? 'bon' : 'good'}: ${rec.test.expected.good[lang]}\n  ${fr ? 'mauvais' : 'bad'}: ${rec.test.expected.bad[lang]}`,
  );
}
