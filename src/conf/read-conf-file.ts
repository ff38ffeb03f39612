/**
 * Reading one file of the config directory. The only way any caller (the service, a module's
 * `ctx.config(file)`) gets a config file, so the file-name rule lives here once: a bare name
 * ending in `.conf`, nothing that could leave the directory.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigFile } from '../core/types.js';
import { ConfError } from './conf-error.js';
import { resolvesInside } from './inside-dir.js';
import { parseConf } from './parse.js';

/** What a config file name must look like: no separators, no NUL, no path of any kind. */
export const CONF_FILE_NAME = /^[A-Za-z0-9_.-]+\.conf$/;

/** Config files larger than this are refused rather than parsed (8 MiB). */
export const MAX_CONF_BYTES = 8 * 1024 * 1024;

/** True when `file` is a name {@link readConfFile} accepts. */
export function isConfFileName(file: string): boolean {
  return CONF_FILE_NAME.test(file) && file.length <= 255;
}

/**
 * Reads and parses `dir/file`; null when the file does not exist. Throws {@link ConfError}:
 * `invalid_file_name` when `file` is not a bare `*.conf` name (checked before touching the
 * disk), `unreadable`/`too_large` when the file cannot be used, `outside_config_dir` when it
 * is a symlink leading out of `dir`, and any syntax error of
 * {@link parseConf} (naming the file and line).
 */
export async function readConfFile(dir: string, file: string): Promise<ConfigFile | null> {
  if (!isConfFileName(file)) {
    throw new ConfError('invalid_file_name', JSON.stringify(file), 0, 'only a bare file name ending in .conf may be read from the config directory');
  }
  const path = join(dir, file);
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ConfError('unreadable', file, 0, 'not a regular file');
    if (info.size > MAX_CONF_BYTES) throw new ConfError('too_large', file, 0, `${info.size} bytes is more than the ${MAX_CONF_BYTES} accepted`);
    if (!(await resolvesInside(dir, path))) {
      throw new ConfError('outside_config_dir', file, 0, 'is a symlink to a file outside the config directory: refused');
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfError('unreadable', file, 0, `cannot be read: ${(err as Error).message}`);
  }
  return parseConf(text, file);
}
