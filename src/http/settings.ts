/**
 * `modloader serve` settings (SPEC 8): flags beat environment variables beat defaults, and the
 * result is checked once into a typed object. Defaults: the checkout's `modules/` and
 * `config/`, 127.0.0.1, port 8088 (Asterisk's HTTP port).
 *
 * Checked by hand, not with zod: the settings are read before the service listens, and
 * importing zod takes about as long as starting Node itself (docs/operations.md, "The first
 * instants"). zod stays the one source of the HTTP API's validation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorFamily } from '../core/coded-error.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface ServeSettings {
  modules: string;
  config: string;
  host: string;
  port: number;
  log_level: (typeof LOG_LEVELS)[number];
  /** Events `since=` can replay. */
  history: number;
  /** How long a module's load(), unload(), reload() or import may take. */
  load_timeout_ms: number;
  /** A file to write the service's local URL into once it listens ('' for none): for health checks. */
  url_file: string;
  /** Web origins allowed to act besides the service's own (SPEC 11; auth/origin-guard.ts). */
  allow_origins: string[];
}

/** A setting's value, or why it is wrong. */
type Checked<T> = { value: T } | { problem: string };

/**
 * A web origin, `http(s)://host[:port]` (a trailing `/` is allowed), normalized as browsers
 * send it in `Origin`: lower-case host, no default port.
 */
function webOrigin(text: string): Checked<string> {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const bare = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  if (!url || !bare || url.pathname !== '/' || url.search !== '' || url.hash !== '' || !/^https?:\/\/[^/?#]+\/?$/i.test(text)) {
    return { problem: `${JSON.stringify(text)} is not an origin (http://host[:port] or https://host[:port])` };
  }
  return { value: url.origin };
}

/** A text of `min` to `max` characters. */
function text(max = Infinity, min = 1): (raw: unknown) => Checked<string> {
  return (raw) => {
    if (typeof raw !== 'string') return { problem: 'expected a text' };
    if (raw.length < min) return { problem: 'must not be empty' };
    if (raw.length > max) return { problem: `longer than ${max} characters` };
    return { value: raw };
  };
}

/** A whole number from `min` to `max`, written in decimal digits. */
function integer(min: number, max: number): (raw: unknown) => Checked<number> {
  return (raw) => {
    const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    return value >= min && value <= max ? { value } : { problem: `${JSON.stringify(raw)} is not a whole number from ${min} to ${max}` };
  };
}

function logLevel(raw: unknown): Checked<ServeSettings['log_level']> {
  const level = LOG_LEVELS.find((l) => l === raw);
  return level ? { value: level } : { problem: `${JSON.stringify(raw)} is not one of ${LOG_LEVELS.join(', ')}` };
}

function origins(raw: unknown): Checked<string[]> {
  const list = Array.isArray(raw) ? (raw as unknown[]) : [];
  if (list.length > 100) return { problem: 'at most 100 origins' };
  const value: string[] = [];
  for (const item of list) {
    const origin = webOrigin(String(item));
    if ('problem' in origin) return origin;
    value.push(origin.value);
  }
  return { value };
}

/** How each setting is checked. */
const CHECKS: { [K in keyof ServeSettings]: (raw: unknown) => Checked<ServeSettings[K]> } = {
  modules: text(),
  config: text(),
  host: text(255),
  port: integer(0, 65535),
  log_level: logLevel,
  history: integer(1, 1_000_000),
  load_timeout_ms: integer(1, 600_000),
  url_file: text(Infinity, 0),
  allow_origins: origins,
};

/** Environment variables and the settings they set. */
export const ENVIRONMENT: Record<string, keyof ServeSettings> = {
  MODLOADER_MODULES: 'modules',
  MODLOADER_CONFIG: 'config',
  MODLOADER_HOST: 'host',
  MODLOADER_PORT: 'port',
  MODLOADER_LOG_LEVEL: 'log_level',
  MODLOADER_HISTORY: 'history',
  MODLOADER_LOAD_TIMEOUT_MS: 'load_timeout_ms',
  MODLOADER_URL_FILE: 'url_file',
  MODLOADER_ALLOW_ORIGINS: 'allow_origins',
};

/** Settings that are lists: comma-separated in a variable, a repeatable flag. */
const LISTS: ReadonlySet<keyof ServeSettings> = new Set(['allow_origins']);
const splitList = (text: string): string[] => text.split(',').map((item) => item.trim()).filter((item) => item !== '');

/** The directory of the checkout (the nearest package.json named modloader above this file). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'modloader') return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const SETTINGS_ERROR_CODES = {
  unknown_flag: 'The command line has a flag serve does not take, or a flag without its value',
  invalid_setting: 'A flag or MODLOADER_* variable has a value that is not valid for it',
} as const;

/** A wrong `serve` setting; `details.settings` names the flags or variables at fault. */
export class SettingsError extends errorFamily('SettingsError', SETTINGS_ERROR_CODES) {}

/**
 * Reads the settings from `argv` (the words after `serve`) and `env`. Throws
 * {@link SettingsError} naming the flag or variable that is wrong.
 */
export function readServeSettings(argv: readonly string[], env: NodeJS.ProcessEnv): ServeSettings {
  let flags: Record<string, string | string[] | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        modules: { type: 'string' },
        config: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'log-level': { type: 'string' },
        'url-file': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
      },
    }).values as Record<string, string | string[] | undefined>;
  } catch (err) {
    throw new SettingsError('unknown_flag', (err as Error).message);
  }
  const root = packageRoot();
  const raw: Record<string, unknown> = {
    modules: join(root, 'modules'),
    config: join(root, 'config'),
    host: '127.0.0.1',
    port: '8088',
    log_level: 'info',
    history: '10000',
    load_timeout_ms: '10000',
    url_file: '',
    allow_origins: [],
  };
  const source: Record<string, string> = {};
  for (const [variable, key] of Object.entries(ENVIRONMENT)) {
    const value = env[variable];
    if (value !== undefined && value !== '') {
      raw[key] = LISTS.has(key) ? splitList(value) : value;
      source[key] = variable;
    }
  }
  for (const [flag, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const key = flag === 'allow-origin' ? 'allow_origins' : flag.replace('-', '_');
    raw[key] = Array.isArray(value) ? value.flatMap(splitList) : value;
    source[key] = `--${flag}`;
  }
  const checked: Partial<Record<keyof ServeSettings, unknown>> = {};
  const problems: string[] = [];
  const at: string[] = [];
  for (const key of Object.keys(CHECKS) as Array<keyof ServeSettings>) {
    const result = CHECKS[key](raw[key]);
    if ('problem' in result) {
      at.push(source[key] ?? key);
      problems.push(`${source[key] ?? key}: ${result.problem}`);
    } else checked[key] = result.value;
  }
  if (problems.length > 0) throw new SettingsError('invalid_setting', problems.join('; '), { settings: [...new Set(at)] });
  const settings = checked as ServeSettings;
  const { modules, config, url_file: urlFile } = settings;
  return { ...settings, modules: resolve(modules), config: resolve(config), url_file: urlFile && resolve(urlFile) };
}
