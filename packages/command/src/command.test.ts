import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type CliContext, type Command, pickLang, UsageError } from './context.js';
import { commandGroup } from './group.js';
import { runCommand } from './run.js';

function context(lang: 'fr' | 'en') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  const ctx: CliContext = {
    stdout,
    stderr,
    lang,
    cwd: '/',
    signal: new AbortController().signal,
    stderrIsTTY: false,
  };
  return { ctx, out: () => out.join(''), err: () => err.join('') };
}

const echo = {
  name: 'echo',
  summary: { fr: 'répète', en: 'repeats' },
  async run(args: string[], ctx: CliContext) {
    if (args.includes('--bad')) throw new UsageError('bad option', 'Usage: x echo WORDS');
    if (args.includes('--fail')) throw new RangeError('out of range');
    ctx.stdout.write(`${args.join(' ')}\n`);
    return 0;
  },
};
const group: Command = commandGroup('x', [echo]);

describe('commandGroup and runCommand', () => {
  it('runs a subcommand, and lists them in the reader’s language without one or with --help', async () => {
    const ran = context('fr');
    expect(await runCommand(group, ['echo', 'a', 'b'], ran.ctx)).toBe(0);
    expect(ran.out()).toBe('a b\n');
    const bare = context('fr');
    expect(await runCommand(group, [], bare.ctx)).toBe(2);
    expect(bare.out()).toBe('Usage : atelier x <sous-commande> …\n  echo      répète\n');
    const help = context('en');
    expect(await runCommand(group, ['--help'], help.ctx)).toBe(0);
    expect(help.out()).toBe('Usage: atelier x <subcommand> …\n  echo      repeats\n');
  });

  it('a usage error shows the message and the usage (exit 2); any other error its name (exit 1)', async () => {
    const unknown = context('en');
    expect(await runCommand(group, ['nope'], unknown.ctx)).toBe(2);
    expect(unknown.err()).toBe(
      "atelier x: unknown subcommand 'nope'\n\nUsage: atelier x <subcommand> …\n  echo      repeats\n",
    );
    const bad = context('en');
    expect(await runCommand(group, ['echo', '--bad'], bad.ctx)).toBe(2);
    expect(bad.err()).toBe('atelier x: bad option\n\nUsage: x echo WORDS\n');
    const failed = context('en');
    expect(await runCommand(group, ['echo', '--fail'], failed.ctx)).toBe(1);
    expect(failed.err()).toBe('atelier x: RangeError: out of range\n');
  });

  it('an error that says itself in a language is printed in the user’s: French without its class name, English as before', async () => {
    class BadFile extends Error {
      override name = 'BadFile';
      messageIn(lang: 'fr' | 'en') {
        return lang === 'fr' ? 'f.log, ligne 2 : octet invalide' : this.message;
      }
    }
    const says: Command = {
      name: 'read',
      async run() {
        throw new BadFile('f.log:2: bad byte');
      },
    };
    const fr = context('fr');
    expect(await runCommand(says, [], fr.ctx)).toBe(1);
    expect(fr.err()).toBe('atelier read: f.log, ligne 2 : octet invalide\n');
    const en = context('en');
    expect(await runCommand(says, [], en.ctx)).toBe(1);
    expect(en.err()).toBe('atelier read: BadFile: f.log:2: bad byte\n');
  });

  it('speaks French unless English is asked for, by flag or locale', () => {
    expect(pickLang([], {})).toBe('fr');
    expect(pickLang(['--lang', 'en'], {})).toBe('en');
    expect(pickLang(['--lang=en'], { LANG: 'fr_FR.UTF-8' })).toBe('en');
    expect(pickLang([], { LANG: 'en_GB.UTF-8' })).toBe('en');
    expect(pickLang([], { LANG: 'de_DE.UTF-8' })).toBe('fr');
  });
});

describe("parseArgs' wrong invocations in the reader's language", () => {
  // A command that hands parseArgs' own message to UsageError, as every atelier command does.
  const strict: Command = {
    name: 'strict',
    async run(args) {
      try {
        // A first word `none`: a command that takes no positional argument.
        const none = args[0] === 'none';
        parseArgs({
          args: none ? args.slice(1) : args,
          options: { adapter: { type: 'string', short: 'a' }, json: { type: 'boolean' } },
          allowPositionals: !none,
          strict: true,
        });
      } catch (err) {
        throw new UsageError((err as Error).message, 'Usage : atelier strict');
      }
      return 0;
    },
  };
  const said = async (args: string[], lang: 'fr' | 'en') => {
    const c = context(lang);
    expect(await runCommand(strict, args, c.ctx)).toBe(2);
    return c.err().split('\n')[0];
  };

  it('says each of the five forms Node writes in French, naming the option', async () => {
    expect(await said(['--adaptr', 'x'], 'fr')).toBe(
      "atelier strict: option inconnue « --adaptr » (un argument qui commence par « - » s'écrit après « -- » : -- --adaptr)",
    );
    expect(await said(['none', '-x'], 'fr')).toBe('atelier strict: option inconnue « -x »');
    expect(await said(['--adapter'], 'fr')).toBe("atelier strict: l'option « --adapter » attend une valeur");
    expect(await said(['--json=yes'], 'fr')).toBe(
      "atelier strict: l'option « --json » ne prend pas de valeur",
    );
    expect(await said(['--adapter', '-x'], 'fr')).toBe(
      "atelier strict: l'option « --adapter » attend une valeur ; une valeur qui commence par « - » s'écrit --adapter=-VALEUR",
    );
    expect(await said(['none', 'extra'], 'fr')).toBe(
      "atelier strict: argument en trop « extra » : cette commande n'en prend pas",
    );
  });

  it('keeps Node’s English words in English, and any other usage message as it is', async () => {
    expect(await said(['--adapter'], 'en')).toBe(
      "atelier strict: Option '-a, --adapter <value>' argument missing",
    );
    const c = context('fr');
    expect(await runCommand(group, ['echo', '--bad'], c.ctx)).toBe(2);
    expect(c.err()).toBe('atelier x: bad option\n\nUsage: x echo WORDS\n');
  });
});
