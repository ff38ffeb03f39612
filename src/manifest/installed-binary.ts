/**
 * The binary a manifest describes, as it is on disk now: `<name>.js|.mjs|.cjs` beside the
 * manifest, hashed with the algorithm of the manifest's checksum.
 */
import { checksumAlgorithm, type Manifest } from '../core/manifest.js';
import { fileChecksum, findBinary } from '../host/binary.js';

export interface InstalledBinary {
  path: string;
  /** Bare hex digest, in the manifest's algorithm (compare with `checksumDigest`). */
  digest: string;
}

/** Null when there is no binary; rejects only when the binary exists but can't be read. */
export async function installedBinary(dir: string, manifest: Manifest): Promise<InstalledBinary | null> {
  const path = await findBinary(dir, manifest.name);
  if (path === null) return null;
  return { path, digest: await fileChecksum(path, checksumAlgorithm(manifest.checksum)) };
}
