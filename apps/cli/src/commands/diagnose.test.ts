import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Elm327Emulator, serveTcp } from '@atelier/elm327';
import { loadScenario, Vehicle } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { runCli, runCliWithInput } from '../testing.js';

/** The simulated apprentice on the vacuum-leak car, seed 4. */
const AUTO = ['diagnose', '--adapter', 'sim:vacuum-leak', '--auto', '--seed', '4'];

describe('atelier diagnose', () => {
  it('--auto --json plays the simulated apprentice and prints one object of the documented shape', async () => {
    const { code, stdout } = await runCli([...AUTO, '--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const r = JSON.parse(lines[0]);
    expect(Object.keys(r)).toEqual([
      'scenario',
      'true_cause',
      'conclusion',
      'confidence',
      'outcome',
      'tree',
      'dtcs',
      'signs',
      'steps',
      'cost',
      'best_cost',
    ]);
    expect(r.scenario).toBe('vacuum-leak');
    expect(r.true_cause).toBe('vacuum_leak');
    expect(r.conclusion).toBe('vacuum_leak');
    // Verified on the car after the repair, with how sure the session was when it went to repair.
    expect(r.outcome).toBe('cause');
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(r.dtcs).toContain('P0171');
    // what the car said before any test: the idle trim and the freeze frame point at a leak
    expect(r.signs).toContainEqual({ id: 'lean_at_warm_idle', value: true, certainty: 1 });
    expect(r.signs).toContainEqual({ id: 'frozen_at_idle', value: true, certainty: 1 });
    for (const s of r.steps) {
      expect(['test', 'repair']).toContain(s.kind);
      expect(typeof s.id).toBe('string');
      expect(typeof s.cost).toBe('number');
    }
    expect(r.steps.at(-1)).toMatchObject({ kind: 'repair', id: 'vacuum_leak' });
    expect(r.cost).toBeCloseTo(
      r.steps.reduce((a: number, s: { cost: number }) => a + s.cost, 0),
      6,
    );
    expect(r.best_cost).toBeGreaterThan(0);
  });

  it('--auto in words names the safety steps of the path by their words, not their ids', async () => {
    const r = await runCli(['diagnose', '--adapter', 'sim:hv-isolation-ac', '--auto']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '  • sécurité: Consignation haute tension et vérification d’absence de tension, par un chargé de consignation (habilitation NF C18-550 BCL)\n',
    );
    expect(r.stdout).toContain(
      '  • sécurité: Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL)\n',
    );
    expect(r.stdout).not.toMatch(/hv_lockout|hv_unlock|habilitation_B2VL/);
  }, 90_000);

  it('--auto in words shows how sure the conclusion was', async () => {
    const { code, stdout } = await runCli(AUTO);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Conclusion : .+ \(confiance \d{1,3},\d %\) — cause réelle : /);
    // Money as French writes it: a decimal comma, never a dot (the expected cost is rarely whole).
    expect(stdout).toMatch(
      /Coût : \d[\d\u202f]*(,\d\d)? € \(meilleur ordre attendu : \d[\d\u202f]*(,\d\d)? €\)/,
    );
    expect(stdout).not.toMatch(/\d\.\d+ €/);
  });

  it('reports a healthy car as no fault found, and refuses --auto on a real adapter', async () => {
    const healthy = await runCli(['diagnose', '--adapter', 'sim:healthy-petrol', '--auto', '--json']);
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout)).toMatchObject({ conclusion: null, tree: null, steps: [] });
    const bad = await runCli(['diagnose', '--adapter', 'elm327:tcp://127.0.0.1:1', '--auto']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--auto/);
  });

  it('interactive on an ELM327 (the emulator on TCP): reads the facts, shows the signs, asks, verifies with readiness', async () => {
    // A car with a vacuum leak behind the ELM327 emulator, as a scan tool on Wi-Fi would see it.
    const emulator = new Elm327Emulator({
      responder: Vehicle.fromScenario(loadScenario('vacuum-leak')),
      baud: 0,
      latencyMs: 2,
    });
    const tcp = await serveTcp(emulator, { port: 0, host: '127.0.0.1' });
    try {
      // The smoke test comes out bad; repair done; codes not cleared; re-read: P0171 is still
      // stored, so the symptom is not gone and the diagnosis goes on; then the apprentice quits.
      const answers = ['m', '', 'n', '', 'q'].join('\n');
      const r = await runCliWithInput(
        [
          'diagnose',
          '--adapter',
          `elm327:tcp://127.0.0.1:${tcp.port}`,
          '--complaint',
          'ralenti instable, sifflement',
        ],
        `${answers}\n`,
      );
      expect(r.stdout).toContain('Codes défaut : P0171');
      expect(r.stdout).toContain('Mélange pauvre');
      // What the car said before any test, with the cause each sign moves most.
      expect(r.stdout).toMatch(/Indices lus sur le véhicule :\n/);
      expect(r.stdout).toMatch(
        /✔ Correction longue durée au-dessus de \+10 % au ralenti.*→ Prise d'air à l'admission ×/,
      );
      expect(r.stdout).toMatch(/✔ Le client signale un sifflement ou un ralenti instable/);
      expect(r.stdout).toMatch(/→ Test fumigène de l'admission/);
      expect(r.stdout).toMatch(/Réparation : /);
      expect(r.stdout).toContain('Codes après réparation : P0171');
      expect(r.stdout).toMatch(/Moniteurs : système d'alimentation (terminé|non terminé)/);
      expect(r.stderr).toContain('diagnostic interrompu');
      expect(r.code).toBe(2);
    } finally {
      emulator.close();
      await tcp.close();
    }
  }, 90_000);

  it('interactive on a simulated EV with a weak cell: reads the BMS as `ev report` does and reaches the weak cell', async () => {
    // The person's answers: modules compared at rest good (one low cell barely moves its module's
    // mean), lock-out and habilitation confirmed, the cell capacity test bad; then input ends.
    const r = await runCliWithInput(
      [
        'diagnose',
        '--adapter',
        'sim:kona-weak-cell',
        '--vehicle',
        'ev',
        '--complaint',
        "L'autonomie a chuté et la puissance baisse en fin de charge de batterie.",
      ],
      `${['b', 'o', 'o', 'm'].join('\n')}\n`,
    );
    expect(r.stdout).toContain('Codes défaut : P0A7F');
    // Read through the link, named with its source, with the figures the signs use.
    expect(r.stdout).toMatch(
      /Batterie de traction lue : 98 cellules, écart 0,\d+ V \(cellule 37 la plus basse\), SoH [\d,]+ % — Hyundai Kona .*véhicule simulé \(Atelier\), scénario kona-weak-cell/,
    );
    // The battery signs are read, not unknown: the spread at rest is there, with its value.
    expect(r.stdout).toMatch(
      /✔ Cellules écartées de plus de 50 mV au repos — écart entre cellules \(max − min\) = 0,\d+ V/,
    );
    expect(r.stdout).not.toMatch(/rapport de batterie de traction non lu/);
    const ranked = r.stdout.slice(r.stdout.indexOf('Causes classées'));
    expect(ranked).toMatch(/^Causes classées :\n\s+\d+ %\s+Cellule faible/);
    expect(r.stdout).toMatch(/→ Test de capacité des cellules, pack déposé et ouvert/);
    expect(r.stdout).toMatch(/Réparation : Remplacer le module qui porte la cellule faible/);
    // Opening the pack: the confirmation names NF C18-550's battery option, not a vicinity symbol.
    expect(r.stderr).toMatch(
      /Habilitation NF C18-550 B1XL \(option batterie : opérations sur la batterie de traction, ouverture du pack ; B2XL la couvre\) : la détenez-vous, valide/,
    );
    expect(r.stderr).not.toMatch(/B2VL/);
    // The lock-out before it: the confirmation names the title it needs (the chargé de consignation).
    expect(r.stderr).toMatch(
      /Consignation haute tension et vérification d’absence de tension, par un chargé de consignation \(habilitation NF C18-550 BCL\) : faite par vous, titulaire de l'habilitation BCL valide \? \(o\/n\)/,
    );
  }, 90_000);

  it('interactive: after the alternator, says to charge the battery the fault drained and asks once whether the charger ended', async () => {
    // Alternator output bad → repaired; charged, codes cleared, road test; the monitor has not run
    // yet, so the verification asks again — but not for the charge, already recorded.
    const r = await runCliWithInput(['diagnose', '--adapter', 'sim:charging-fault'], 'm\n\no\no\n\no\n');
    expect(r.stdout + r.stderr).toContain(
      "Après la réparation : Puis recharger la batterie au chargeur d'atelier (la panne l'a vidée) avant la vérification",
    );
    const asked =
      r.stderr.split('Batterie rechargée au chargeur d’atelier, charge terminée ? (o/n)').length - 1;
    expect(asked).toBe(1);
  }, 90_000);

  it('interactive: a lock-out not done by a BCL stops the diagnosis and says whose it is', async () => {
    const r = await runCliWithInput(
      ['diagnose', '--adapter', 'sim:kona-weak-cell', '--vehicle', 'ev', '--lang', 'en'],
      'g\nn\n',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /lock-out not done by a BCL: it is for a person holding BCL \(NF C18-550\); diagnosis stopped/,
    );
  }, 90_000);

  it('interactive: a repair on high-voltage parts asks its lock-out and habilitation first, and stops without them', async () => {
    // The DC-DC converter found (its output measured bad): before the repair, the lock-out (BCL)
    // and the habilitation for the work (B2VL). Without B2VL the repair is not recorded.
    const refused = await runCliWithInput(
      ['diagnose', '--adapter', 'sim:dcdc-converter', '--tree', 'charging'],
      'm\no\nn\n',
    );
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain(
      'Avant la réparation (Remplacer le convertisseur DC-DC (intervention haute tension : consignation par un BCL, habilitation B2VL)) :',
    );
    expect(refused.stderr).toMatch(
      /Habilitation NF C18-550 B2VL \(chargé de travaux au voisinage de pièces haute tension sous tension\) : la détenez-vous, valide \(recyclage à jour\), pour faire cette réparation \? \(o\/n\)/,
    );
    expect(refused.stderr).toContain(
      'habilitation B2VL non détenue : cette réparation revient à une personne habilitée B2VL (NF C18-550) ; réparation non enregistrée, diagnostic interrompu',
    );
    expect(refused.stdout).not.toContain('Réparation : Remplacer le convertisseur DC-DC');
    // Both confirmed: the repair is asked for.
    const done = await runCliWithInput(
      ['diagnose', '--adapter', 'sim:dcdc-converter', '--tree', 'charging', '--lang', 'en'],
      'b\ny\ny\n',
    );
    expect(done.stderr).toMatch(/to do this repair\? \(y\/n\)/);
    expect(done.stdout).toContain('Repair: Replace the DC-DC converter');
  }, 90_000);

  it('interactive: after a repair on high-voltage parts, asks for the lock-out lifted by a BCL before clearing the codes, and stops without it', async () => {
    // DC-DC output bad, lock-out and B2VL confirmed, the repair done (Enter); then the unlock.
    const refused = await runCliWithInput(
      ['diagnose', '--adapter', 'sim:dcdc-converter', '--tree', 'charging'],
      'm\no\no\n\nn\n',
    );
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('Avant la remise sous tension (effacement des codes, essai routier) :');
    expect(refused.stderr).toContain(
      "Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL) : faite par vous, titulaire de l'habilitation BCL valide ? (o/n)",
    );
    expect(refused.stderr).toContain(
      'déconsignation non faite par un BCL : elle revient à une personne habilitée BCL (NF C18-550) ; véhicule laissé consigné, diagnostic interrompu',
    );
    // Nothing powers the car: the codes are not offered for clearing.
    expect(refused.stderr).not.toContain('Effacer les codes maintenant');

    const lifted = await runCliWithInput(
      ['diagnose', '--adapter', 'sim:dcdc-converter', '--tree', 'charging', '--lang', 'en'],
      'b\ny\ny\n\ny\n',
    );
    const unlockAsked = lifted.stderr.indexOf('High-voltage lock-out lifted (end of work, re-energised)');
    expect(unlockAsked).toBeGreaterThan(-1);
    expect(lifted.stderr.indexOf('Clear the codes now? (y/n)')).toBeGreaterThan(unlockAsked);
  }, 90_000);

  it('interactive: before a test made with the car READY while locked out, asks for the lock-out lifted, and stops without it', async () => {
    // A knowledge base where comparing the modules (READY) costs more than opening the pack: on the
    // imbalanced Kona, the cell capacities (locked out) come first, then the modules — READY.
    const dir = mkdtempSync(join(tmpdir(), 'atelier-kb-ready-'));
    cpSync(fileURLToPath(new URL('../../../../packages/diagnosis/kb', import.meta.url)), dir, {
      recursive: true,
    });
    const testsFile = join(dir, 'tests.yaml');
    const tests = readFileSync(testsFile, 'utf8');
    const dearer = tests.replace(/(id: hv_module_balance_read[\s\S]*?cost: )\d+/, '$12000');
    expect(dearer).not.toBe(tests);
    writeFileSync(testsFile, dearer);
    const args = [
      'diagnose',
      '--adapter',
      'sim:kona-cell-imbalance',
      '--vehicle',
      'ev',
      '--kb',
      dir,
      '--complaint',
      "L'autonomie a chuté et la puissance baisse en fin de charge de batterie.",
    ];
    // Lock-out and B1XL confirmed, the cell capacities good; then the unlock refused.
    const refused = await runCliWithInput(args, 'o\no\nb\nn\n');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain(
      'Avant le test « Comparer les modules entre eux au repos (équilibrage) », fait véhicule sous tension (READY, moteur tournant) — le système haute tension est consigné :',
    );
    expect(refused.stderr).toContain(
      "Déconsignation haute tension (fin de travaux, remise sous tension) par le chargé de consignation (habilitation NF C18-550 BCL) : faite par vous, titulaire de l'habilitation BCL valide ? (o/n)",
    );
    expect(refused.stderr).toContain('véhicule laissé consigné, diagnostic interrompu');
    // The READY test is not proposed to a car still locked out.
    expect(refused.stdout).not.toContain('→ Comparer les modules entre eux au repos');

    // Lifted: the modules are compared after it, in English too.
    const lifted = await runCliWithInput([...args, '--lang', 'en'], 'y\ny\ng\ny\nb\n');
    const header = lifted.stdout.indexOf(
      'Before the test "Compare the modules at rest (balancing)", made with the car energised (READY, engine running) — the high-voltage system is locked out:',
    );
    expect(header).toBeGreaterThan(-1);
    expect(lifted.stdout.indexOf('→ Compare the modules at rest (balancing)')).toBeGreaterThan(header);
  }, 90_000);

  it('--kb: a knowledge base that does not load stops before the car is read, saying where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-kb-broken-'));
    const none = await runCli(['diagnose', '--adapter', 'sim:kona-weak-cell', '--kb', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      `--kb : base de connaissances illisible — ${dir} : tests.yaml ou dossier trees/ introuvable`,
    );
    expect(none.stdout).not.toContain('Codes défaut');
    cpSync(fileURLToPath(new URL('../../../../packages/diagnosis/kb', import.meta.url)), dir, {
      recursive: true,
    });
    const testsFile = join(dir, 'tests.yaml');
    writeFileSync(
      testsFile,
      readFileSync(testsFile, 'utf8').replace(/(id: dcdc_output_test[\s\S]*?energised: )true/, '$1oui'),
    );
    const bad = await runCli(['diagnose', '--adapter', 'sim:kona-weak-cell', '--kb', dir, '--lang', 'en']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--kb: the knowledge base does not load — \S*tests\.yaml:\d+: tests\.\d+\.energised: expected true or false \(atelier kb lint --dir /,
    ); // In French, the place spelled out and why in the workshop's words.
    const fr = await runCli(['diagnose', '--adapter', 'sim:kona-weak-cell', '--kb', dir, '--lang', 'fr']);
    expect(fr.code).toBe(2);
    expect(fr.stderr).toMatch(
      /--kb : base de connaissances illisible — \S*tests\.yaml, ligne \d+, champ tests\.\d+\.energised : valeur attendue : true ou false \(atelier kb lint --dir /,
    );
  });

  it('interactive: a person without the battery option says so and is told who may open the pack', async () => {
    const r = await runCliWithInput(
      ['diagnose', '--adapter', 'sim:kona-weak-cell', '--vehicle', 'ev', '--lang', 'en'],
      'g\ny\nn\n',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /habilitation B1XL not held: this test is for a person holding B1XL \(NF C18-550\); diagnosis stopped/,
    );
  }, 90_000);

  it('interactive through an ELM327 (the emulator on TCP) on the weak-cell Kona: the BMS read live, as a scan tool would', async () => {
    const emulator = new Elm327Emulator({
      responder: Vehicle.fromScenario(loadScenario('kona-weak-cell')),
      baud: 0,
      latencyMs: 1,
    });
    const tcp = await serveTcp(emulator, { port: 0, host: '127.0.0.1' });
    try {
      const r = await runCliWithInput(
        // No --vehicle: the car says it is electric (fuel type, PID 51), so its battery is read.
        ['diagnose', '--adapter', `elm327:tcp://127.0.0.1:${tcp.port}`, '--lang', 'en'],
        'q\n',
      );
      expect(r.stdout).toContain('Vehicle type read (fuel type, PID 51): electric');
      // A live car's report: its adapter named, never "simulated" (the link cannot know).
      expect(r.stdout).toMatch(
        /Traction battery read: 98 cells, spread 0\.\d+ V \(cell 37 lowest\), SoH [\d.]+ % — Hyundai Kona[^\n]*live session, adapter elm327:tcp:\/\/127\.0\.0\.1:\d+/,
      );
      expect(r.stdout).toMatch(/✔ Cells more than 50 mV apart at rest/);
    } finally {
      emulator.close();
      await tcp.close();
    }
  }, 90_000);

  it('interactive on a healthy simulated EV ends with no cause confirmed, its BMS read', async () => {
    const r = await runCliWithInput(
      ['diagnose', '--adapter', 'sim:healthy-kona', '--vehicle', 'ev', '--complaint', "L'autonomie a baissé"],
      'b\nb\nb\nb\n',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Batterie de traction lue : 98 cellules, écart 0,0\d+ V/);
    expect(r.stdout).toMatch(/✘ Cellules écartées de plus de 50 mV au repos/);
    expect(r.stdout).toMatch(/✘ État de santé \(SoH\) sous 85 %/);
    expect(r.stdout).toContain('Aucune cause confirmée.');
  }, 90_000);

  it('interactive on an EV whose BMS Atelier does not know: the battery signs stay unknown and it says why', async () => {
    // The generic simulated EV answers its own layout, which no definition reads (ev README).
    const r = await runCliWithInput(
      [
        'diagnose',
        '--adapter',
        'sim:healthy-ev-range',
        '--vehicle',
        'ev',
        '--complaint',
        "L'autonomie a baissé",
        '--lang',
        'en',
      ],
      'q\n',
    );
    expect(r.stdout).toMatch(
      /Traction battery not read: no known traction-battery ECU answered \(tried: hyundai-kona-ioniq, nissan-leaf\) — its signs stay unknown/,
    );
    expect(r.stdout).not.toMatch(/Cell spread|cells differ/i);
    expect(r.stdout).toMatch(/\(3 sign\(s\) not available on this vehicle\)/);
  }, 90_000);

  it('kb lint passes on the shipped knowledge base', async () => {
    const { code, stdout } = await runCli(['kb', 'lint', '--lang', 'en']);
    expect(code).toBe(0);
    // every tree file shipped is read (counted from the directory, not written here)
    const trees = readdirSync(
      fileURLToPath(new URL('../../../../packages/diagnosis/kb/trees', import.meta.url)),
    ).filter((f) => f.endsWith('.yaml')).length;
    expect(trees).toBeGreaterThanOrEqual(15);
    expect(stdout).toContain(`${trees} trees, `);
    expect(stdout).toMatch(/trees, \d+ tests, 0 problem\(s\)/);
  });

  it('kb lint in French: a YAML syntax error says its line, column and reason in French', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-kb-cli-'));
    cpSync(fileURLToPath(new URL('../../../../packages/diagnosis/kb', import.meta.url)), dir, {
      recursive: true,
    });
    const broken = join(dir, 'trees', 'zz-indent.yaml');
    writeFileSync(broken, 'id: indent\ncauses:\n    a: 1\n  b: 2\n');
    const fr = await runCli(['kb', 'lint', '--dir', dir, '--lang', 'fr']);
    expect(fr.code).toBe(1);
    expect(fr.stdout).toContain(
      'zz-indent.yaml:4: syntaxe YAML invalide, colonne 1 : indentation incorrecte : les éléments d’un même niveau doivent commencer à la même colonne\n',
    );
    const en = await runCli(['kb', 'lint', '--dir', dir, '--lang', 'en']);
    expect(en.stdout).toContain(
      'zz-indent.yaml:4: YAML syntax: All mapping items must start at the same column\n',
    );
  });

  it('kb lint speaks French by default, English when asked, and --json keeps both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-kb-cli-'));
    cpSync(fileURLToPath(new URL('../../../../packages/diagnosis/kb', import.meta.url)), dir, {
      recursive: true,
    });
    const catalyst = join(dir, 'trees', 'catalyst.yaml');
    writeFileSync(
      catalyst,
      readFileSync(catalyst, 'utf8').replace('inspect: catalyst_temperature_check', 'inspect: no_such_test'),
    );
    const lean = join(dir, 'trees', 'lean.yaml');
    writeFileSync(lean, readFileSync(lean, 'utf8').replace('prior: 0.06', 'prior: 1'));
    const leanLine = readFileSync(lean, 'utf8').split('\n').indexOf('    prior: 1') + 1;
    expect(leanLine).toBeGreaterThan(0);
    // No language asked for anywhere: French.
    const none = { ATELIER_LANG: '', LC_ALL: '', LC_MESSAGES: '', LANG: '' };
    const fr = await runCli(['kb', 'lint', '--dir', dir], { env: none });
    expect(fr.code).toBe(1);
    expect(fr.stdout).toContain(
      'catalyst.yaml: causes.catalyst_degraded.inspect: test inconnu « no_such_test » (absent de tests.yaml)\n',
    );
    expect(fr.stdout).toContain(
      `lean.yaml:${leanLine}: causes.vacuum_leak.prior: une probabilité a priori de 0 ou 1 ne laisse rien à diagnostiquer\n`,
    );
    expect(fr.stdout).toMatch(/\d+ arbres, \d+ tests, \d+ problème\(s\)\n$/);
    const en = await runCli(['kb', 'lint', '--dir', dir], { env: { ...none, ATELIER_LANG: 'en' } });
    expect(en.stdout).toContain(
      'catalyst.yaml: causes.catalyst_degraded.inspect: unknown test "no_such_test"\n',
    );
    expect(en.stdout).not.toContain('inconnu');
    const json = await runCli(['kb', 'lint', '--dir', dir, '--json'], { env: none });
    const report = JSON.parse(json.stdout) as { problems: { code: string; message: string; fr: string }[] };
    expect(report.problems.find((p) => p.code === 'unknown-test')).toMatchObject({
      message: 'unknown test "no_such_test"',
      fr: 'test inconnu « no_such_test » (absent de tests.yaml)',
    });
    for (const p of report.problems) expect(p.fr, p.message).not.toBe(p.message);
  });
});
