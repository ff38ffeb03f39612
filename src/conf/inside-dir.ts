/**
 * SPEC 11: symlinks leading out of the module and config directories are refused. A file
 * reached through a symlink counts as inside its directory when its real path is under the
 * directory's real path (the directory itself may be a symlink, say /etc/modloader ->
 * /srv/modloader/config, and links within it are fine).
 */
import { lstatSync, realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';

function within(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** True when `path` resolves to a file under `dir`. Rejects as `realpath` does (ENOENT, …). */
export async function resolvesInside(dir: string, path: string): Promise<boolean> {
  const [root, real] = await Promise.all([realpath(dir), realpath(path)]);
  return within(root, real);
}

/** {@link resolvesInside}, synchronously (for scans that read synchronously). */
export function resolvesInsideSync(dir: string, path: string): boolean {
  return within(realpathSync(dir), realpathSync(path));
}

/**
 * True when `path`, an entry directly in `dir`, is a symlink leading out of it. One `lstat`
 * for a plain file (a direct entry that is no symlink is inside by construction).
 */
export function leadsOutsideSync(dir: string, path: string): boolean {
  return lstatSync(path).isSymbolicLink() && !resolvesInsideSync(dir, path);
}
