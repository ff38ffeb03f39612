/**
 * Which file a generated manifest's checksum is of: the binary the loader will import.
 * A JS source is its own binary; a `.ts` source's binary is the compiled `.js` (`.mjs`, `.cjs`)
 * beside it when there is one; a `.c` source's is the `.so` beside it when there is one. With
 * no binary yet, the checksum is of the source itself (SPEC 4).
 */
import { access } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileChecksum, findBinary, formatChecksum } from '../../host/binary.js';
import type { SourceKind } from './read-source.js';

export async function binaryOf(source: string, name: string, kind: SourceKind): Promise<string> {
  if (kind === 'js') return source;
  const dir = dirname(source);
  if (kind === 'ts') return (await findBinary(dir, name)) ?? source;
  const shared = join(dir, `${name}.so`);
  try {
    await access(shared);
    return shared;
  } catch {
    return source;
  }
}

/** The manifest checksum (md5 bare, sha256 prefixed) of the binary for `source`. */
export async function binaryChecksum(source: string, name: string, kind: SourceKind, algorithm: 'md5' | 'sha256'): Promise<string> {
  return formatChecksum(algorithm, await fileChecksum(await binaryOf(source, name, kind), algorithm));
}
