/**
 * Manifest text to {@link Manifest} (SPEC 3). A plain, valid manifest is read in one pass
 * (single-pass.ts). Anything else is read thoroughly: the `ini` package decodes the values
 * (repeated keys become lists); a line scan ties each value to its line and catches what
 * `ini` would quietly drop; {@link manifestSchema} checks the rules. Every problem is reported,
 * one each, with file, section, key and line wherever they are known.
 */
import { basename } from 'node:path';
import { decode } from 'ini';
import { bareExcerpt, excerpt, nameOrUndefined } from '../conf/excerpt.js';
import type { Manifest } from '../core/manifest.js';
import { scanIniLines } from './ini-lines.js';
import type { ManifestProblem } from './problem.js';
import { manifestSchema, REF_TYPE_PATTERN } from './schema.js';
import { readManifestFast } from './single-pass.js';

export type ParseResult = { ok: true; manifest: Manifest } | { ok: false; errors: ManifestProblem[] };

export const MODULE_KEYS = ['name', 'checksum', 'support_level', 'load_priority', 'export_globals', 'config', 'description'] as const;
export const REF_SECTIONS = ['uses', 'canuse', 'provides'] as const;
type RefSection = (typeof REF_SECTIONS)[number];
const SECTIONS = new Set<string>(['module', ...REF_SECTIONS]);
const MODULE_KEY_SET = new Set<string>(MODULE_KEYS);
const REPEATABLE = new Set<string>(['config']);

/** One `key=value` line that made it through the structural checks. */
interface Entry {
  section: string;
  key: string;
  line: number;
  value: string;
}

/**
 * Parses and validates one manifest. `file` names the input in problems; when it ends in
 * `.manifest`, `name` must equal its base name. Never throws on any input text.
 */
export function parseManifest(text: string, file: string): ParseResult {
  const manifest = readManifestFast(text, file);
  return manifest ? { ok: true, manifest } : parseManifestThoroughly(text, file);
}

/**
 * {@link parseManifest} without the single-pass reader: `ini`, the line scan and the zod
 * schema. The single-pass reader answers the same for every text it accepts.
 */
export function parseManifestThoroughly(text: string, file: string): ParseResult {
  const problems: ManifestProblem[] = [];
  const problem = (p: Omit<ManifestProblem, 'file'>): void => void problems.push({ file, ...p });

  const { entries, moduleLine } = readEntries(text, problem);
  const { record, lineOf, typeOf } = buildRecord(entries, problem);

  findDuplicates(entries, problem);

  const parsed = manifestSchema.safeParse(record);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (isDuplicate(issue)) continue; // found above, with its line, even when other checks fail
      const [field, index] = issue.path;
      const isRef = (REF_SECTIONS as readonly unknown[]).includes(field);
      const at = typeof index === 'number' ? `${String(field)}.${index}` : String(field);
      const missing = !isRef && record[String(field)] === undefined;
      problem({
        section: isRef ? String(field) : 'module',
        key: isRef ? typeOf.get(at) : String(field),
        line: missing ? moduleLine : lineOf.get(at),
        code: missing ? 'missing_key' : 'invalid_value',
        message: missing ? 'is required' : withValue(issue.message, at, record),
      });
    }
  }

  const expected = file.endsWith('.manifest') ? basename(file, '.manifest') : undefined;
  if (expected !== undefined && typeof record.name === 'string' && record.name !== expected) {
    problem({
      section: 'module',
      key: 'name',
      line: lineOf.get('name'),
      code: 'name_mismatch',
      message: `${excerpt(record.name)} differs from the file's base name '${expected}'`,
    });
  }

  if (problems.length > 0 || !parsed.success) return { ok: false, errors: problems.sort(byLine) };
  return { ok: true, manifest: parsed.data };
}

/** Structural pass: sections, keys and lines, with values from `ini.decode`. */
function readEntries(
  text: string,
  problem: (p: Omit<ManifestProblem, 'file'>) => void,
): { entries: Entry[]; moduleLine: number | undefined } {
  const decoded = decode(text, { bracketedArray: false }) as Record<string, unknown>;
  const lines = scanIniLines(text);
  let moduleLine: number | undefined;
  // Every entry `ini` saw, grouped per section and key, so the n-th value meets the n-th line.
  const groups = new Map<string, Array<{ line: number; keep: boolean }>>();

  for (const l of lines) {
    if (l.kind === 'section') {
      if (!SECTIONS.has(l.name)) {
        problem({ section: nameOrUndefined(l.name), line: l.line, code: 'unknown_section', message: `unknown section [${bareExcerpt(l.name)}]` });
      } else if (l.name === 'module') moduleLine ??= l.line;
      continue;
    }
    if (l.kind === 'invalid') {
      problem({ section: l.section ?? undefined, line: l.line, code: 'syntax', message: 'expected [section] or key=value' });
      continue;
    }
    if (l.section === null) {
      problem({ key: nameOrUndefined(l.key), line: l.line, code: 'syntax', message: 'key=value before any [section]' });
      continue;
    }
    if (!SECTIONS.has(l.section)) continue; // reported once, at its header
    const group = `${l.section}\u0000${l.key}`;
    let list = groups.get(group);
    if (!list) groups.set(group, (list = []));
    let keep = l.hasValue;
    if (!l.hasValue) {
      problem({ section: l.section, key: nameOrUndefined(l.key), line: l.line, code: 'syntax', message: 'expected key=value' });
    } else if (l.section === 'module' && !MODULE_KEY_SET.has(l.key)) {
      problem({ section: l.section, key: nameOrUndefined(l.key), line: l.line, code: 'unknown_key', message: `unknown key ${excerpt(l.key)}` });
      keep = false;
    } else if (l.section !== 'module' && !REF_TYPE_PATTERN.test(l.key)) {
      problem({
        section: l.section,
        key: nameOrUndefined(l.key),
        line: l.line,
        code: 'invalid_value',
        message: `type ${excerpt(l.key)} must be lower case: a letter, then letters, digits or "_"`,
      });
      keep = false;
    }
    list.push({ line: l.line, keep });
  }

  const entries: Entry[] = [];
  for (const [group, list] of groups) {
    const [section = '', key = ''] = group.split('\u0000');
    if (!list.some((e) => e.keep)) continue;
    const raw = (decoded[section] as Record<string, unknown> | undefined)?.[key];
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length !== list.length || values.some((v) => !isScalar(v))) {
      // Only nested `[a.b]` sections (reported above) can make `ini` reshape a key like this.
      problem({ section, key, line: list[0]?.line, code: 'syntax', message: 'could not be read (see the other errors)' });
      continue;
    }
    list.forEach((e, i) => {
      if (e.keep) entries.push({ section, key, line: e.line, value: String(values[i]) });
    });
  }
  entries.sort((a, b) => a.line - b.line);
  return { entries, moduleLine };
}

/** `ini` turns `true`, `false` and `null` into JSON values; `String()` gives the text back. */
function isScalar(v: unknown): v is string | boolean | null {
  return typeof v === 'string' || typeof v === 'boolean' || v === null;
}

/** The flat record the schema checks, and where each part of it came from. */
function buildRecord(
  entries: Entry[],
  problem: (p: Omit<ManifestProblem, 'file'>) => void,
): { record: Record<string, unknown>; lineOf: Map<string, number>; typeOf: Map<string, string> } {
  const record: Record<string, unknown> = {};
  const lineOf = new Map<string, number>();
  const typeOf = new Map<string, string>();
  const lists: Record<string, unknown[]> = { config: [], uses: [], canuse: [], provides: [] };

  for (const e of entries) {
    if (e.section === 'module') {
      if (REPEATABLE.has(e.key)) {
        lineOf.set(`${e.key}.${lists[e.key]!.length}`, e.line);
        lists[e.key]!.push(e.value);
      } else if (record[e.key] !== undefined) {
        problem({ section: 'module', key: e.key, line: e.line, code: 'repeated_key', message: `given more than once (first on line ${lineOf.get(e.key)})` });
      } else {
        record[e.key] = e.value;
        lineOf.set(e.key, e.line);
      }
      continue;
    }
    const list = lists[e.section as RefSection]!;
    lineOf.set(`${e.section}.${list.length}`, e.line);
    typeOf.set(`${e.section}.${list.length}`, e.key);
    list.push({ type: e.key, name: e.value });
  }
  for (const [key, list] of Object.entries(lists)) if (list.length > 0) record[key] = list;
  return { record, lineOf, typeOf };
}

/** Each `type=name` listed again in the same section (a provider's `:N` priority aside). */
function findDuplicates(entries: Entry[], problem: (p: Omit<ManifestProblem, 'file'>) => void): void {
  const first = new Map<string, number>();
  for (const e of entries) {
    if (e.section === 'module') continue;
    const name = e.section === 'provides' ? e.value.replace(/:-?\d+$/, '') : e.value;
    const key = `${e.section}\u0000${e.key}=${name}`;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, e.line);
    else {
      problem({
        section: e.section,
        key: e.key,
        line: e.line,
        code: 'duplicate_entry',
        message: `${excerpt(`${e.key}=${name}`)} is already listed on line ${seen}`,
      });
    }
  }
}

function byLine(a: ManifestProblem, b: ManifestProblem): number {
  return (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER);
}

function isDuplicate(issue: { code: string; params?: unknown }): boolean {
  return (
    issue.code === 'custom' &&
    typeof issue.params === 'object' &&
    issue.params !== null &&
    (issue.params as { problem?: unknown }).problem === 'duplicate_entry'
  );
}

/** The schema's message, with the offending value shown when it looks like a name (see excerpt). */
function withValue(message: string, at: string, record: Record<string, unknown>): string {
  const [field, index] = at.split('.');
  const value = index === undefined ? record[field ?? ''] : (record[field ?? ''] as unknown[] | undefined)?.[Number(index)];
  if (typeof value === 'string') return `${excerpt(value)} ${message}`;
  if (value && typeof value === 'object' && 'name' in value) return `${excerpt(String((value as { name: unknown }).name))}: ${message}`;
  return message;
}
