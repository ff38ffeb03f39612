/**
 * The fast way to read a manifest: one walk over its lines, checking SPEC 3's rules as it
 * goes, for the manifests a scan meets almost always (written by `modloader manifest
 * generate` or by hand in the same plain form). It answers the {@link Manifest} only when
 * the text is plain and valid; for anything else, null, and {@link parseManifest} reads the
 * text the thorough way (`ini`, a line scan, the zod schema), which reports every problem
 * with its line. So results and errors are exactly those of the thorough reader; a property
 * test holds the two to that.
 *
 * Plain means: lines end in `\n` or `\r\n`; blank lines and `;`/`#` comments; `[module]`,
 * `[uses]`, `[canuse]`, `[provides]` headers as they are written; `key=value` lines with a
 * lower-case key, blanks (spaces, tabs) around key and value allowed, the value either
 * without `; # \ " '` or a JSON string in double quotes (as the writer quotes). No repeated
 * single-valued key, no repeated `type=name`, nothing outside the rules.
 */
import { LOAD_PRIORITIES, SUPPORT_LEVELS, type LoadPriority, type Manifest, type ProvidedRef, type Ref, type SupportLevel } from '../core/manifest.js';
import { MODULE_NAME_PATTERN } from '../core/names.js';
import { CHECKSUM_PATTERN, CONFIG_FILE_PATTERN, DESCRIPTION_PATTERN, REF_NAME_PATTERN } from './schema.js';

type Section = 'module' | 'uses' | 'canuse' | 'provides';

const SECTIONS: ReadonlyArray<{ name: Section; header: string }> = (['module', 'uses', 'canuse', 'provides'] as const).map((name) => ({
  name,
  header: `[${name}]`,
}));
const PROVIDED = /^([^:]*)(?::(-?\d{1,9}))?$/;
const LONE_CR = /\r(?!\n)/;
const MODULE_KEYS = new Set(['name', 'checksum', 'support_level', 'load_priority', 'export_globals', 'description']);
const SUPPORT = new Set<string>(SUPPORT_LEVELS);
const PRIORITY = new Set<string>(LOAD_PRIORITIES);

/**
 * The manifest in `text`, when the text is plain and every rule holds (`file` as for
 * `parseManifest`: a `.manifest` file's base name must be the module's name); otherwise null.
 */
export function readManifestFast(text: string, file: string): Manifest | null {
  // The thorough reader also ends lines at a lone \r.
  if (text.includes('\r') && LONE_CR.test(text)) return null;
  let section: Section | null = null;
  const module: ModuleKeys = { name: undefined, checksum: undefined, support_level: undefined, load_priority: undefined, export_globals: undefined, description: undefined };
  const config: string[] = [];
  const uses: Ref[] = [];
  const canuse: Ref[] = [];
  const provides: ProvidedRef[] = [];

  // One line at a time, by index: [lineStart, end) without its line break.
  for (let lineStart = 0; lineStart <= text.length; ) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > lineStart && text.charCodeAt(end - 1) === 0x0d) end -= 1;
    let at = lineStart;
    while (at < end && isBlank(text.charCodeAt(at))) at += 1;
    const first = at < end ? text.charCodeAt(at) : -1;
    const atLineStart = at === lineStart;
    lineStart = next;
    if (first === -1 || first === 0x3b || first === 0x23) continue; // blank, or a ; # comment
    if (first === 0x5b) {
      section = atLineStart ? sectionAt(text, at, end) : null;
      if (section === null) return null;
      continue;
    }
    if (section === null) return null;

    // key = value: a lower-case key, blanks around both.
    let keyEnd = at;
    while (keyEnd < end && isKeyChar(text.charCodeAt(keyEnd))) keyEnd += 1;
    let eq = keyEnd;
    while (eq < end && isBlank(text.charCodeAt(eq))) eq += 1;
    if (eq === end || text.charCodeAt(eq) !== 0x3d) return null;
    let from = eq + 1;
    let to = end;
    while (from < to && isBlank(text.charCodeAt(from))) from += 1;
    while (to > from && isBlank(text.charCodeAt(to - 1))) to -= 1;
    const value = valueAt(text, from, to);
    // The key's characters are checked above; REF_TYPE_PATTERN also wants a letter first.
    if (value === null || keyEnd === at || !isLetter(first)) return null;
    const key = text.slice(at, keyEnd);

    if (section === 'module') {
      if (key === 'config') {
        if (!CONFIG_FILE_PATTERN.test(value)) return null;
        config.push(value);
      } else {
        if (!MODULE_KEYS.has(key) || module[key as keyof ModuleKeys] !== undefined) return null;
        module[key as keyof ModuleKeys] = value;
      }
      continue;
    }
    if (section === 'provides') {
      const parts = PROVIDED.exec(value);
      const name = parts?.[1];
      if (name === undefined || !REF_NAME_PATTERN.test(name)) return null;
      if (listed(provides, key, name)) return null;
      provides.push({ type: key, name, priority: parts![2] === undefined ? 0 : Number(parts![2]) });
      continue;
    }
    if (!REF_NAME_PATTERN.test(value) || (key === 'module' && !MODULE_NAME_PATTERN.test(value))) return null;
    const refs = section === 'uses' ? uses : canuse;
    if (listed(refs, key, value)) return null;
    refs.push({ type: key, name: value });
  }

  return manifestOf(module, config, uses, canuse, provides, file);
}

/** The single-valued [module] keys as read. */
interface ModuleKeys {
  name: string | undefined;
  checksum: string | undefined;
  support_level: string | undefined;
  load_priority: string | undefined;
  export_globals: string | undefined;
  description: string | undefined;
}

/** The [module] keys checked and put in the order the schema gives them. */
function manifestOf(module: ModuleKeys, config: string[], uses: Ref[], canuse: Ref[], provides: ProvidedRef[], file: string): Manifest | null {
  const { name, checksum, support_level: support, load_priority: priority, export_globals: globals, description } = module;
  if (name === undefined || !MODULE_NAME_PATTERN.test(name)) return null;
  if (checksum === undefined || !CHECKSUM_PATTERN.test(checksum)) return null;
  if (support !== undefined && !SUPPORT.has(support)) return null;
  if (priority !== undefined && !PRIORITY.has(priority)) return null;
  if (globals !== undefined && globals !== 'yes' && globals !== 'no') return null;
  if (description !== undefined && (description.length > 512 || !DESCRIPTION_PATTERN.test(description))) return null;
  // basename(file, '.manifest') must be the name (a module name has no "/").
  if (file.endsWith('.manifest') && file !== `${name}.manifest` && !file.endsWith(`/${name}.manifest`)) return null;
  // The schema's key order, optional keys only when present (as zod answers them).
  const manifest: Partial<Manifest> = { name, checksum: checksum.toLowerCase() };
  if (support !== undefined) manifest.support_level = support as SupportLevel;
  if (priority !== undefined) manifest.load_priority = priority as LoadPriority;
  manifest.export_globals = globals === 'yes';
  manifest.config = config;
  if (description !== undefined) manifest.description = description;
  manifest.uses = uses;
  manifest.canuse = canuse;
  manifest.provides = provides;
  return manifest as Manifest;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function isLetter(code: number): boolean {
  return code >= 0x61 && code <= 0x7a;
}

/** Letters a-z, digits, "_": what a key may be made of (REF_TYPE_PATTERN has the rule). */
function isKeyChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x5f;
}

/** The section a header line names, when it is one of the four as written (blanks after). */
function sectionAt(text: string, at: number, end: number): Section | null {
  for (const section of SECTIONS) {
    if (!text.startsWith(section.header, at)) continue;
    for (let i = at + section.header.length; i < end; i += 1) if (!isBlank(text.charCodeAt(i))) return null;
    return section.name;
  }
  return null;
}

/** Whitespace as the thorough reader's `trim()` and `\s` see it. */
function isSpace(code: number): boolean {
  return code < 0x80 ? code === 0x20 || (code >= 0x09 && code <= 0x0d) : /\s/.test(String.fromCharCode(code));
}

/**
 * The value in `text[from, to)` (blanks trimmed) as the thorough reader decodes it, or null
 * when it might decode it otherwise: plain (no `; # \`, no quote or whitespace at either end)
 * or a JSON string in double quotes.
 */
function valueAt(text: string, from: number, to: number): string | null {
  if (from === to) return null;
  const first = text.charCodeAt(from);
  const last = text.charCodeAt(to - 1);
  if (first === 0x22 && last === 0x22 && to - from >= 2) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(text.slice(from, to));
    } catch {
      return null;
    }
    return typeof decoded === 'string' ? decoded : null;
  }
  if (isQuote(first) || isQuote(last) || isSpace(first) || isSpace(last)) return null;
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x3b || code === 0x23 || code === 0x5c) return null; // ; # \
  }
  return text.slice(from, to);
}

function isQuote(code: number): boolean {
  return code === 0x22 || code === 0x27;
}

/** `type=name` is listed already (a section has a handful of lines: a scan beats a set). */
function listed(refs: readonly Ref[], type: string, name: string): boolean {
  for (const ref of refs) if (ref.name === name && ref.type === type) return true;
  return false;
}
