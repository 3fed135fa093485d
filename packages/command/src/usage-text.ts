import type { Lang } from './context.js';

/**
 * A wrong invocation as Node's `parseArgs` words it (`Unknown option '--x'. To specify a positional
 * argument…`), said in the user's language. Every command hands `parseArgs`' message to
 * `UsageError` as it is; this reads the option's name back out of the five forms Node 20 writes, so
 * that a French user does not get an English sentence about positional arguments. English keeps
 * Node's own words; any other message is returned unchanged.
 */
export function usageText(message: string, lang: Lang): string {
  if (lang === 'en') return message;
  let m = /^Unknown option '([^']+)'/.exec(message);
  if (m) {
    const hint = message.includes("place it at the end of the command after '--'")
      ? ` (un argument qui commence par « - » s'écrit après « -- » : -- ${m[1]})`
      : '';
    return `option inconnue « ${m[1]} »${hint}`;
  }
  m = /^Option '(?:-[^,' ]+, )?(--?[^' ]+)(?: <value>)?' argument missing/.exec(message);
  if (m) return `l'option « ${m[1]} » attend une valeur`;
  m = /^Option '(?:-[^,' ]+, )?(--?[^' ]+)' does not take an argument/.exec(message);
  if (m) return `l'option « ${m[1]} » ne prend pas de valeur`;
  m = /^Option '(?:-[^,' ]+, )?(--?[^' ]+)(?: <value>)?' argument is ambiguous/.exec(message);
  if (m)
    return `l'option « ${m[1]} » attend une valeur ; une valeur qui commence par « - » s'écrit ${m[1]}=-VALEUR`;
  m = /^Unexpected argument '([^']*)'/.exec(message);
  if (m) return `argument en trop « ${m[1]} » : cette commande n'en prend pas`;
  return message;
}
