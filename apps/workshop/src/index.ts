export {
  type AppOptions,
  AREA_PLUGINS,
  type AreaPlugin,
  buildApp,
  RouteAccessError,
  type RouteDeclaration,
} from './app.js';
export { type Lang, type Text, tr } from './i18n.js';
export { DEMO_PASSWORD, type DemoData, seedDemo } from './seed.js';
export { type RunningServer, type ServeOptions, startServer } from './server.js';
export * from './services/clocking.js';
export * from './services/customers.js';
export * from './services/domain.js';
export * from './services/errors.js';
export * from './services/habilitations.js';
export { computeKpis, type KpiPeriod, type Kpis } from './services/kpi.js';
export * from './services/orders.js';
export { DEFAULT_SETTINGS, getSettings, type Settings, updateSettings } from './services/settings.js';
export { authenticate, createUser, getUser, listUsers, type User } from './services/users.js';
export { type DecodedVin, decodeVinForWorkshop } from './services/vin.js';
export { type Migration, migrationSql, migrations, postgresDdl } from './store/migrations.js';
export { type MoveOptions, MoveRefused, type MoveReport, moveToGroup } from './store/move-to-group.js';
export { isPostgresUrl, openStore } from './store/open.js';
export { findPgProgram } from './store/pg-tools.js';
export { openPostgresStore, PostgresStore, redact } from './store/postgres-store.js';
export { openSqliteStore, SqliteStore } from './store/sqlite-store.js';
export { type Db, type RunResult, type SqlValue, type Store, StoreError } from './store/store.js';
export { escapeHtml, Html, html, raw } from './web/html.js';
export { type Access, LANG_COOKIE, SESSION_COOKIE, type WallClock, type WorkshopDeps } from './web/types.js';
