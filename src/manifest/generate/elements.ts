/**
 * The proposal's extraction rules (SPEC 4) for the lines of MODULEINFO and DOCUMENTATION
 * blocks. No XML parser, as in the proposal's script: every line that carries manifest data
 * must be exactly one element; `type` is mandatory on `<use>`, `<canuse>` and `<provides>`;
 * `<use type="external">` and `<depend>` are build-time only and dropped; entities are decoded.
 * Lines holding only other elements (`<defaultenabled>`, `<conflict>`, …) are not manifest
 * data and are left alone.
 */
import type { z } from 'zod';
import type { ManifestProblem, ManifestProblemCode } from '../problem.js';
import {
  configFileSchema,
  descriptionSchema,
  loadPrioritySchema,
  providedRefSchema,
  refSchema,
  REF_TYPE_PATTERN,
  supportLevelSchema,
} from '../schema.js';
import type { CommentBlock } from './comment-blocks.js';
import { addRef, type ManifestDraft } from './draft.js';
import { decodeEntities } from './entities.js';

/** The MODULEINFO elements that carry manifest data, so their lines must follow the rules. */
const MANIFEST_ELEMENTS = new Set([
  'use',
  'canuse',
  'provides',
  'export_globals',
  'load_priority',
  'config',
  'description',
  'support_level',
]);

const OPENING_TAG = /<\s*([A-Za-z_][\w.-]*)/g;
const ATTRIBUTE = /([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
/** One whole element: `<name attrs/>`, `<name attrs>text</name>` or `<name attrs></name>`. */
const ELEMENT = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(?:\/>|>([^<]*)<\/\s*\1\s*>)$/;
const DOC_PROVIDER = /<(application|function|manager)\s+[^>]{0,1000}?\bname\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

type Report = (code: ManifestProblemCode, line: number, key: string | undefined, message: string) => void;

function reporter(file: string, section: string, problems: ManifestProblem[]): Report {
  return (code, line, key, message) => void problems.push({ file, section, key, line, code, message });
}

/** Collapses blanks (a description may be long) and trims. */
function clean(text: string): string {
  return decodeEntities(text).replace(/\s+/g, ' ').trim();
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'is not valid';
}

/** Applies the MODULEINFO rules to one block, adding to `draft` and `problems`. */
export function readModuleInfo(block: CommentBlock, file: string, draft: ManifestDraft, problems: ManifestProblem[]): void {
  const report = reporter(file, 'MODULEINFO', problems);
  for (const { line, text } of block.lines) {
    const trimmed = text.trim();
    if (trimmed === '' || !trimmed.includes('<')) continue;
    const tags = [...trimmed.matchAll(OPENING_TAG)].map((m) => m[1] ?? '');
    const known = tags.filter((t) => MANIFEST_ELEMENTS.has(t));
    if (known.length === 0) continue; // <depend>, <defaultenabled>, <conflict>, comments, …
    const element = ELEMENT.exec(trimmed);
    if (tags.length > 1 || !element) {
      report('malformed_element', line, known[0], 'a line with manifest data must hold exactly one whole element');
      continue;
    }
    const [, name = '', rawAttributes = '', rawContent] = element;
    const attributes = new Map<string, string>();
    for (const a of rawAttributes.matchAll(ATTRIBUTE)) attributes.set(a[1] ?? '', decodeEntities(a[2] ?? a[3] ?? ''));
    applyElement(name, attributes, rawContent === undefined ? undefined : clean(rawContent), line, draft, report);
  }
}

function applyElement(
  name: string,
  attributes: Map<string, string>,
  content: string | undefined,
  line: number,
  draft: ManifestDraft,
  report: Report,
): void {
  switch (name) {
    case 'use':
    case 'canuse':
    case 'provides': {
      const type = attributes.get('type');
      if (type === undefined && name === 'use') {
        return report('untyped_use', line, name, '<use> needs a type attribute, e.g. type="module"; treated as build-time only, like <depend>');
      }
      if (type === undefined) return report('missing_type', line, name, `<${name}> needs a type attribute, e.g. type="module"`);
      if (type === 'external' && name !== 'provides') return; // a build-time library
      if (!REF_TYPE_PATTERN.test(type)) return report('invalid_value', line, name, `type "${type}" must be lower case: a letter, then letters, digits or "_"`);
      if (name === 'provides') {
        const parsed = providedRefSchema.safeParse({ type, name: content ?? '' });
        if (!parsed.success) return report('invalid_value', line, name, `"${content ?? ''}": ${firstIssue(parsed.error)}`);
        const other = addRef(draft.provides, { value: parsed.data, line });
        if (other) report('duplicate_entry', line, name, `${type}=${parsed.data.name} is already provided on line ${other.line} with priority ${other.value.priority}`);
        return;
      }
      const parsed = refSchema.safeParse({ type, name: content ?? '' });
      if (!parsed.success) return report('invalid_value', line, name, `"${content ?? ''}": ${firstIssue(parsed.error)}`);
      addRef(name === 'use' ? draft.uses : draft.canuse, { value: parsed.data, line });
      return;
    }
    case 'export_globals':
      if (content !== undefined && content !== '' && content !== 'yes') {
        return report('invalid_value', line, name, 'write <export_globals/> (it takes no value)');
      }
      draft.export_globals ??= { value: true, line };
      return;
    case 'config': {
      const parsed = configFileSchema.safeParse(content ?? '');
      if (!parsed.success) return report('invalid_value', line, name, `"${content ?? ''}" ${firstIssue(parsed.error)}`);
      if (!draft.config.some((c) => c.value === parsed.data)) draft.config.push({ value: parsed.data, line });
      return;
    }
    case 'support_level': {
      const parsed = supportLevelSchema.safeParse(content ?? '');
      if (!parsed.success) return report('invalid_value', line, name, `"${content ?? ''}" ${firstIssue(parsed.error)}`);
      if (draft.support_level) return repeated(name, draft.support_level.line, line, report);
      draft.support_level = { value: parsed.data, line };
      return;
    }
    case 'load_priority': {
      const parsed = loadPrioritySchema.safeParse(content ?? '');
      if (!parsed.success) return report('invalid_value', line, name, `"${content ?? ''}" ${firstIssue(parsed.error)}`);
      if (draft.load_priority) return repeated(name, draft.load_priority.line, line, report);
      draft.load_priority = { value: parsed.data, line };
      return;
    }
    case 'description': {
      const parsed = descriptionSchema.safeParse(content ?? '');
      if (!parsed.success) return report('invalid_value', line, name, `"${content ?? ''}" ${firstIssue(parsed.error)}`);
      if (draft.description) return repeated(name, draft.description.line, line, report);
      draft.description = { value: parsed.data, line };
      return;
    }
  }
}

function repeated(name: string, first: number, line: number, report: Report): void {
  report('repeated_key', line, name, `<${name}> is already given on line ${first}`);
}

/**
 * DOCUMENTATION: `<application name="X"` gives `application=X`, `<function name="X"` gives
 * `function=X`, `<manager name="X"` (an AMI action) gives `manager=X`.
 */
export function readDocumentation(block: CommentBlock, file: string, draft: ManifestDraft, problems: ManifestProblem[]): void {
  const report = reporter(file, 'DOCUMENTATION', problems);
  for (const { line, text } of block.lines) {
    if (!text.includes('name')) continue;
    const found = [...text.matchAll(DOC_PROVIDER)];
    if (found.length === 0) continue;
    const [first] = found;
    const type = first?.[1] ?? '';
    if (found.length > 1) {
      report('malformed_element', line, type, 'only one <application>, <function> or <manager> element may start on a line');
      continue;
    }
    const name = decodeEntities(first?.[2] ?? first?.[3] ?? '').trim();
    const parsed = refSchema.safeParse({ type, name });
    if (!parsed.success) {
      report('invalid_value', line, type, `"${name}": ${firstIssue(parsed.error)}`);
      continue;
    }
    addRef(draft.provides, { value: { ...parsed.data, priority: 0 }, line });
  }
}
