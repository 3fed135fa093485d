import type { Db } from '../store/store.js';

/**
 * Unbroken numbering (repair orders per site and year, invoices): a counter row per scope,
 * incremented by one upsert inside the caller's transaction. The number is taken and the document
 * written in the same transaction, so a rollback gives the number back and there is no gap; two
 * transactions cannot both read the same value — SQLite serialises writers, and on PostgreSQL the
 * second (SERIALIZABLE) transaction to touch the row fails and is run again on the committed value.
 * Never `COUNT(*) + 1`: two PostgreSQL transactions would count the same rows.
 */
export async function nextInSequence(tx: Db, scope: string): Promise<number> {
  const row = await tx.get<{ last: number }>(
    `INSERT INTO number_counters (scope, last) VALUES (?, 1)
     ON CONFLICT (scope) DO UPDATE SET last = number_counters.last + 1 RETURNING last`,
    [scope],
  );
  return row!.last;
}
