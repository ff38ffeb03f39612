/**
 * The module directory as the service sees it at startup and on every rescan (SPEC 6.10):
 * every valid manifest, and the checksum of each module's binary now on disk. Reads and hashes
 * with bounded concurrency so that 10,000 manifests stay quick and within file-descriptor
 * limits; a broken manifest is reported in `problems` and never stops the scan.
 */
import type { ScanResult } from '../core/api.js';
import type { Manifest } from '../core/manifest.js';
import { mapBounded } from './bounded-map.js';
import { installedBinary } from './installed-binary.js';
import type { ManifestProblem } from './problem.js';
import { listManifestFiles, readManifestFile } from './read.js';

export interface ScanOptions {
  /** Files read and hashed at once (default 32). */
  concurrency?: number | undefined;
}

/**
 * Scans `dir`. `scan.binaries` maps each valid manifest's name to the bare hex digest of its
 * binary in the manifest's algorithm (as `checksumDigest(manifest.checksum)` is), or null when
 * there is no binary. Rejects only when `dir` itself can't be listed.
 */
export async function scanModuleDir(dir: string, opts: ScanOptions = {}): Promise<{ scan: ScanResult; problems: ManifestProblem[] }> {
  const files = await listManifestFiles(dir);
  const problems: ManifestProblem[] = [];
  const found = await mapBounded(files, opts.concurrency ?? 32, async (file) => {
    const parsed = await readManifestFile(file);
    if (!parsed.ok) {
      problems.push(...parsed.errors);
      return undefined;
    }
    try {
      const binary = await installedBinary(dir, parsed.manifest);
      return { manifest: parsed.manifest, digest: binary?.digest ?? null };
    } catch (err) {
      problems.push({ file, code: 'read_error', message: `binary: ${(err as Error).message}` });
      return { manifest: parsed.manifest, digest: null };
    }
  });
  const manifests: Manifest[] = [];
  const binaries = new Map<string, string | null>();
  for (const entry of found) {
    if (!entry) continue;
    manifests.push(entry.manifest);
    binaries.set(entry.manifest.name, entry.digest);
  }
  problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return { scan: { manifests, binaries }, problems };
}
