/**
 * The module directory as the service sees it at startup and on every rescan (SPEC 6.10):
 * every valid manifest, and the checksum of each module's binary now on disk. A broken
 * manifest is reported in `problems` and never stops the scan.
 *
 * Fast for 10,000 modules: the directory is listed once (binaries are found in that listing,
 * not by probing each suffix), and files are read synchronously in batches, with a turn of the
 * event loop between batches so the service keeps answering. An asynchronous read costs about
 * four thread-pool round trips per file; here it is one system call per file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScanResult } from '../core/api.js';
import { checksumAlgorithm, type Manifest } from '../core/manifest.js';
import { resolvesInsideSync } from '../conf/inside-dir.js';
import { BINARY_SUFFIXES, digestOf } from '../host/binary.js';
import { readWithIdentity, type ScannedBinaries } from '../host/scanned-binaries.js';
import { parseManifest } from './parse.js';
import type { ManifestProblem } from './problem.js';

export interface ScanOptions {
  /** Files handled between two turns of the event loop (default 200). */
  batch?: number | undefined;
  /** Manifests read at most; the rest (by name) are refused with one problem (default {@link MAX_MANIFESTS}). */
  maxManifests?: number | undefined;
  /**
   * Keeps each binary's bytes and digest here (within its budget), for the host to evaluate
   * at startup without reading the file again.
   */
  keep?: ScannedBinaries | undefined;
}

const MANIFEST_SUFFIX = '.manifest';

/** A manifest larger than this is refused unread (the lint route's limit too). */
export const MAX_MANIFEST_BYTES = 256 * 1024;
/** Manifests a scan reads at most (a PBX has hundreds of modules; the benchmarks 10,000). */
export const MAX_MANIFESTS = 20_000;
/** Problems kept per manifest; one more says how many were left out. */
export const MAX_PROBLEMS_PER_FILE = 20;

/** One buffer for every bounded read of a scan (reads are synchronous, so never shared). */
let readBuffer: Buffer | undefined;

/** The file's text, or undefined when it has more than {@link MAX_MANIFEST_BYTES} bytes (not read further). */
function readBounded(file: string): string | undefined {
  readBuffer ??= Buffer.allocUnsafe(MAX_MANIFEST_BYTES + 1);
  const fd = openSync(file, 'r');
  try {
    let length = 0;
    for (;;) {
      const n = readSync(fd, readBuffer, length, readBuffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_MANIFEST_BYTES) return undefined;
    }
    return readBuffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** The first {@link MAX_PROBLEMS_PER_FILE} problems of a file, and one saying how many more. */
function capped(file: string, problems: readonly ManifestProblem[]): ManifestProblem[] {
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return [...problems];
  const more = problems.length - MAX_PROBLEMS_PER_FILE;
  return [
    ...problems.slice(0, MAX_PROBLEMS_PER_FILE),
    { file, code: 'too_many_problems', message: `${more} more problems in this file are not listed` },
  ];
}

/**
 * Scans `dir`. `scan.binaries` maps each valid manifest's name to the bare hex digest of its
 * binary in the manifest's algorithm (as `checksumDigest(manifest.checksum)` is), or null when
 * there is none (or it is a symlink leading out of `dir`). Rejects only when `dir` itself
 * can't be listed. Bounded whatever `dir` holds: at most `maxManifests` manifests of at most
 * {@link MAX_MANIFEST_BYTES} each, at most {@link MAX_PROBLEMS_PER_FILE} problems per file;
 * symlinks leading out of `dir` are refused (`outside_module_dir`), never read.
 */
export async function scanModuleDir(dir: string, opts: ScanOptions = {}): Promise<{ scan: ScanResult; problems: ManifestProblem[] }> {
  const listing = await readdir(dir, { withFileTypes: true });
  const names = new Set<string>();
  const symlinks = new Set<string>();
  let manifestFiles: string[] = [];
  for (const e of listing) {
    if (!e.isFile() && !e.isSymbolicLink()) continue;
    names.add(e.name);
    if (e.isSymbolicLink()) symlinks.add(e.name);
    if (e.name.endsWith(MANIFEST_SUFFIX) && e.name.length > MANIFEST_SUFFIX.length) manifestFiles.push(e.name);
  }
  manifestFiles.sort();

  const problems: ManifestProblem[] = [];
  const maxManifests = opts.maxManifests ?? MAX_MANIFESTS;
  if (manifestFiles.length > maxManifests) {
    problems.push({
      file: dir,
      code: 'too_many_manifests',
      message: `${manifestFiles.length} manifests in the module directory; only the first ${maxManifests} by name are read`,
    });
    manifestFiles = manifestFiles.slice(0, maxManifests);
  }
  /** A symlink of the listing that leads out of `dir` (checked once per entry). */
  const outside = (name: string): boolean => symlinks.has(name) && !resolvesInsideSync(dir, join(dir, name));

  const manifests: Manifest[] = [];
  const binaries = new Map<string, string | null>();
  const batch = Math.max(1, opts.batch ?? 200);
  for (let start = 0; start < manifestFiles.length; start += batch) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const fileName of manifestFiles.slice(start, start + batch)) {
      const file = join(dir, fileName);
      let text: string | undefined;
      try {
        if (outside(fileName)) {
          problems.push({ file, code: 'outside_module_dir', message: 'a symlink to a file outside the module directory: refused' });
          continue;
        }
        text = readBounded(file);
      } catch (err) {
        problems.push({ file, code: 'read_error', message: (err as NodeJS.ErrnoException).code ?? 'cannot be read' });
        continue;
      }
      if (text === undefined) {
        problems.push({ file, code: 'too_large', message: `larger than the ${MAX_MANIFEST_BYTES} bytes a manifest may have: not read` });
        continue;
      }
      const parsed = parseManifest(text, file);
      if (!parsed.ok) {
        for (const problem of capped(file, parsed.errors)) problems.push(problem);
        continue;
      }
      const manifest = parsed.manifest;
      manifests.push(manifest);
      const binary = BINARY_SUFFIXES.map((suffix) => manifest.name + suffix).find((n) => names.has(n));
      if (binary === undefined) {
        binaries.set(manifest.name, null);
        continue;
      }
      try {
        if (outside(binary)) {
          problems.push({ file, code: 'outside_module_dir', message: `its binary ${binary} is a symlink to a file outside the module directory: refused` });
          binaries.set(manifest.name, null);
          continue;
        }
        const algorithm = checksumAlgorithm(manifest.checksum);
        const path = join(dir, binary);
        const { bytes, identity } = readWithIdentity(path);
        const digest = digestOf(algorithm, bytes);
        opts.keep?.keep(manifest.name, { path, bytes, algorithm, digest, identity });
        binaries.set(manifest.name, digest);
      } catch (err) {
        problems.push({ file, code: 'read_error', message: `binary: ${(err as NodeJS.ErrnoException).code ?? 'cannot be read'}` });
        binaries.set(manifest.name, null);
      }
    }
  }
  // By file, then line; a file's `too_many_problems` comes after the problems it follows.
  const lineOf = (p: ManifestProblem): number => (p.code === 'too_many_problems' ? Infinity : (p.line ?? 0));
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : lineOf(a) - lineOf(b)));
  return { scan: { manifests, binaries }, problems };
}
