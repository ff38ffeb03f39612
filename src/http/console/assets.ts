/**
 * The built console's files (see build.ts), read from their folder when asked for and kept
 * while unchanged on disk, so a rebuild is served without a restart. Only the fixed names of
 * {@link CONSOLE_FILES} are ever read: no path comes from a request.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CONSOLE_FILES } from './files.js';

export type ConsoleFile = keyof typeof CONSOLE_FILES;

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  /** A strong validator of the content. */
  etag: string;
}

const CONTENT_TYPES: Record<ConsoleFile, string> = {
  page: 'text/html; charset=utf-8',
  script: 'text/javascript; charset=utf-8',
  styles: 'text/css; charset=utf-8',
};

/** The console is not built in `dir` (or a file of it is missing). */
export class ConsoleNotBuiltError extends Error {
  override readonly name = 'ConsoleNotBuiltError';
}

export class ConsoleAssets {
  private readonly cache = new Map<ConsoleFile, { mtimeMs: number; size: number; asset: ConsoleAsset }>();

  constructor(readonly dir: string) {}

  /** The file as it is on disk now. Throws {@link ConsoleNotBuiltError} when it is missing. */
  async get(file: ConsoleFile): Promise<ConsoleAsset> {
    const path = join(this.dir, CONSOLE_FILES[file]);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new ConsoleNotBuiltError(`the web console is not built (${path} is missing): run npm run build`);
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.asset;
    const body = await readFile(path);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const asset = { body, contentType: CONTENT_TYPES[file], etag };
    this.cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, asset });
    return asset;
  }
}
