/**
 * The remote commands, one implementation for every way of typing them: `modloader module …`,
 * `modloader manifest rescan`, `modloader config reload`, `modloader -rx "CMD"` and the
 * `modloader -r` console. Words as Asterisk's CLI takes them:
 *
 *   module show [like PATTERN]           module why NAME
 *   module load NAME…                    module holds [NAME]
 *   module unload [-f|-h] NAME…          module holds add NAME HOLDER [cancellable]
 *   module reload [NAME…]                module holds release ID…
 *   manifest rescan                      config reload
 *
 * `--json` prints the service's answers as they are, for scripts. Each command resolves with
 * its exit status (0 done, 1 refused) and throws {@link UsageError} for wrong words and
 * RemoteError when the service cannot be reached.
 */
import { parseModuleName } from '../../core/names.js';
import type { ModuleSummary, OpResult, UserInfo, WhyChain } from '../../core/types.js';
import type { CliIO } from '../io.js';
import { describeUser, EXIT, RemoteError, type RemoteTarget, request } from '../remote/client.js';
import { formatModuleTable, formatPlan } from '../remote/format.js';
import { UsageError } from './options.js';

export interface CommandContext {
  target: RemoteTarget;
  io: CliIO;
  json: boolean;
}

interface Command {
  /** The words that name it, e.g. `['module', 'show']`. */
  words: string[];
  usage: string;
  summary: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}

/** How long `module unload -f` waits for the users it asked to go (`-h` does not wait). */
export const FIRM_WAIT_MS = 5000;

const path = (name: string): string => encodeURIComponent(name);

/** A module name as the service knows it (`.so` and the like stripped); throws on anything else. */
function moduleName(word: string): string {
  const name = parseModuleName(word);
  if (!name) throw new UsageError(`'${word}' is not a module name`);
  return name;
}

function names(args: string[], command: string, atLeast = 1): string[] {
  if (args.length < atLeast) throw new UsageError(`${command} needs a module name`);
  const flag = args.find((a) => a.startsWith('-'));
  if (flag) throw new UsageError(`${command} takes no option ${flag}`);
  return args.map(moduleName);
}

function json(ctx: CommandContext, value: unknown): void {
  ctx.io.out(JSON.stringify(value, null, 2));
}

/**
 * Runs `one` for each name in order; the first refusal is reported and ends the command
 * (as Asterisk's `module unload` stops), unless `goOn`.
 */
async function each(ctx: CommandContext, list: string[], one: (name: string) => Promise<void>, goOn = false): Promise<number> {
  let status: number = EXIT.ok;
  for (const name of list) {
    try {
      await one(name);
    } catch (err) {
      if (!(err instanceof RemoteError) || err.exitCode !== EXIT.refused) throw err;
      ctx.io.err(`modloader: ${name}: ${err.message}`);
      status = EXIT.refused;
      if (!goOn) break;
    }
  }
  return status;
}

function describeUnload(module: string, result: OpResult, force: boolean): string {
  const plan = formatPlan(result);
  if (result.state !== 'running') {
    return result.plan.length === 0 ? `${module} is not running (${result.op})` : `Unloaded ${module} (${result.op})\n${plan}`;
  }
  const lines = [force ? `Unload of ${module} requested (${result.op}); it keeps running until these let go:` : `Released the admin's use of ${module} (${result.op}); it keeps running for:`];
  for (const user of result.pending?.length ? result.pending : (result.users ?? [])) lines.push(`  ${describeUser(user)}`);
  return `${lines.join('\n')}\n${plan}`;
}

const show: Command = {
  words: ['module', 'show'],
  usage: 'module show [like PATTERN]',
  summary: 'list modules: Module, Description, Use Count, Status, Support Level (PATTERN may end in .so)',
  async run(args, ctx) {
    if (args.length !== 0 && (args.length !== 2 || args[0] !== 'like')) throw new UsageError('usage: module show [like PATTERN]');
    // Asterisk's habit: `like chan_sip.so` finds chan_sip.
    const like = args[1]?.replace(/\.(so|js|mjs|cjs)$/, '');
    const query = like === undefined ? '' : `?like=${encodeURIComponent(like)}`;
    const { modules } = await request<{ modules: ModuleSummary[] }>(ctx.target, 'GET', `/modules${query}`);
    if (ctx.json) json(ctx, { modules });
    else ctx.io.out(formatModuleTable(modules));
    return EXIT.ok;
  },
};

const load: Command = {
  words: ['module', 'load'],
  usage: 'module load NAME…',
  summary: 'load each module and what it needs; the admin becomes its user',
  run: (args, ctx) =>
    each(ctx, names(args, 'module load'), async (module) => {
      const result = await request<OpResult>(ctx.target, 'POST', `/modules/${path(module)}/load`);
      if (ctx.json) json(ctx, result);
      else ctx.io.out(result.plan.length === 0 ? `${module} is already loaded (${result.op})` : `Loaded ${module} (${result.op})\n${formatPlan(result)}`);
    }),
};

const unload: Command = {
  words: ['module', 'unload'],
  usage: 'module unload [-f|-h] NAME…',
  summary: `release the admin's use; -f firm unload (every user is asked to go; waits up to ${FIRM_WAIT_MS / 1000} s), -h hard (firm, no wait)`,
  run(args, ctx) {
    const mode = args[0] === '-f' ? 'firm' : args[0] === '-h' ? 'hard' : 'soft';
    const list = names(mode === 'soft' ? args : args.slice(1), 'module unload');
    const body = mode === 'soft' ? undefined : { force: true, timeout_ms: mode === 'firm' ? FIRM_WAIT_MS : 0 };
    return each(ctx, list, async (module) => {
      const result = await request<OpResult>(ctx.target, 'POST', `/modules/${path(module)}/unload`, body);
      if (ctx.json) json(ctx, result);
      else ctx.io.out(describeUnload(module, result, mode !== 'soft'));
    });
  },
};

const reload: Command = {
  words: ['module', 'reload'],
  usage: 'module reload [NAME…]',
  summary: "run each module's reload(); without a name, every running module's",
  async run(args, ctx) {
    let list = names(args, 'module reload', 0);
    if (list.length === 0) {
      const { modules } = await request<{ modules: ModuleSummary[] }>(ctx.target, 'GET', '/modules?state=running');
      list = modules.map((m) => m.name);
    }
    return each(
      ctx,
      list,
      async (module) => {
        const result = await request<OpResult>(ctx.target, 'POST', `/modules/${path(module)}/reload`);
        if (ctx.json) json(ctx, result);
        else ctx.io.out(`Reloaded ${module} (${result.op})`);
      },
      true,
    );
  },
};

const why: Command = {
  words: ['module', 'why'],
  usage: 'module why NAME',
  summary: 'what keeps a module running: each chain of users from a root down to it',
  async run(args, ctx) {
    const [module] = names(args, 'module why');
    if (args.length !== 1) throw new UsageError('usage: module why NAME');
    const answer = await request<{ module: string; chains: WhyChain[] }>(ctx.target, 'GET', `/modules/${path(module!)}/why`);
    if (ctx.json) {
      json(ctx, answer);
      return EXIT.ok;
    }
    if (answer.chains.length === 0) {
      ctx.io.out(`${module} is not kept running by anything`);
      return EXIT.ok;
    }
    const lines = [`${module} is kept running by:`];
    for (const chain of answer.chains) {
      const origin = chain.root.origin ? ` [${chain.root.origin.file}:${chain.root.origin.line}]` : '';
      lines.push(`  ${describeUser(chain.root)}${origin}: ${chain.path.join(' -> ')}`);
    }
    ctx.io.out(lines.join('\n'));
    return EXIT.ok;
  },
};

function formatHolds(users: readonly UserInfo[]): string {
  if (users.length === 0) return 'No external holds';
  const row = (id: string, module: string, holder: string, cancellable: string, since: string): string =>
    `${id.padEnd(12)} ${module.padEnd(30)} ${holder.padEnd(30)} ${cancellable.padEnd(11)} ${since}`.trimEnd();
  return [row('ID', 'Module', 'Holder', 'Cancellable', 'Since'), ...users.map((u) => row(u.id, u.module, u.holder, u.cancellable ? 'yes' : 'no', u.since))].join('\n');
}

const holds: Command = {
  words: ['module', 'holds'],
  usage: 'module holds [NAME] | module holds add NAME HOLDER [cancellable] | module holds release ID…',
  summary: 'list, add or release external holds (users that keep a module running)',
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (sub === 'add') {
      const [name, holder, option, ...extra] = rest;
      if (!name || !holder || extra.length > 0 || (option !== undefined && option !== 'cancellable' && option !== '--cancellable')) {
        throw new UsageError('usage: module holds add NAME HOLDER [cancellable]');
      }
      const module = moduleName(name);
      const result = await request<OpResult & { id: string }>(ctx.target, 'POST', `/modules/${path(module)}/users`, {
        holder,
        ...(option ? { cancellable: true } : {}),
      });
      if (ctx.json) json(ctx, result);
      else ctx.io.out(`${holder} holds ${module} (${result.id}; ${result.op})\n${formatPlan(result)}`);
      return EXIT.ok;
    }
    if (sub === 'release') {
      if (rest.length === 0) throw new UsageError('usage: module holds release ID…');
      return each(ctx, rest, async (id) => {
        const result = await request<OpResult>(ctx.target, 'DELETE', `/users/${path(id)}`);
        if (ctx.json) json(ctx, result);
        else ctx.io.out(`Released ${id} (${result.op})\n${formatPlan(result)}`);
      });
    }
    if (args.length > 1) throw new UsageError(`usage: ${this.usage}`);
    const module = sub === undefined ? undefined : moduleName(sub);
    const { users } = await request<{ users: UserInfo[] }>(ctx.target, 'GET', '/users?kind=external');
    const listed = users.filter((u) => module === undefined || u.module === module);
    if (ctx.json) json(ctx, { users: listed });
    else ctx.io.out(formatHolds(listed));
    return EXIT.ok;
  },
};

interface RescanAnswer extends OpResult {
  rescan: { added: string[]; changed: string[]; removed: string[]; stale: string[] };
  problems: Array<{ file: string; line?: number; message: string }>;
}

const rescan: Command = {
  words: ['manifest', 'rescan'],
  usage: 'manifest rescan',
  summary: 'pick up new, changed and removed manifests of the running service (hot install)',
  async run(args, ctx) {
    if (args.length > 0) throw new UsageError('usage: manifest rescan');
    const result = await request<RescanAnswer>(ctx.target, 'POST', '/manifests/rescan');
    if (ctx.json) {
      json(ctx, result);
      return EXIT.ok;
    }
    const { added, changed, removed, stale } = result.rescan;
    const part = (label: string, list: string[]): string => `${label} ${list.length === 0 ? '-' : list.join(', ')}`;
    const lines = [`Rescanned (${result.op}): ${[part('added', added), part('changed', changed), part('removed', removed), part('stale', stale)].join('; ')}`];
    for (const p of result.problems) lines.push(`  skipped ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    ctx.io.out(`${lines.join('\n')}\n${formatPlan(result)}`);
    return EXIT.ok;
  },
};

interface ConfigReloadAnswer extends OpResult {
  warnings: Array<{ file: string; line: number; message: string }>;
}

const configReload: Command = {
  words: ['config', 'reload'],
  usage: 'config reload',
  summary: 're-read the config files of the running service and apply the difference',
  async run(args, ctx) {
    if (args.length > 0) throw new UsageError('usage: config reload');
    const result = await request<ConfigReloadAnswer>(ctx.target, 'POST', '/config/reload');
    if (ctx.json) {
      json(ctx, result);
      return EXIT.ok;
    }
    const lines = [result.plan.length === 0 ? `Config reloaded (${result.op}): nothing changed` : `Config reloaded (${result.op})`];
    for (const w of result.warnings) lines.push(`  warning: ${w.file}:${w.line}: ${w.message}`);
    ctx.io.out(`${lines.join('\n')}\n${formatPlan(result)}`);
    return EXIT.ok;
  },
};

/** Every remote command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [show, load, unload, reload, why, holds, rescan, configReload];

/** The help text of the commands, one per line. */
export function commandHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.words.join(' ').length)) + 2;
  return COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(width)}${c.summary}\n  ${' '.repeat(width)}usage: ${c.usage}`).join('\n');
}

/** Runs the command `words` names (e.g. `['module', 'show', 'like', 'sip']`). */
export async function execute(words: readonly string[], ctx: CommandContext): Promise<number> {
  const command = COMMANDS.find((c) => c.words.every((w, i) => words[i] === w));
  if (!command) {
    const group = words[0];
    const known = COMMANDS.filter((c) => c.words[0] === group).map((c) => c.words[1]);
    if (known.length === 0) throw new UsageError(words.length === 0 ? 'no command given' : `unknown command '${words.join(' ')}'`);
    throw new UsageError(words.length === 1 ? `${group} needs a command: ${known.join(', ')}` : `unknown ${group} command '${words[1]}' (${known.join(', ')})`);
  }
  return command.run(words.slice(command.words.length), ctx);
}
