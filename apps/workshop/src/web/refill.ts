/**
 * A refused form comes back filled in. When a form POST is refused (invalid input, a rule of the
 * process), the page the form was on is rendered again and the form that was sent gets back what the
 * user typed, with the message beside the field it is about (`aria-invalid`, `aria-describedby`,
 * focus). This works on the pages' own markup, so every form of every area gets it without each
 * template reading the refusal; passwords and files are never sent back.
 */
import { escapeHtml } from './html.js';

export type FormValues = Record<string, string | string[]>;

export interface Refusal {
  message: string;
  field?: string;
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeAttr(m[1]!) : undefined;
};
const unescapeAttr = (v: string): string =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const setAttr = (tag: string, name: string, value: string | null): string => {
  const without = tag.replace(new RegExp(`\\s${name}(="[^"]*")?(?=[\\s>/])`), '');
  if (value === null) return without;
  return without.replace(/^<(\w+)/, `<$1 ${name}="${escapeHtml(value)}"`);
};
const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

const NOT_REFILLED = new Set(['hidden', 'password', 'file', 'submit', 'button', 'image', 'reset']);

/** The forms of `page` that post to `action`, as [start, end) offsets. */
function formsFor(page: string, action: string): [number, number][] {
  const found: [number, number][] = [];
  const re = /<form\b[^>]*>/g;
  for (let m = re.exec(page); m; m = re.exec(page)) {
    const target = attr(m[0], 'action');
    if (target === undefined || target.split('?')[0] !== action) continue;
    // A search form may share the URL; only a form that posts can have been refused.
    if ((attr(m[0], 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const end = page.indexOf('</form>', m.index);
    if (end < 0) continue;
    found.push([m.index, end + '</form>'.length]);
  }
  return found;
}

/** How many hidden fields of this form carry the values sent: which of several alike forms was sent. */
function hiddenMatches(form: string, values: FormValues): number {
  let n = 0;
  for (const tag of form.match(/<input\b[^>]*>/g) ?? []) {
    if (attr(tag, 'type') !== 'hidden') continue;
    const name = attr(tag, 'name');
    if (!name || name.startsWith('_')) continue;
    n += list(values[name]).includes(attr(tag, 'value') ?? '') ? 1 : -1;
  }
  return n;
}

function refillOne(form: string, values: FormValues, refusal: Refusal): string {
  const msgId = 'refused-message';
  const message = `<span class="field-error" id="${msgId}" role="alert">${escapeHtml(refusal.message)}</span>`;
  let placed = false;
  const mark = (tag: string, name: string | undefined): string => {
    if (placed || !refusal.field || name !== refusal.field) return tag;
    return setAttr(setAttr(setAttr(tag, 'aria-invalid', 'true'), 'aria-describedby', msgId), 'autofocus', '');
  };
  const after = (name: string | undefined): string => {
    if (placed || !refusal.field || name !== refusal.field) return '';
    placed = true;
    return message;
  };
  let out = form.replace(
    /(<textarea\b[^>]*>)([\s\S]*?)(<\/textarea>)/g,
    (_, open: string, content: string, close: string) => {
      const name = attr(open, 'name');
      const sent = name === undefined ? undefined : values[name];
      const text = sent === undefined ? content : escapeHtml(list(sent)[0] ?? '');
      return mark(open, name) + text + close + after(name);
    },
  );
  out = out.replace(
    /(<select\b[^>]*>)([\s\S]*?)(<\/select>)/g,
    (_, open: string, options: string, close: string) => {
      const name = attr(open, 'name');
      const sent = name === undefined ? undefined : values[name];
      const chosen = list(sent);
      const opts =
        sent === undefined
          ? options
          : options.replace(/<option\b[^>]*>/g, (o) =>
              setAttr(o, 'selected', chosen.includes(attr(o, 'value') ?? '') ? '' : null),
            );
      return mark(open, name) + opts + close + after(name);
    },
  );
  out = out.replace(/<input\b[^>]*>/g, (tag) => {
    const name = attr(tag, 'name');
    const type = attr(tag, 'type') ?? 'text';
    if (!name || name.startsWith('_')) return tag;
    let filled = tag;
    if (type === 'checkbox' || type === 'radio') {
      filled = setAttr(tag, 'checked', list(values[name]).includes(attr(tag, 'value') ?? 'on') ? '' : null);
    } else if (!NOT_REFILLED.has(type) && values[name] !== undefined) {
      filled = setAttr(tag, 'value', list(values[name])[0] ?? '');
    }
    if (type === 'hidden') return filled;
    return mark(filled, name) + after(name);
  });
  // Inputs sit inside their label; the message goes right after the field whatever its kind. A
  // refusal about no field of this form (a rule of the process) heads the form.
  if (!placed)
    out = out.replace(
      /^(<form\b[^>]*>)/,
      `$1<p class="error" role="alert" id="${msgId}">${escapeHtml(refusal.message)}</p>`,
    );
  return out.replace(/^<form\b/, '<form data-refused');
}

/**
 * `page` with the form that posts to `action` filled with `values` and the refusal shown. Returns
 * null when the page has no such form (then the caller shows the refusal another way).
 */
export function refillForm(
  page: string,
  action: string,
  values: FormValues,
  refusal: Refusal,
): string | null {
  const forms = formsFor(page, action);
  if (forms.length === 0) return null;
  let best = forms[0]!;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const f of forms) {
    const score = hiddenMatches(page.slice(f[0], f[1]), values);
    if (score > bestScore) {
      best = f;
      bestScore = score;
    }
  }
  let before = page.slice(0, best[0]);
  // A form folded in a <details> (a correction form per row) is unfolded, so its message shows.
  const opened = before.lastIndexOf('<details');
  if (opened > before.lastIndexOf('</details>'))
    before = `${before.slice(0, opened)}<details open${before.slice(opened + '<details'.length)}`;
  return before + refillOne(page.slice(best[0], best[1]), values, refusal) + page.slice(best[1]);
}
