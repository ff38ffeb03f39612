/**
 * The options every remote command takes, wherever they stand among its words: `--url URL`,
 * `--token TOKEN` (or MODLOADER_URL, MODLOADER_TOKEN), `--json`, `--help`. Everything else is
 * left in order for the command, so Asterisk's own flags (`module unload -h X`: hard) keep their
 * meaning; `-h` alone is still help.
 */
import type { RemoteTarget } from '../remote/client.js';

export const DEFAULT_URL = 'http://127.0.0.1:8088';

export class UsageError extends Error {}

export interface RemoteOptions {
  words: string[];
  target: RemoteTarget;
  json: boolean;
  help: boolean;
}

export function remoteOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RemoteOptions {
  const words: string[] = [];
  let url: string | undefined;
  let token: string | undefined;
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--url' || flag === '--token') {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      if (flag === '--url') url = value;
      else token = value;
    } else if (arg === '--json') json = true;
    else if (arg === '--help') help = true;
    else words.push(arg);
  }
  if (words.length <= 1 && words.at(-1) === '-h') {
    words.pop();
    help = true;
  }
  const base = String(url ?? env.MODLOADER_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(base)) throw new UsageError(`--url must be an http:// or https:// URL, not ${base}`);
  const secret = token ?? env.MODLOADER_TOKEN;
  return { words, target: { url: base, token: secret || undefined }, json, help };
}
