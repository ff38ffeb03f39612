/**
 * Reads manager.conf from the config directory for the service: the listener's settings when
 * it is enabled, undefined when the file is absent or says `enabled=no`. Throws
 * {@link ManagerConfError} listing every error (each with file and line), and when the
 * listener would accept connections beyond loopback while no user could log in (the same rule
 * as the HTTP service without tokens).
 */
import type { Logger } from 'pino';
import { errorFamily } from '../core/coded-error.js';
import { ConfError } from '../conf/conf-error.js';
import { type ManagerConf, parseManagerConf } from '../conf/manager-conf.js';
import { readConfFile } from '../conf/read-conf-file.js';
import { isLoopback } from '../http/auth/listen-policy.js';

export const MANAGER_CONF = 'manager.conf';

export const MANAGER_CONF_ERROR_CODES = {
  unreadable: 'manager.conf cannot be read',
  invalid: 'manager.conf has errors',
  bind_without_users: 'The listener would accept connections beyond loopback with no user to log in',
} as const;

export class ManagerConfError extends errorFamily('ManagerConfError', MANAGER_CONF_ERROR_CODES) {}

export async function readManagerConf(configDir: string, logger: Logger): Promise<ManagerConf | undefined> {
  let file;
  try {
    file = await readConfFile(configDir, MANAGER_CONF);
  } catch (err) {
    if (err instanceof ConfError) throw new ManagerConfError('unreadable', `manager.conf cannot be used:\n  ${err.message}`);
    throw err;
  }
  if (!file) return undefined;
  const { conf, errors, warnings } = parseManagerConf(file);
  for (const warning of warnings) logger.warn({ file: warning.file, line: warning.line }, warning.message);
  if (errors.length > 0) throw new ManagerConfError('invalid', `manager.conf has errors:\n${errors.map((e) => `  ${e.message}`).join('\n')}`);
  if (!conf.enabled) return undefined;
  if (conf.users.length === 0 && !isLoopback(conf.bindaddr)) {
    throw new ManagerConfError('bind_without_users', `refusing to open AMI on ${conf.bindaddr} without users: add a user section to manager.conf, or set bindaddr=127.0.0.1`);
  }
  return conf;
}
