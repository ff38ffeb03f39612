/** `modloader --version`: the package's version, read from its package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../http/settings.js';
import type { CliIO } from './io.js';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export async function runVersion(argv: string[], io: CliIO): Promise<number> {
  if (argv.length > 0) {
    io.err('Usage: modloader --version');
    return 2;
  }
  io.out(`modloader ${packageVersion()}`);
  return 0;
}
