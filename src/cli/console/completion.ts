/**
 * Completion of command words and module names (the proposal asks for module completion), for
 * the `-r` console's Tab and for the shell (`modloader completion bash|zsh` prints a script
 * that asks `modloader __complete WORD…`). Module names come from the running service, without
 * extensions; `module load` offers the modules not running, `unload` and `reload` the running
 * ones. A service that cannot be reached just offers no names.
 */
import type { ModuleSummary, UserInfo } from '../../core/types.js';
import type { CliIO } from '../io.js';
import { type RemoteTarget, request } from '../remote/client.js';
import { remoteOptions } from './options.js';

export interface NameSource {
  modules(): Promise<readonly ModuleSummary[]>;
  holds(): Promise<readonly UserInfo[]>;
  /** Drops what is cached (a command may have changed it). */
  forget?(): void;
}

/** Where completion looks; `console` has the console's own words (help, exit) and no serve. */
export type Scope = 'console' | 'shell';

const TOP: Record<Scope, string[]> = {
  console: ['module', 'manifest', 'config', 'help', 'exit', 'quit'],
  shell: ['serve', 'module', 'manifest', 'config', 'events', 'completion', '-r', '-rx', '--help', '--version'],
};
const MODULE_COMMANDS = ['show', 'load', 'unload', 'reload', 'why', 'holds'];

const names = async (source: NameSource, keep: (m: ModuleSummary) => boolean): Promise<string[]> =>
  (await source.modules()).filter(keep).map((m) => m.name);

/** The candidates for the word being typed (`current`) after the words `before`. */
export async function complete(before: readonly string[], current: string, scope: Scope, source: NameSource): Promise<string[]> {
  const [group, command, ...args] = before;
  let candidates: string[] = [];
  if (group === undefined) candidates = TOP[scope];
  else if (group === 'module' && command === undefined) candidates = MODULE_COMMANDS;
  else if (group === 'module') {
    const running = (m: ModuleSummary): boolean => m.state === 'running';
    if (command === 'show') candidates = args.length === 0 ? ['like'] : args.length === 1 && args[0] === 'like' ? await names(source, () => true) : [];
    else if (command === 'load') candidates = await names(source, (m) => !running(m));
    else if (command === 'unload') candidates = [...(args.length === 0 ? ['-f', '-h'] : []), ...(await names(source, running))];
    else if (command === 'reload') candidates = await names(source, running);
    else if (command === 'why') candidates = args.length === 0 ? await names(source, () => true) : [];
    else if (command === 'holds') {
      if (args.length === 0) candidates = ['add', 'release', ...(await names(source, () => true))];
      else if (args[0] === 'add' && args.length === 1) candidates = await names(source, () => true);
      else if (args[0] === 'add' && args.length === 3) candidates = ['cancellable'];
      else if (args[0] === 'release') candidates = (await source.holds()).map((u) => u.id);
    }
  } else if (group === 'manifest' && command === undefined) candidates = scope === 'shell' ? ['generate', 'check', 'rescan'] : ['rescan'];
  else if (group === 'config' && command === undefined) candidates = ['reload'];
  else if (group === 'completion' && command === undefined && scope === 'shell') candidates = ['bash', 'zsh'];
  const typed = new Set(before);
  return candidates.filter((c) => c.startsWith(current) && !(typed.has(c) && group === 'module'));
}

/** Names from the service at `target`, each list fetched at most once per `maxAgeMs`. */
export function serviceNames(target: RemoteTarget, maxAgeMs = 2000): NameSource {
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  const cached = <T>(key: string, fetch: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.value as Promise<T>;
    const value = fetch().catch(() => [] as unknown as T);
    cache.set(key, { at: Date.now(), value });
    return value;
  };
  return {
    modules: () => cached('modules', async () => (await request<{ modules: ModuleSummary[] }>(target, 'GET', '/modules')).modules),
    holds: () => cached('holds', async () => (await request<{ users: UserInfo[] }>(target, 'GET', '/users?kind=external')).users),
    forget: () => cache.clear(),
  };
}

/**
 * `modloader __complete WORD…`: the words after `modloader` up to the cursor, the last being
 * the one typed so far; prints one candidate per line.
 */
export async function runComplete(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = remoteOptions(argv);
  } catch {
    return 0;
  }
  const words = parsed.words;
  const current = argv.length === 0 ? '' : (words.at(-1) === argv.at(-1) ? words.pop() : '') ?? '';
  const found = await complete(words, current, 'shell', serviceNames(parsed.target));
  if (found.length > 0) io.out(found.join('\n'));
  return 0;
}

const BASH = `# modloader completion for bash: eval "$(modloader completion bash)" (e.g. in ~/.bashrc)
_modloader() {
  local IFS=$'\\n'
  COMPREPLY=( $(modloader __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _modloader modloader
`;

const ZSH = `# modloader completion for zsh: eval "$(modloader completion zsh)" (e.g. in ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
${BASH}`;

/** `modloader completion bash|zsh` */
export async function runCompletion(argv: string[], io: CliIO): Promise<number> {
  const [shell, ...rest] = argv;
  if ((shell !== 'bash' && shell !== 'zsh') || rest.length > 0) {
    io.err('Usage: modloader completion bash|zsh\n\nPrints a completion script; load it with eval "$(modloader completion bash)".');
    return 2;
  }
  io.out(shell === 'bash' ? BASH : ZSH);
  return 0;
}
