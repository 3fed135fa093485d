/**
 * Classes of apprentices and the scenarios assigned to them (or to single apprentices) with a due
 * date; when each assignment was started and finished.
 */
import type { Db, Store } from '../store/store.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { getScenario } from './scenarios.js';
import type { User } from './users.js';

/**
 * Makes a class and its members in one transaction: an unknown or inactive member, or a name
 * already taken, refuses the whole class (400 or 409 naming the field) and nothing is created.
 */
export async function createClass(
  store: Store,
  site: number,
  name: string,
  memberIds: number[],
  now: number,
): Promise<{ id: number }> {
  const n = name.trim();
  if (!n)
    throw new ValidationError({ fr: 'la classe a besoin d’un nom', en: 'the class needs a name' }, 'name');
  const members = [...new Set(memberIds)];
  return store.transaction(async (tx) => {
    if (await tx.get('SELECT id FROM classes WHERE name = ? AND site_id = ?', [n, site]))
      throw new ConflictError(
        { fr: `une classe « ${n} » existe déjà`, en: `a class '${n}' already exists` },
        'name',
      );
    // A class gathers the site's active apprentices: anyone else (unknown, inactive, another role,
    // another site's) refuses the whole class.
    const apprentices = new Set((await listApprentices(tx, site)).map((a) => a.id));
    for (const u of members)
      if (!apprentices.has(u))
        throw new ValidationError(
          {
            fr: `membre inconnu ou inactif, ou pas apprenti de ce site : utilisateur ${u} — rien n’a été créé`,
            en: `unknown or inactive member, or not an apprentice of this site: user ${u} — nothing was created`,
          },
          'userIds',
        );
    const c = (await tx.get<{ id: number }>(
      'INSERT INTO classes (site_id, name, created_at) VALUES (?, ?, ?) RETURNING id',
      [site, n, now],
    ))!;
    for (const u of members)
      await tx.run('INSERT INTO class_members (class_id, user_id) VALUES (?, ?)', [c.id, u]);
    return c;
  });
}

export async function listClasses(
  db: Db,
  site: number,
): Promise<{ id: number; name: string; members: { id: number; name: string }[] }[]> {
  const classes = await db.all<{ id: number; name: string }>(
    'SELECT id, name FROM classes WHERE site_id = ? ORDER BY name',
    [site],
  );
  const out = [];
  for (const c of classes)
    out.push({
      ...c,
      members: await db.all<{ id: number; name: string }>(
        'SELECT u.id, u.name FROM class_members m JOIN users u ON u.id = m.user_id WHERE m.class_id = ? ORDER BY u.name',
        [c.id],
      ),
    });
  return out;
}

/** The apprentices of `site`. */
export async function listApprentices(db: Db, site: number): Promise<{ id: number; name: string }[]> {
  return db.all(
    `SELECT u.id, u.name FROM users u JOIN site_members m ON m.user_id = u.id
     WHERE m.site_id = ? AND m.role = 'apprentice' AND u.active = 1 ORDER BY u.name`,
    [site],
  );
}

/** Assigns a scenario to apprentices and/or every member of a class; an existing assignment keeps its progress. */
export async function assignScenario(
  store: Store,
  input: {
    scenarioId: number;
    userIds: number[];
    classId?: number | null;
    dueOn: string;
    /** Whether the apprentice sees the causes' probabilities (true by default). */
    showProbabilities?: boolean;
  },
  by: User,
  now: number,
): Promise<number> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueOn) || Number.isNaN(Date.parse(input.dueOn)))
    throw new ValidationError(
      { fr: 'date limite attendue (AAAA-MM-JJ)', en: 'due date expected (YYYY-MM-DD)' },
      'dueOn',
    );
  await getScenario(store, by.site_id, input.scenarioId);
  return store.transaction(async (tx) => {
    const ids = new Set(input.userIds);
    if (input.classId)
      for (const m of await tx.all<{ user_id: number }>(
        'SELECT m.user_id FROM class_members m JOIN classes c ON c.id = m.class_id WHERE m.class_id = ? AND c.site_id = ?',
        [input.classId, by.site_id],
      ))
        ids.add(m.user_id);
    if (!ids.size)
      throw new ValidationError(
        { fr: 'choisissez des apprentis ou une classe', en: 'choose apprentices or a class' },
        'userIds',
      );
    let n = 0;
    for (const u of ids) {
      const role = await tx.get<{ role: string }>(
        'SELECT role FROM site_members WHERE user_id = ? AND site_id = ?',
        [u, by.site_id],
      );
      if (!role) throw new NotFoundError({ fr: 'Utilisateur', en: 'User' }, u);
      const existing = await tx.get<{ id: number }>(
        'SELECT id FROM training_assignments WHERE scenario_id = ? AND user_id = ?',
        [input.scenarioId, u],
      );
      const show = input.showProbabilities === false ? 0 : 1;
      if (existing)
        await tx.run('UPDATE training_assignments SET due_on = ?, show_probabilities = ? WHERE id = ?', [
          input.dueOn,
          show,
          existing.id,
        ]);
      else
        await tx.run(
          'INSERT INTO training_assignments (scenario_id, user_id, class_id, due_on, assigned_by, assigned_at, show_probabilities) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [input.scenarioId, u, input.classId ?? null, input.dueOn, by.id, now, show],
        );
      n++;
    }
    return n;
  });
}

export interface AssignmentRow {
  id: number;
  scenario_id: number;
  title: string;
  user_id: number;
  user_name: string;
  class_id: number | null;
  class_name: string | null;
  due_on: string;
  started_at: number | null;
  finished_at: number | null;
  session_id: number | null;
  /** 1: the apprentice sees the causes' probabilities; 0: the instructor hid them. */
  show_probabilities: number;
}

const ASSIGNMENTS_SQL = `SELECT a.id, a.scenario_id, s.title, a.user_id, u.name AS user_name, a.class_id, c.name AS class_name, a.due_on,
  a.started_at, a.finished_at, a.show_probabilities, (SELECT MAX(d.id) FROM diag_sessions d WHERE d.assignment_id = a.id) AS session_id
  FROM training_assignments a JOIN training_scenarios s ON s.id = a.scenario_id JOIN users u ON u.id = a.user_id LEFT JOIN classes c ON c.id = a.class_id`;

export async function assignmentsOf(
  db: Db,
  site: number,
  filter: { userId?: number; scenarioId?: number; classId?: number } = {},
): Promise<AssignmentRow[]> {
  const where: string[] = ['s.site_id = ?'];
  const params: number[] = [site];
  if (filter.userId) where.push('a.user_id = ?') && params.push(filter.userId);
  if (filter.scenarioId) where.push('a.scenario_id = ?') && params.push(filter.scenarioId);
  if (filter.classId) where.push('a.class_id = ?') && params.push(filter.classId);
  return db.all<AssignmentRow>(
    `${ASSIGNMENTS_SQL} WHERE ${where.join(' AND ')} ORDER BY a.due_on, u.name`,
    params,
  );
}

/** An assignment of a scenario of `site`: another site's is not found. */
export async function getAssignment(db: Db, site: number, id: number): Promise<AssignmentRow> {
  const a = await db.get<AssignmentRow>(`${ASSIGNMENTS_SQL} WHERE a.id = ? AND s.site_id = ?`, [id, site]);
  if (!a) throw new NotFoundError({ fr: 'Affectation', en: 'Assignment' }, id);
  return a;
}

export async function markStarted(db: Db, assignmentId: number, now: number): Promise<void> {
  await db.run('UPDATE training_assignments SET started_at = COALESCE(started_at, ?) WHERE id = ?', [
    now,
    assignmentId,
  ]);
}

export async function markFinished(db: Db, assignmentId: number, now: number): Promise<void> {
  await db.run('UPDATE training_assignments SET finished_at = COALESCE(finished_at, ?) WHERE id = ?', [
    now,
    assignmentId,
  ]);
}
