/**
 * `manager.conf`: the AMI listener's settings and users, in Asterisk's shape.
 *
 * ```ini
 * [general]
 * enabled=yes          ; off unless yes
 * port=5038            ; default 5038 (0: any free port)
 * bindaddr=127.0.0.1   ; default 127.0.0.1
 *
 * [ops]                ; one section per user: the section name is the Username
 * secret=…
 * read=system          ; event classes it receives
 * write=system         ; action classes it may run (ModuleLoad and ModuleCheck need system)
 * ```
 *
 * Keys of Asterisk's manager.conf that change nothing here are warnings (the file still
 * works); the ACL keys (`permit`, `deny`, `acl`) and TLS are errors, since ignoring them would
 * open more than the admin meant.
 */
import type { ConfigFile } from '../core/types.js';
import { parseClassList } from '../ami/permissions.js';
import { ConfError } from './conf-error.js';

export interface ManagerUser {
  /** The section name: the `Username:` of Login. */
  name: string;
  secret: string;
  /** Event classes it may receive (a mask of CLASS_BITS). */
  read: number;
  /** Action classes it may run. */
  write: number;
}

export interface ManagerConf {
  enabled: boolean;
  port: number;
  bindaddr: string;
  /** Add `Timestamp:` to events. */
  timestampevents: boolean;
  /** Seconds a connection may take to log in. */
  authtimeout: number;
  /** Connections not yet logged in, at most. */
  authlimit: number;
  /** Log logins and logoffs at info (otherwise debug). */
  displayconnects: boolean;
  users: ManagerUser[];
}

export const DEFAULT_MANAGER_CONF: ManagerConf = {
  enabled: false,
  port: 5038,
  bindaddr: '127.0.0.1',
  timestampevents: false,
  authtimeout: 30,
  authlimit: 50,
  displayconnects: true,
  users: [],
};

const IGNORED_GENERAL = new Set(['webenabled', 'httptimeout', 'allowmultiplelogin', 'channelvars', 'debug', 'hidecommands', 'block-sockets']);
const IGNORED_USER = new Set(['displayconnects', 'allowmultiplelogin', 'writetimeout', 'setvar', 'eventfilter']);
const REFUSED_USER = new Set(['permit', 'deny', 'acl']);

const YES = /^(yes|true|y|t|1|on)$/i;
const NO = /^(no|false|n|f|0|off)$/i;

export interface ManagerConfResult {
  conf: ManagerConf;
  errors: ConfError[];
  /** Keys accepted but without effect here. */
  warnings: ConfError[];
}

/**
 * The settings of a parsed manager.conf. Never throws. A disabled listener's users are not
 * examined (a disabled file cannot stop the service from starting).
 */
export function parseManagerConf(file: ConfigFile): ManagerConfResult {
  const conf: ManagerConf = { ...DEFAULT_MANAGER_CONF, users: [] };
  const errors: ConfError[] = [];
  const warnings: ConfError[] = [];
  const general = file.sections.filter((s) => s.name.toLowerCase() === 'general');

  const flag = (value: string, line: number): boolean | undefined => {
    if (YES.test(value)) return true;
    if (NO.test(value)) return false;
    errors.push(new ConfError('invalid_value', file.file, line, `'${value}' is not yes or no`));
    return undefined;
  };
  const integer = (value: string, line: number, min: number, max: number): number | undefined => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    errors.push(new ConfError('invalid_value', file.file, line, `'${value}' is not a whole number from ${min} to ${max}`));
    return undefined;
  };

  for (const entry of general.flatMap((s) => s.entries)) {
    const key = entry.key.toLowerCase();
    const { value, line } = entry;
    if (key === 'enabled') conf.enabled = flag(value, line) ?? conf.enabled;
    else if (key === 'timestampevents') conf.timestampevents = flag(value, line) ?? conf.timestampevents;
    else if (key === 'displayconnects') conf.displayconnects = flag(value, line) ?? conf.displayconnects;
    else if (key === 'port') conf.port = integer(value, line, 0, 65535) ?? conf.port;
    else if (key === 'authtimeout') conf.authtimeout = integer(value, line, 1, 3600) ?? conf.authtimeout;
    else if (key === 'authlimit') conf.authlimit = integer(value, line, 1, 10_000) ?? conf.authlimit;
    else if (key === 'bindaddr') {
      if (/^[0-9A-Fa-f.:]+$/.test(value) || value === 'localhost') conf.bindaddr = value;
      else errors.push(new ConfError('invalid_value', file.file, line, `bindaddr=${value} is not an IP address`));
    } else if (key.startsWith('tls')) {
      if (key !== 'tlsenable' || !NO.test(value)) errors.push(new ConfError('unknown_key', file.file, line, `${entry.key}: TLS is not supported by this AMI listener`));
    } else if (IGNORED_GENERAL.has(key)) {
      warnings.push(new ConfError('unknown_key', file.file, line, `${entry.key} has no effect here; ignored`));
    } else {
      errors.push(new ConfError('unknown_key', file.file, line, `'${entry.key}' is not a [general] key of manager.conf`));
    }
  }
  if (!conf.enabled) return { conf, errors, warnings };

  const names = new Set<string>();
  for (const section of file.sections) {
    if (section.name.toLowerCase() === 'general') continue;
    const found: Partial<Record<'secret' | 'read' | 'write', { value: string; line: number }>> = {};
    const problems: ConfError[] = [];
    for (const entry of section.entries) {
      const key = entry.key.toLowerCase();
      if (key === 'secret' || key === 'read' || key === 'write') {
        if (found[key]) problems.push(new ConfError('repeated_key', file.file, entry.line, `${key}= appears again in [${section.name}]`));
        else found[key] = { value: entry.value, line: entry.line };
      } else if (REFUSED_USER.has(key)) {
        problems.push(new ConfError('unknown_key', file.file, entry.line, `${entry.key}: address rules are not supported; bind the listener to a trusted address (bindaddr) instead`));
      } else if (IGNORED_USER.has(key) || key.startsWith('eventfilter')) {
        warnings.push(new ConfError('unknown_key', file.file, entry.line, `${entry.key} has no effect here; ignored`));
      } else {
        problems.push(new ConfError('unknown_key', file.file, entry.line, `'${entry.key}' is not a manager.conf user key (secret, read, write)`));
      }
    }
    const mask = (key: 'read' | 'write'): number => {
      const given = found[key];
      if (!given) return 0;
      const parsed = parseClassList(given.value);
      if ('mask' in parsed) return parsed.mask;
      problems.push(new ConfError('invalid_value', file.file, given.line, `${key}=: unknown class ${parsed.unknown.join(', ')}`));
      return 0;
    };
    const read = mask('read');
    const write = mask('write');
    if (!found.secret || found.secret.value === '') problems.push(new ConfError('missing_secret', file.file, section.line, `[${section.name}] has no secret=`));
    if (names.has(section.name.toLowerCase())) problems.push(new ConfError('duplicate_client', file.file, section.line, `[${section.name}] is defined twice`));
    names.add(section.name.toLowerCase());
    if (problems.length > 0 || !found.secret) {
      errors.push(...problems);
      continue;
    }
    conf.users.push({ name: section.name, secret: found.secret.value, read, write });
  }
  return { conf, errors, warnings };
}
