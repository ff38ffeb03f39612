/**
 * The admin's config directory (SPEC 8): `modules.conf`, `extensions.conf`, `extconfig.conf`
 * and `tokens.conf`, any of which may be absent.
 */
import { stat } from 'node:fs/promises';
import type { Policy } from '../core/policy.js';
import type { ConfigFile } from '../core/types.js';
import { ConfError } from './conf-error.js';
import { buildPolicy } from './policy.js';
import { readConfFile } from './read-conf-file.js';
import { parseTokens, type Token } from './tokens.js';

/** The files the service reads from its config directory. */
export const CONFIG_FILES = ['modules.conf', 'extensions.conf', 'extconfig.conf', 'tokens.conf'] as const;
export type ConfigFileName = (typeof CONFIG_FILES)[number];

export interface ConfigDir {
  policy: Policy;
  /** The clients of tokens.conf; empty when it is absent (the service then stays on loopback). */
  tokens: Token[];
  /** Everything that kept an entry (or a whole file) out, each naming file and line. */
  errors: ConfError[];
  /** Each file as parsed; null when absent or unparseable (its error is in `errors`). */
  files: Record<ConfigFileName, ConfigFile | null>;
}

/**
 * Reads the config directory `dir`. Never throws on bad content: a file with a syntax error
 * contributes nothing and its {@link ConfError} is in `errors`; a missing directory gives the
 * empty policy and a `config_dir_missing` error. Whether errors are fatal is the caller's call.
 */
export async function readConfigDir(dir: string): Promise<ConfigDir> {
  const errors: ConfError[] = [];
  const files: Record<ConfigFileName, ConfigFile | null> = {
    'modules.conf': null,
    'extensions.conf': null,
    'extconfig.conf': null,
    'tokens.conf': null,
  };
  if (!(await isDirectory(dir))) {
    errors.push(new ConfError('config_dir_missing', dir, 0, 'the config directory does not exist or is not a directory'));
  } else {
    for (const name of CONFIG_FILES) {
      try {
        files[name] = await readConfFile(dir, name);
      } catch (err) {
        if (!(err instanceof ConfError)) throw err;
        errors.push(err);
      }
    }
  }
  const built = buildPolicy({ modules: files['modules.conf'], extensions: files['extensions.conf'], extconfig: files['extconfig.conf'] });
  errors.push(...built.errors);
  const tokensFile = files['tokens.conf'];
  const tokens = tokensFile ? parseTokens(tokensFile) : { tokens: [], errors: [] };
  errors.push(...tokens.errors);
  return { policy: built.policy, tokens: tokens.tokens, errors, files };
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
