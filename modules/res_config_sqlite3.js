/*** MODULEINFO
	<provides type="realtime">sqlite3</provides>
	<load_priority>realtime_driver</load_priority>
	<support_level>core</support_level>
	<description>SQLite 3 realtime config engine</description>
 ***/

// A realtime config driver. extconfig.conf's "extensions.conf => sqlite3,asterisk,ast_config"
// makes every module with config=extensions.conf (pbx_config) depend on realtime=sqlite3, which
// is how this module is loaded before the dialplan. The sample keeps its tables in memory.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  /** "database/table" -> rows */
  const tables = new Map();
  const key = (database, table) => `${database}/${table}`;
  ctx.register('realtime', 'sqlite3', {
    /** Rows of a table whose fields equal every given one. */
    load: (database, table, where = {}) =>
      (tables.get(key(database, table)) ?? []).filter((row) => Object.entries(where).every(([field, value]) => row[field] === value)),
    store: (database, table, row) => {
      const rows = tables.get(key(database, table)) ?? [];
      rows.push({ ...row });
      tables.set(key(database, table), rows);
      return rows.length;
    },
  });
}
