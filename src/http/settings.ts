/**
 * `modloader serve` settings (SPEC 8): flags beat environment variables beat defaults, and the
 * result is validated once with zod into a typed object. Defaults: the checkout's `modules/`
 * and `config/`, 127.0.0.1, port 8088 (Asterisk's HTTP port).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { errorFamily } from '../core/coded-error.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * A web origin, `http(s)://host[:port]` (a trailing `/` is allowed), normalized as browsers
 * send it in `Origin`: lower-case host, no default port.
 */
const WebOrigin = z.string().transform((text, ctx) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const bare = url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  if (!url || !bare || url.pathname !== '/' || url.search !== '' || url.hash !== '' || !/^https?:\/\/[^/?#]+\/?$/i.test(text)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not an origin (http://host[:port] or https://host[:port])` });
    return z.NEVER;
  }
  return url.origin;
});

export const ServeSettingsSchema = z.strictObject({
  modules: z.string().min(1),
  config: z.string().min(1),
  host: z.string().min(1).max(255),
  port: z.coerce.number().int().min(0).max(65535),
  log_level: z.enum(LOG_LEVELS),
  /** Events `since=` can replay. */
  history: z.coerce.number().int().min(1).max(1_000_000),
  /** How long a module's load(), unload(), reload() or import may take. */
  load_timeout_ms: z.coerce.number().int().min(1).max(600_000),
  /** A file to write the service's local URL into once it listens ('' for none): for health checks. */
  url_file: z.string(),
  /** Web origins allowed to act besides the service's own (SPEC 11; auth/origin-guard.ts). */
  allow_origins: z.array(WebOrigin).max(100),
});

export type ServeSettings = z.output<typeof ServeSettingsSchema>;

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
  const parsed = ServeSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const at = parsed.error.issues.map((issue) => source[String(issue.path[0])] ?? String(issue.path[0]));
    const problems = parsed.error.issues.map((issue, i) => `${at[i]}: ${issue.message}`);
    throw new SettingsError('invalid_setting', problems.join('; '), { settings: [...new Set(at)] });
  }
  const { modules, config, url_file: urlFile } = parsed.data;
  return { ...parsed.data, modules: resolve(modules), config: resolve(config), url_file: urlFile && resolve(urlFile) };
}
