/**
 * One invoice sequence per site. French rules number invoices in an unbroken chronological
 * sequence; a business may keep several sequences — one per establishment — when each has its own
 * prefix. A site's invoices are `FA-{prefix}-{year}-{000001}`, its credit notes `AV-…`, counted per
 * site, kind and year (services/counters.ts takes the number inside the issuing transaction). The
 * workshop that existed before sites (site 1) keeps an empty prefix, so its numbers go on as
 * `FA-2026-000043`; any other site's prefix is its code in capitals until its administrator
 * chooses another — which is possible only before the site's first invoice or credit note (a
 * sequence does not change its name halfway).
 */
import type { Db, Store } from '../store/store.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';

export type DocumentKind = 'invoice' | 'credit_note';

/** A document's number: `FA-2026-000001` (empty prefix) or `FA-LYON-2026-000001`. */
export function documentNumber(kind: DocumentKind, prefix: string, year: string, seq: number): string {
  return [
    kind === 'invoice' ? 'FA' : 'AV',
    ...(prefix ? [prefix] : []),
    year,
    String(seq).padStart(6, '0'),
  ].join('-');
}

const PREFIX = /^[A-Z0-9]{1,10}(-[A-Z0-9]{1,10})?$/;

/** The site's prefix: the one set, else its code in capitals. */
export async function sitePrefix(db: Db, site: number): Promise<string> {
  const s = await db.get<{ invoice_prefix: string | null; code: string }>(
    'SELECT invoice_prefix, code FROM sites WHERE id = ?',
    [site],
  );
  if (!s) throw new NotFoundError({ fr: 'Site', en: 'Site' }, site);
  return s.invoice_prefix ?? s.code.toUpperCase();
}

export interface InvoiceSeries {
  prefix: string;
  /** Documents the site has issued (invoices and credit notes): the prefix is fixed once there is one. */
  issued: number;
  /** What the site's next invoice and credit note of `year` will be numbered. */
  next_invoice: string;
  next_credit_note: string;
}

export async function invoiceSeries(db: Db, site: number, year: string): Promise<InvoiceSeries> {
  const prefix = await sitePrefix(db, site);
  const issued = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM invoices WHERE site_id = ?', [site]);
  const last = async (kind: DocumentKind) =>
    (
      await db.get<{ last: number }>('SELECT last FROM number_counters WHERE scope = ?', [
        `${kind}:${site}:${year}`,
      ])
    )?.last ?? 0;
  return {
    prefix,
    issued: Number(issued?.n ?? 0),
    next_invoice: documentNumber('invoice', prefix, year, Number(await last('invoice')) + 1),
    next_credit_note: documentNumber('credit_note', prefix, year, Number(await last('credit_note')) + 1),
  };
}

/** Sets the site's prefix (letters and digits, one hyphen at most), before its first document only. */
export async function setInvoicePrefix(store: Store, site: number, text: string): Promise<string> {
  const prefix = text.trim().toUpperCase();
  if (!PREFIX.test(prefix))
    throw new ValidationError(
      {
        fr: 'préfixe : 1 à 10 lettres ou chiffres (un tiret au plus), par exemple LYON ou L2',
        en: 'prefix: 1 to 10 letters or digits (one hyphen at most), for example LYON or L2',
      },
      'prefix',
    );
  return store.transaction(async (tx) => {
    const issued = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM invoices WHERE site_id = ?', [
      site,
    ]);
    if (Number(issued?.n ?? 0) > 0)
      throw new ConflictError(
        {
          fr: 'ce site a déjà émis des factures : sa séquence garde son préfixe',
          en: 'this site has already issued invoices: its sequence keeps its prefix',
        },
        'prefix',
      );
    const sites = await tx.all<{ id: number; invoice_prefix: string | null; code: string }>(
      'SELECT id, invoice_prefix, code FROM sites WHERE id <> ?',
      [site],
    );
    if (sites.some((s) => (s.invoice_prefix ?? s.code.toUpperCase()) === prefix))
      throw new ConflictError(
        {
          fr: `le préfixe ${prefix} est déjà celui d’un autre site`,
          en: `prefix ${prefix} is already another site's`,
        },
        'prefix',
      );
    await tx.run('UPDATE sites SET invoice_prefix = ? WHERE id = ?', [prefix, site]);
    return prefix;
  });
}
