/**
 * `modules.conf` (SPEC 5): `[modules]` (autoload, require, preload, preload-require, load,
 * noload, neverload) and `[uses]` (admin-declared dependencies with `type=` switches).
 */
import { parseModuleName } from '../core/names.js';
import type { Origin, Policy, PolicyUse } from '../core/policy.js';
import type { ConfigFile } from '../core/types.js';
import { REF_NAME_PATTERN, REF_TYPE_PATTERN } from '../manifest/schema.js';
import { ConfError } from './conf-error.js';
import { bareExcerpt, excerpt } from './excerpt.js';

type Entry = ConfigFile['sections'][number]['entries'][number];

/** The part of the {@link Policy} that modules.conf decides. */
export type ModulesConfPolicy = Pick<Policy, 'autoload' | 'require' | 'preload' | 'load' | 'noload' | 'neverload' | 'uses' | 'warnings'>;

/** Values Asterisk's `ast_true`/`ast_false` accept, as far as this reader takes them. */
const TRUE_VALUES = new Set(['yes', 'true', 'y', 't', '1', 'on']);
const FALSE_VALUES = new Set(['no', 'false', 'n', 'f', '0', 'off']);


type ListKey = 'require' | 'preload' | 'load' | 'noload' | 'neverload';
const LIST_KEYS: Record<string, ListKey[]> = {
  require: ['require'],
  preload: ['preload'],
  'preload-require': ['preload', 'require'],
  load: ['load'],
  noload: ['noload'],
  neverload: ['neverload'],
};

/**
 * Reads a parsed modules.conf. Keys are matched case-insensitively, module names lose their
 * `.so`/`.js`/`.mjs`/`.cjs`; `[uses]` types and names follow the manifest's rules. A `load`,
 * `preload` or `require` of a module that is also `neverload` is kept and warned about on its
 * line (see {@link applyNeverload}). Never throws: every entry it cannot use becomes a
 * {@link ConfError} and is skipped.
 */
export function readModulesConf(file: ConfigFile): { policy: ModulesConfPolicy; errors: ConfError[] } {
  const policy: ModulesConfPolicy = { autoload: false, require: [], preload: [], load: [], noload: [], neverload: [], uses: [], warnings: [] };
  const errors: ConfError[] = [];
  for (const section of file.sections) {
    const kind = section.name.toLowerCase();
    if (kind === 'modules') readModulesSection(file.file, section.entries, policy, errors);
    else if (kind === 'uses') readUsesSection(file.file, section.entries, policy, errors);
    else errors.push(new ConfError('unknown_section', file.file, section.line, `[${bareExcerpt(section.name)}] is not a modules.conf section (expected [modules] or [uses])`));
  }
  applyNeverload(file.file, policy);
  return { policy, errors };
}

function readModulesSection(file: string, entries: Entry[], policy: ModulesConfPolicy, errors: ConfError[]): void {
  for (const entry of entries) {
    const key = entry.key.toLowerCase();
    if (key === 'autoload') {
      const value = entry.value.toLowerCase();
      if (TRUE_VALUES.has(value)) policy.autoload = true;
      else if (FALSE_VALUES.has(value)) policy.autoload = false;
      else errors.push(new ConfError('invalid_value', file, entry.line, `autoload=${excerpt(entry.value)} is not yes or no`));
      continue;
    }
    const lists = LIST_KEYS[key];
    if (!lists) {
      errors.push(new ConfError('unknown_key', file, entry.line, `${excerpt(entry.key)} is not a [modules] key (autoload, require, preload, preload-require, load, noload, neverload)`));
      continue;
    }
    const name = parseModuleName(entry.value);
    if (name === undefined) {
      errors.push(new ConfError('invalid_module_name', file, entry.line, `${entry.key}=: ${excerpt(entry.value)} is not a module name`));
      continue;
    }
    for (const list of lists) policy[list].push({ name, file, line: entry.line });
  }
}

function readUsesSection(file: string, entries: Entry[], policy: ModulesConfPolicy, errors: ConfError[]): void {
  /** The current `type=`; null after an invalid switch, until the next valid one. */
  let type: string | null = 'module';
  for (const entry of entries) {
    if (entry.key.toLowerCase() === 'type') {
      const value = entry.value.toLowerCase();
      type = REF_TYPE_PATTERN.test(value) ? value : null;
      if (type === null) errors.push(new ConfError('invalid_type', file, entry.line, `type=${excerpt(entry.value)} is not a type; the lines up to the next type= are skipped`));
      continue;
    }
    if (type === null) continue;
    const module = parseModuleName(entry.key);
    if (module === undefined) {
      errors.push(new ConfError('invalid_module_name', file, entry.line, `${excerpt(entry.key)} (the dependent) is not a module name`));
      continue;
    }
    const name = type === 'module' ? parseModuleName(entry.value) : REF_NAME_PATTERN.test(entry.value) ? entry.value : undefined;
    if (name === undefined) {
      const code = type === 'module' ? 'invalid_module_name' : 'invalid_name';
      errors.push(new ConfError(code, file, entry.line, `${entry.key}=: ${excerpt(entry.value)} is not a valid ${type} name`));
      continue;
    }
    const use: PolicyUse = { module, type, name, file, line: entry.line };
    policy.uses.push(use);
  }
}

/**
 * SPEC 5: neverload beats load. Every `load`, `preload` or `require` of a banned module gets a
 * warning on its line; the entries stay in the policy, so that the loader can refuse each one
 * where it happens (a `neverload_refused` event for load/preload, a failed startup for require).
 */
function applyNeverload(file: string, policy: ModulesConfPolicy): void {
  const banned = new Map<string, Origin>();
  for (const entry of policy.neverload) if (!banned.has(entry.name)) banned.set(entry.name, entry);
  const lists = [
    ['preload', policy.preload, 'is ignored'],
    ['load', policy.load, 'is ignored'],
    ['require', policy.require, 'will fail startup'],
  ] as const;
  for (const [key, list, outcome] of lists) {
    for (const entry of list) {
      const ban = banned.get(entry.name);
      if (!ban) continue;
      policy.warnings.push({ file, line: entry.line, message: `${key}=${entry.name} ${outcome}: neverload=${entry.name} (${ban.file}:${ban.line}) beats it` });
    }
  }
  policy.warnings.sort((a, b) => a.line - b.line);
}
