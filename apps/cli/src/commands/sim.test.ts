import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readOriginFile } from '@atelier/can';
import { FAULT_TYPES } from '@atelier/vehicle-sim';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

const CLI_DIR = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'atelier-sim-cli-'));

const atelier = (...args: string[]) => runCli(args, { cwd: CLI_DIR });

describe('atelier sim', () => {
  it('list --json: every scenario with vehicle, faults, true cause and complaint; every fault covered', async () => {
    const { code, stdout } = await atelier('sim', 'list', '--json');
    expect(code).toBe(0);
    const list = JSON.parse(stdout) as {
      name: string;
      vehicle: string;
      faults: string[];
      true_cause: string;
      complaint: { fr: string; en: string };
    }[];
    for (const s of list) {
      expect(Object.keys(s)).toEqual(['name', 'vehicle', 'faults', 'true_cause', 'complaint']);
      expect(s.complaint.fr && s.complaint.en).toBeTruthy();
    }
    const covered = new Set(list.flatMap((s) => s.faults));
    for (const f of FAULT_TYPES) expect(covered, f).toContain(f);
    expect(list.some((s) => s.faults.length === 0)).toBe(true);
  }, 120_000); // whole simulated sessions: 23 s seen at load 20

  it('run --record twice gives byte-identical candump logs; the report names the codes', async () => {
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    const first = await atelier(
      '--lang',
      'en',
      'sim',
      'run',
      '--scenario',
      'misfire-cyl2',
      '--duration',
      '20',
      '--record',
      a,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Confirmed DTCs: P0300, P0302/);
    expect(
      (await atelier('sim', 'run', '--scenario', 'misfire-cyl2', '--duration', '20', '--record', b)).code,
    ).toBe(0);
    const text = readFileSync(a, 'utf8');
    expect(text.length).toBeGreaterThan(1000);
    expect(readFileSync(b, 'utf8')).toBe(text);
  }, 120_000); // whole simulated sessions: 23 s seen at load 20

  it('a bad scenario file fails with the field named; unknown scenario is a usage error', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'name: x\nvehicle: petrol\ncomplaint: { fr: a, en: b }\ntrue_cause: c\nfaults:\n  - { type: misfire, cylinder: 9, severity: 0.5 }\ndrive:\n  - { phase: idle }\n',
    );
    const r = await atelier('--lang', 'en', 'sim', 'run', '--scenario', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('faults[0].cylinder');
    expect(r.stderr).toContain('bad.yaml:6');
    expect((await atelier('sim', 'run', '--scenario', 'no-such-thing')).code).toBe(2);
  });

  it("a bad scenario file is refused in the user's language: where, which field, why", async () => {
    const bad = join(dir, 'egr.yaml');
    writeFileSync(
      bad,
      'name: x\nvehicle: petrol\ncomplaint: { fr: a, en: b }\ntrue_cause: c\nfaults:\n  - { type: egr_stuck, severity: "150 %" }\ndrive:\n  - { phase: idle }\n',
    );
    const fr = await atelier('--lang', 'fr', 'sim', 'run', '--scenario', bad);
    expect(fr.code).toBe(1);
    expect(fr.stderr).toBe(
      `atelier sim: ${bad}, ligne 6, champ faults[0].severity : valeur attendue entre 0 et 1 (trouvé "150 %")\n`,
    );
    const en = await atelier('--lang', 'en', 'sim', 'run', '--scenario', bad);
    expect(en.stderr).toBe(
      `atelier sim: ScenarioError: ${bad}:6: faults[0].severity: must be between 0 and 1 (got "150 %")\n`,
    );
    // A built-in name that does not exist is a usage error, said in French too.
    const unknown = await atelier('--lang', 'fr', 'sim', 'run', '--scenario', 'no-such-thing');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^atelier sim: no-such-thing : aucun scénario intégré de ce nom \(connus : /,
    );
  });

  it('a scenario the system will not read, or YAML that does not parse: the reason in French, English as before', async () => {
    // A folder given as the scenario file.
    const folder = await atelier('--lang', 'fr', 'sim', 'run', '--scenario', `${dir}/`);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toBe(
      `atelier sim: ${dir}/ : lecture impossible : c'est un dossier, pas un fichier [EISDIR]\n`,
    );
    const folderEn = await atelier('--lang', 'en', 'sim', 'run', '--scenario', `${dir}/`);
    expect(folderEn.stderr).toBe(
      `atelier sim: ScenarioError: ${dir}/: cannot read: EISDIR: illegal operation on a directory, read\n`,
    );
    // A scenario indented with a tab.
    const tabbed = join(dir, 'tab.yaml');
    writeFileSync(tabbed, 'name: x\nvehicle:\n\tprofile: petrol\n');
    const tab = await atelier('--lang', 'fr', 'sim', 'run', '--scenario', tabbed);
    expect(tab.code).toBe(1);
    expect(tab.stderr).toBe(
      `atelier sim: ${tabbed}, ligne 3 : YAML invalide, colonne 1 : tabulation en début de ligne : YAML n’accepte que des espaces pour indenter\n`,
    );
    const tabEn = await atelier('--lang', 'en', 'sim', 'run', '--scenario', tabbed);
    expect(tabEn.stderr).toBe(
      `atelier sim: ScenarioError: ${tabbed}:3: YAML: Tabs are not allowed as indentation at line 3, column 1:\n`,
    );
  });

  it('--battery V also reads the traction battery: the recording gives a battery report; bad use is a usage error', async () => {
    const log = join(dir, 'kona.log');
    const r = await atelier(
      ...['--lang', 'en', 'sim', 'run', '--scenario', 'healthy-kona', '--duration', '25'],
      ...['--battery', 'hyundai-kona-ioniq', '--battery-every', '10', '--record', log, '--json'],
    );
    expect(r.code, r.stderr).toBe(0);
    // Reads at 0, 10 and 20 s: five requests each, every one answered.
    expect(JSON.parse(r.stdout).report.reads).toEqual({ sent: 15, answered: 15 });
    const report = await atelier('--lang', 'en', 'ev', 'report', log, '--json');
    expect(report.code, report.stderr).toBe(0);
    const battery = JSON.parse(report.stdout);
    expect(battery.vehicle.id).toBe('hyundai-kona-ioniq');
    expect(battery.series.soc).toHaveLength(3);
    expect(battery.missing).toEqual([]);
    // The recording says it is simulated, and keeps saying it through `can convert`.
    expect(readFileSync(log, 'utf8').split('\n')[0]).toMatch(
      /^# origin=atelier-simulator scenario=healthy-kona — simulated vehicle/,
    );
    for (const ext of ['blf', 'mf4', 'asc', 'trc'] as const) {
      const out = join(dir, `kona.${ext}`);
      const c = await atelier('can', 'convert', log, out);
      expect(c.code, c.stderr).toBe(0);
      expect(readOriginFile(out, ext), ext).toEqual({
        source: 'atelier-simulator',
        scenario: 'healthy-kona',
      });
      const back = join(dir, `kona-from-${ext}.log`);
      expect((await atelier('can', 'convert', out, back)).code).toBe(0);
      expect(readOriginFile(back, 'candump'), `${ext} → candump`).toEqual({
        source: 'atelier-simulator',
        scenario: 'healthy-kona',
      });
    }
    const csv = await atelier('--lang', 'en', 'can', 'convert', log, join(dir, 'kona.csv'));
    expect(csv.code).toBe(0);
    expect(csv.stderr).toMatch(/warning: csv has no place to say the recording is simulated/);
    for (const bad of [
      ['--battery', 'zoe'],
      ['--battery-every', '10'],
      ['--battery', 'nissan-leaf', '--battery-every', '0'],
    ])
      expect((await atelier('sim', 'run', '--scenario', 'healthy-kona', ...bad)).code, bad.join(' ')).toBe(2);
  }, 120_000);
});

describe('atelier sim import', () => {
  it('turns a recording into a scenario that answers as the recorded car did', async () => {
    const log = join(dir, 'tcm.log');
    expect(
      (await atelier('sim', 'run', '--scenario', 'lost-comm-tcm', '--duration', '8', '--record', log)).code,
    ).toBe(0);
    const yaml = join(dir, 'scenarios', 'recorded.yaml');
    const imported = await atelier(
      ...['--lang', 'en', 'sim', 'import', log, '--name', 'recorded', '--vehicle', 'petrol'],
      ...[
        '--complaint-fr',
        'Boîte en mode dégradé',
        '--complaint-en',
        'Gearbox in limp mode',
        '--cause',
        'TCM connector',
      ],
      ...['--out', yaml],
    );
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/diagnostic exchanges, ECUs 7E8/);
    expect(readFileSync(yaml, 'utf8')).toContain('recording: ../tcm.log');
    const replay = await atelier('--lang', 'en', 'sim', 'run', '--scenario', yaml, '--duration', '8');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/Confirmed DTCs: U0101/);
    const list = await atelier('sim', 'import', log, '--name', 'x');
    expect(list.code).toBe(2); // usage: the story fields are required
  }, 120_000); // whole simulated sessions: 23 s seen at load 20
});
