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
  name: string,
  memberIds: number[],
  now: number,
): Promise<{ id: number }> {
  const n = name.trim();
  if (!n)
    throw new ValidationError({ fr: 'la classe a besoin d’un nom', en: 'the class needs a name' }, 'name');
  const members = [...new Set(memberIds)];
  return store.transaction(async (tx) => {
    if (await tx.get('SELECT id FROM classes WHERE name = ?', [n]))
      throw new ConflictError(
        { fr: `une classe « ${n} » existe déjà`, en: `a class '${n}' already exists` },
        'name',
      );
    for (const u of members)
      if (!(await tx.get('SELECT id FROM users WHERE id = ? AND active = 1', [u])))
        throw new ValidationError(
          {
            fr: `membre inconnu ou inactif : utilisateur ${u} — rien n’a été créé`,
            en: `unknown or inactive member: user ${u} — nothing was created`,
          },
          'userIds',
        );
    const c = (await tx.get<{ id: number }>(
      'INSERT INTO classes (name, created_at) VALUES (?, ?) RETURNING id',
      [n, now],
    ))!;
    for (const u of members)
      await tx.run('INSERT INTO class_members (class_id, user_id) VALUES (?, ?)', [c.id, u]);
    return c;
  });
}

export async function listClasses(
  db: Db,
): Promise<{ id: number; name: string; members: { id: number; name: string }[] }[]> {
  const classes = await db.all<{ id: number; name: string }>('SELECT id, name FROM classes ORDER BY name');
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

export async function listApprentices(db: Db): Promise<{ id: number; name: string }[]> {
  return db.all("SELECT id, name FROM users WHERE role = 'apprentice' AND active = 1 ORDER BY name");
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
  await getScenario(store, input.scenarioId);
  return store.transaction(async (tx) => {
    const ids = new Set(input.userIds);
    if (input.classId)
      for (const m of await tx.all<{ user_id: number }>(
        'SELECT user_id FROM class_members WHERE class_id = ?',
        [input.classId],
      ))
        ids.add(m.user_id);
    if (!ids.size)
      throw new ValidationError(
        { fr: 'choisissez des apprentis ou une classe', en: 'choose apprentices or a class' },
        'userIds',
      );
    let n = 0;
    for (const u of ids) {
      const role = await tx.get<{ role: string }>('SELECT role FROM users WHERE id = ?', [u]);
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
  filter: { userId?: number; scenarioId?: number; classId?: number } = {},
): Promise<AssignmentRow[]> {
  const where: string[] = [];
  const params: number[] = [];
  if (filter.userId) where.push('a.user_id = ?') && params.push(filter.userId);
  if (filter.scenarioId) where.push('a.scenario_id = ?') && params.push(filter.scenarioId);
  if (filter.classId) where.push('a.class_id = ?') && params.push(filter.classId);
  return db.all<AssignmentRow>(
    `${ASSIGNMENTS_SQL}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.due_on, u.name`,
    params,
  );
}

export async function getAssignment(db: Db, id: number): Promise<AssignmentRow> {
  const a = await db.get<AssignmentRow>(`${ASSIGNMENTS_SQL} WHERE a.id = ?`, [id]);
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
