/**
 * Reads one module source and applies the extraction rules to it: its comment blocks and, for
 * `.c` files, the `AST_MODULE_INFO` macro. Whether the file is a module is decided later, with
 * the whole tree in view (see generate.ts). Never throws: unreadable or oversized files come
 * back as such.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ManifestProblem } from '../problem.js';
import { findCommentBlocks } from './comment-blocks.js';
import { emptyDraft, type ManifestDraft } from './draft.js';
import { readDocumentation, readModuleInfo } from './elements.js';
import { hasModuleInfoMacro, readModuleInfoMacro, type ModuleInfoMacro } from './module-info-macro.js';

/** Source files larger than this are not scanned (listed as skipped). */
export const MAX_SOURCE_BYTES = 64 * 1024 * 1024;

export type SourceKind = 'c' | 'js' | 'ts';

const KINDS: Record<string, SourceKind> = { '.c': 'c', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.ts': 'ts' };

/** The kind of module source a file name is, or undefined (`.d.ts` files are not sources). */
export function sourceKind(file: string): SourceKind | undefined {
  if (file.endsWith('.d.ts')) return undefined;
  return KINDS[extname(file)];
}

export interface SourceInfo {
  file: string;
  /** The base name without its extension: the module's name if it is one. */
  name: string;
  kind: SourceKind;
  hasModuleInfo: boolean;
  /** `.c` only: the macro invocation, when there is one. */
  macro?: ModuleInfoMacro | undefined;
  hasMacro: boolean;
  /** What MODULEINFO and DOCUMENTATION gave. */
  draft: ManifestDraft;
  /** Problems found in the file (reported only if it turns out to be a module). */
  problems: ManifestProblem[];
  /** Why the file was not read, when it was not. */
  unreadable?: { code: 'read_error' | 'too_large'; message: string } | undefined;
}

export async function readSource(file: string, kind: SourceKind): Promise<SourceInfo> {
  const info: SourceInfo = {
    file,
    name: basename(file, extname(file)),
    kind,
    hasModuleInfo: false,
    hasMacro: false,
    draft: emptyDraft(),
    problems: [],
  };
  let bytes: Buffer;
  try {
    const { size } = await stat(file);
    if (size > MAX_SOURCE_BYTES) {
      info.unreadable = { code: 'too_large', message: `larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB, not scanned` };
      return info;
    }
    bytes = await readFile(file);
  } catch (err) {
    info.unreadable = { code: 'read_error', message: (err as Error).message };
    return info;
  }
  const mayHaveBlocks = bytes.includes('MODULEINFO'); // DOCUMENTATION alone never makes a module
  const mayHaveMacro = kind === 'c' && bytes.includes('AST_MODULE_INFO');
  if (!mayHaveBlocks && !mayHaveMacro) return info;

  const text = bytes.toString('utf8');
  const scan = findCommentBlocks(text);
  for (const block of scan.unterminated) {
    info.problems.push({
      file,
      section: block.kind,
      line: block.line,
      code: 'unterminated_block',
      message: `/*** ${block.kind} is never closed with ***/`,
    });
    if (block.kind === 'MODULEINFO') info.hasModuleInfo = true;
  }
  for (const block of scan.blocks) {
    if (block.kind === 'MODULEINFO') {
      info.hasModuleInfo = true;
      readModuleInfo(block, file, info.draft, info.problems);
    } else {
      readDocumentation(block, file, info.draft, info.problems);
    }
  }
  if (mayHaveMacro && hasModuleInfoMacro(text)) {
    info.hasMacro = true;
    // Only a module's macro matters; reading it costs little beside the file read itself.
    info.macro = readModuleInfoMacro(text, file, info.problems);
  }
  return info;
}
