/**
 * The proposal's `make all` (SPEC 4): one manifest per module source in a tree. Reads every
 * source with bounded concurrency, decides which files are modules with the whole tree in view,
 * and writes `<name>.manifest` beside the source or into `out`. Problems are collected, never
 * thrown: a file that breaks the rules gets an error naming file and line, and no manifest
 * unless the problem is one that leaves the manifest sound (NON_BLOCKING_PROBLEMS).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { isModuleName } from '../../core/names.js';
import { mapBounded } from '../bounded-map.js';
import { NON_BLOCKING_PROBLEMS, type ManifestProblem } from '../problem.js';
import { formatManifest } from '../format.js';
import { binaryChecksum } from './binary-checksum.js';
import { draftToManifest, mergeMacro } from './module-draft.js';
import { readSource, type SourceInfo } from './read-source.js';
import { listSources } from './walk.js';

export interface GenerateOptions {
  /** Where to write the manifests (created if needed); default: beside each source. */
  out?: string | undefined;
  /** Checksum algorithm; default md5, as in the proposal. */
  checksum?: 'md5' | 'sha256' | undefined;
  /** Called after each file read and each manifest written. */
  onProgress?: ((progress: GenerateProgress) => void) | undefined;
  /** Files read or hashed at once (default 16). */
  concurrency?: number | undefined;
}

export interface GenerateProgress {
  phase: 'read' | 'write';
  done: number;
  total: number;
}

export interface GenerateResult {
  /** The manifest files written (or already up to date), sorted. */
  written: string[];
  /** Sources that look like module parts but are not modules, with the reason. */
  skipped: Array<{ file: string; reason: string }>;
  errors: ManifestProblem[];
}

/** Generates the manifests of every module under `srcDir`. Resolves; never rejects on bad input. */
export async function generateManifests(srcDir: string, options: GenerateOptions = {}): Promise<GenerateResult> {
  const result: GenerateResult = { written: [], skipped: [], errors: [] };
  const concurrency = options.concurrency ?? 16;
  const algorithm = options.checksum ?? 'md5';
  const progress = options.onProgress ?? (() => {});

  let files;
  try {
    files = await listSources(srcDir);
  } catch (err) {
    result.errors.push({ file: srcDir, code: 'read_error', message: (err as Error).message });
    return result;
  }
  // A `.js` beside a `.ts` of the same name is its compiled output (the binary), not a source.
  const paths = new Set(files.map((f) => f.file));
  files = files.filter((f) => !(f.kind === 'js' && extname(f.file) === '.js' && paths.has(f.file.slice(0, -3) + '.ts')));

  let read = 0;
  const infos = await mapBounded(files, concurrency, async (f) => {
    const info = await readSource(f.file, f.kind);
    progress({ phase: 'read', done: ++read, total: files.length });
    return info;
  });

  const modules = selectModules(infos, result);
  let done = 0;
  const written = await mapBounded(modules, concurrency, async (info) => {
    const path = await writeModule(info, options.out, algorithm, result.errors);
    progress({ phase: 'write', done: ++done, total: modules.length });
    return path;
  });
  result.written = written.filter((p): p is string => p !== undefined).sort();
  result.errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return result;
}

/**
 * SPEC 4's module detection. `.c`: where some file in the tree carries `AST_MODULE_INFO`, a
 * module is a file with MODULEINFO and the macro, and MODULEINFO alone marks part of a
 * multi-file module; with no macro anywhere, every MODULEINFO file is a module. JS/TS: every
 * MODULEINFO file. Files with problems and same-named modules are reported, not returned.
 */
function selectModules(infos: SourceInfo[], result: GenerateResult): SourceInfo[] {
  const treeHasMacro = infos.some((i) => i.kind === 'c' && i.hasMacro);
  const candidates: SourceInfo[] = [];
  for (const info of infos) {
    if (info.unreadable) {
      if (info.unreadable.code === 'too_large') result.skipped.push({ file: info.file, reason: info.unreadable.message });
      else result.errors.push({ file: info.file, code: 'read_error', message: info.unreadable.message });
      continue;
    }
    if (info.kind === 'c' && treeHasMacro && info.hasModuleInfo !== info.hasMacro) {
      result.skipped.push({
        file: info.file,
        reason: info.hasModuleInfo
          ? 'part of a multi-file module: MODULEINFO without AST_MODULE_INFO'
          : 'AST_MODULE_INFO without a MODULEINFO block',
      });
      continue;
    }
    if (info.hasModuleInfo) candidates.push(info);
  }

  const byName = new Map<string, SourceInfo[]>();
  for (const info of candidates) {
    if (!isModuleName(info.name)) {
      result.errors.push({ file: info.file, code: 'invalid_module_name', message: `"${info.name}" is not a module name (1-64 letters, digits, "_" or "-")` });
      continue;
    }
    byName.set(info.name, [...(byName.get(info.name) ?? []), info]);
  }
  const modules: SourceInfo[] = [];
  for (const [name, same] of byName) {
    if (same.length > 1) {
      const files = same.map((s) => s.file);
      for (const info of same) {
        const others = files.filter((f) => f !== info.file).join(', ');
        result.errors.push({ file: info.file, code: 'duplicate_module', message: `module ${name} is also declared by ${others}` });
      }
      continue;
    }
    const [info] = same as [SourceInfo];
    result.errors.push(...info.problems);
    if (info.problems.every((p) => NON_BLOCKING_PROBLEMS.has(p.code))) modules.push(info);
  }
  return modules;
}

/** Builds, checks and writes one module's manifest; returns its path, or undefined on error. */
async function writeModule(
  info: SourceInfo,
  out: string | undefined,
  algorithm: 'md5' | 'sha256',
  errors: ManifestProblem[],
): Promise<string | undefined> {
  if (info.macro) mergeMacro(info.draft, info.macro);
  const dir = out ?? dirname(info.file);
  const target = join(dir, `${info.name}.manifest`);
  try {
    const checksum = await binaryChecksum(info.file, info.name, info.kind, algorithm);
    const built = draftToManifest(info.draft, info.name, checksum, info.file);
    if ('problems' in built) {
      errors.push(...built.problems);
      return undefined;
    }
    await writeIfChanged(target, formatManifest(built.manifest));
    return target;
  } catch (err) {
    errors.push({ file: info.file, code: 'write_error', message: `${target}: ${(err as Error).message}` });
    return undefined;
  }
}

/**
 * Leaves an identical file untouched (no needless change for watchers); otherwise writes a
 * temporary file and renames it, so a reader never sees half a manifest.
 */
async function writeIfChanged(target: string, text: string): Promise<void> {
  try {
    if ((await readFile(target, 'utf8')) === text) return;
  } catch {
    // absent or unreadable: write it
  }
  await mkdir(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, target);
}
