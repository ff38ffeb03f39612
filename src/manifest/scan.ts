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
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScanResult } from '../core/api.js';
import { checksumAlgorithm, type Manifest } from '../core/manifest.js';
import { BINARY_SUFFIXES, digestOf } from '../host/binary.js';
import { readWithIdentity, type ScannedBinaries } from '../host/scanned-binaries.js';
import { parseManifest } from './parse.js';
import type { ManifestProblem } from './problem.js';

export interface ScanOptions {
  /** Files handled between two turns of the event loop (default 200). */
  batch?: number | undefined;
  /**
   * Keeps each binary's bytes and digest here (within its budget), for the host to evaluate
   * at startup without reading the file again.
   */
  keep?: ScannedBinaries | undefined;
}

const MANIFEST_SUFFIX = '.manifest';

/**
 * Scans `dir`. `scan.binaries` maps each valid manifest's name to the bare hex digest of its
 * binary in the manifest's algorithm (as `checksumDigest(manifest.checksum)` is), or null when
 * there is no binary. Rejects only when `dir` itself can't be listed.
 */
export async function scanModuleDir(dir: string, opts: ScanOptions = {}): Promise<{ scan: ScanResult; problems: ManifestProblem[] }> {
  const listing = await readdir(dir, { withFileTypes: true });
  const names = new Set<string>();
  const manifestFiles: string[] = [];
  for (const e of listing) {
    if (!e.isFile() && !e.isSymbolicLink()) continue;
    names.add(e.name);
    if (e.name.endsWith(MANIFEST_SUFFIX) && e.name.length > MANIFEST_SUFFIX.length) manifestFiles.push(e.name);
  }
  manifestFiles.sort();

  const problems: ManifestProblem[] = [];
  const manifests: Manifest[] = [];
  const binaries = new Map<string, string | null>();
  const batch = Math.max(1, opts.batch ?? 200);
  for (let start = 0; start < manifestFiles.length; start += batch) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const fileName of manifestFiles.slice(start, start + batch)) {
      const file = join(dir, fileName);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        problems.push({ file, code: 'read_error', message: (err as Error).message });
        continue;
      }
      const parsed = parseManifest(text, file);
      if (!parsed.ok) {
        problems.push(...parsed.errors);
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
        const algorithm = checksumAlgorithm(manifest.checksum);
        const path = join(dir, binary);
        const { bytes, identity } = readWithIdentity(path);
        const digest = digestOf(algorithm, bytes);
        opts.keep?.keep(manifest.name, { path, bytes, algorithm, digest, identity });
        binaries.set(manifest.name, digest);
      } catch (err) {
        problems.push({ file, code: 'read_error', message: `binary: ${(err as Error).message}` });
        binaries.set(manifest.name, null);
      }
    }
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return { scan: { manifests, binaries }, problems };
}
