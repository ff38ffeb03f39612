/**
 * The Asterisk config dialect (SPEC 5): `[section]` headers, `key=value` and `key => value`
 * entries, `;` comments (`\;` for a literal semicolon, `;--` … `--;` block comments), repeated
 * keys kept in order, blank lines, CRLF or LF line ends.
 *
 * Section templates work as in Asterisk: `[name](!)` defines a template (not itself a section
 * of the result), `[name](a,b)` starts a section with copies of the entries of the earlier
 * sections or templates `a` and `b` (keeping their line numbers), `(!,a)` does both, and
 * `[name](+)` appends to the latest section of that name. `#include`, `#tryinclude` and
 * `#exec` are refused: a config file never reaches outside itself.
 */
import type { ConfigFile } from '../core/types.js';
import { ConfError } from './conf-error.js';
import { bareExcerpt, excerpt } from './excerpt.js';
import { stripComment } from './strip-comment.js';

export { ConfError } from './conf-error.js';

type Section = ConfigFile['sections'][number];

/** How deep templates may inherit from templates: `[t2](!,t1)` over `[t1](!,t0)` is 2. */
export const MAX_TEMPLATE_DEPTH = 32;

/**
 * How many entries one file may copy from templates in all. Bounds what a small file can
 * expand to: a doubling chain (`[tN](!,tN-1,tN-1)`) or many sections inheriting a wide
 * template would otherwise take the service's memory and time.
 */
export const MAX_INHERITED_ENTRIES = 250_000;

/** What a file's template inheritance has used so far. */
interface Inheritance {
  /** Every section and template by name, latest definition wins (templates are looked up here). */
  byName: Map<string, Section>;
  depth: WeakMap<Section, number>;
  copied: number;
}

/** `[name]` then optionally `(options)`, with nothing else on the line. */
const SECTION_HEADER = /^\[([^[\]]*)\]\s*(?:\(([^()]*)\))?$/;

/**
 * Parses the text of config file `file` (the name is only used in errors and the result).
 * O(length of the text + entries copied from templates, at most {@link MAX_INHERITED_ENTRIES}).
 * Throws {@link ConfError} at the first line that breaks the dialect, naming `file` and the
 * line; `template_too_deep` and `template_too_large` when inheritance passes its bounds.
 */
export function parseConf(text: string, file: string): ConfigFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const sections: Section[] = [];
  const inheritance: Inheritance = { byName: new Map(), depth: new WeakMap(), copied: 0 };
  let current: Section | null = null;
  let depth = 0;
  let blockStart = 0;

  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const before = depth;
    const stripped = stripComment(raw, depth);
    if (before === 0 && stripped.depth > 0) blockStart = line;
    depth = stripped.depth;
    const content = stripped.content.trim();
    if (content === '') continue;

    if (content.startsWith('#')) {
      const directive = /^#\s*([A-Za-z]*)/.exec(content)?.[1] ?? '';
      throw new ConfError('directive_refused', file, line, `#${excerpt(directive)} is not supported: a config file cannot include or run anything`);
    }
    if (content.startsWith('[')) {
      current = openSection(content, file, line, sections, inheritance);
      continue;
    }
    if (current === null) throw new ConfError('entry_outside_section', file, line);
    current.entries.push(parseEntry(content, file, line));
  }

  if (depth > 0) {
    throw new ConfError('unterminated_comment', file, blockStart, 'the ;-- block comment opened here is never closed with --;');
  }
  return { file, sections };
}

/** Parses one entry line (comments already removed, trimmed, not empty). */
function parseEntry(content: string, file: string, line: number): Section['entries'][number] {
  const equals = content.indexOf('=');
  if (equals < 0) {
    throw new ConfError('malformed_line', file, line, 'the line is neither a [section] header nor a key=value entry');
  }
  const key = content.slice(0, equals).trim();
  if (key === '') throw new ConfError('empty_key', file, line);
  const arrow = content[equals + 1] === '>';
  const value = content.slice(equals + (arrow ? 2 : 1)).trim();
  return { key, value, line, arrow };
}

/** Handles a `[…]` line: returns the section that following entries go into. */
function openSection(
  content: string,
  file: string,
  line: number,
  sections: Section[],
  inheritance: Inheritance,
): Section {
  const match = SECTION_HEADER.exec(content);
  const name = match?.[1]?.trim() ?? '';
  if (!match || name === '') {
    throw new ConfError('malformed_section', file, line, 'the line is not a [section] header (expected [name] or [name](options))');
  }
  const options = match[2] === undefined ? [] : match[2].split(',').map((option) => option.trim());
  if (options.some((option) => option === '')) {
    throw new ConfError('malformed_section', file, line, 'the [section] header has an empty option in its (…)');
  }

  if (options.includes('+')) {
    if (options.length > 1) throw new ConfError('malformed_section', file, line, '(+) cannot be combined with other options');
    const existing = [...sections].reverse().find((section) => section.name === name);
    if (!existing) throw new ConfError('unknown_template', file, line, `[${bareExcerpt(name)}](+) appends to a section that is not defined above`);
    return existing;
  }

  const { byName, depth } = inheritance;
  const section: Section = { name, line, entries: [] };
  let sectionDepth = 0;
  for (const template of options.filter((option) => option !== '!')) {
    const source = byName.get(template);
    if (!source) throw new ConfError('unknown_template', file, line, `[${bareExcerpt(name)}] inherits from ${excerpt(template)}, which is not defined above`);
    sectionDepth = Math.max(sectionDepth, (depth.get(source) ?? 0) + 1);
    if (sectionDepth > MAX_TEMPLATE_DEPTH) {
      throw new ConfError('template_too_deep', file, line, `[${bareExcerpt(name)}] inherits through more than ${MAX_TEMPLATE_DEPTH} levels of templates`);
    }
    inheritance.copied += source.entries.length;
    if (inheritance.copied > MAX_INHERITED_ENTRIES) {
      throw new ConfError(
        'template_too_large',
        file,
        line,
        `[${bareExcerpt(name)}] inherits ${source.entries.length} entries from ${excerpt(template)}, more than the ${MAX_INHERITED_ENTRIES} a file may copy from templates in all`,
      );
    }
    for (const entry of source.entries) section.entries.push({ ...entry });
  }
  depth.set(section, sectionDepth);
  byName.set(name, section);
  if (!options.includes('!')) sections.push(section);
  return section;
}
