/**
 * The remote commands (SPEC 8), driving a running service the way Asterisk's CLI does:
 * `module show [like X]`, `module load X`, `module unload [-f] X`, `module reload X`, and
 * `events`. Where: `--url` or MODLOADER_URL (default http://127.0.0.1:8088); who:
 * `--token` or MODLOADER_TOKEN. Exit 0 done, 1 refused by the service, 2 usage, 3 unreachable.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import WebSocket from 'ws';
import { parseModuleName } from '../core/names.js';
import type { ModuleSummary, OpResult } from '../core/types.js';
import type { CliIO } from './io.js';
import { EXIT, RemoteError, type RemoteTarget, describeUser, request } from './remote/client.js';
import { formatEvent, formatModuleTable, formatPlan } from './remote/format.js';

export const DEFAULT_URL = 'http://127.0.0.1:8088';

const MODULE_HELP = `Usage: modloader module <command> [--url URL] [--token TOKEN]

  module show [like PATTERN]   list modules (Module, Description, Use Count, Status, Support Level)
  module load NAME             load NAME and what it needs; the admin becomes its user
  module unload [-f] NAME      release the admin's use of NAME; -f: firm unload (every user is asked to go)
  module reload NAME           run NAME's reload()

  --url URL      the service (MODLOADER_URL; default ${DEFAULT_URL})
  --token TOKEN  a bearer token of tokens.conf (MODLOADER_TOKEN)

Exit status: 0 done, 1 refused by the service, 2 usage, 3 service unreachable.
`;

const EVENTS_HELP = `Usage: modloader events [--events a,b] [--module GLOB] [--since SEQ [--boot ID]] [--json] [--url URL] [--token TOKEN]

Prints the service's event stream, one event per line (--json: the messages as they come),
until the service closes it or the command is interrupted. The first line (hello) says the
service's boot id; resume with --since SEQ --boot ID, and a restart in between is said (gap).
`;

class UsageError extends Error {}

interface Parsed {
  target: RemoteTarget;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

function parse(argv: string[], extra: NonNullable<ParseArgsConfig['options']> = {}): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { url: { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...extra },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const url = String(values.url ?? process.env.MODLOADER_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`--url must be an http:// or https:// URL, not ${url}`);
  const token = (values.token as string | undefined) ?? process.env.MODLOADER_TOKEN;
  return { target: { url, token: token || undefined }, positionals: parsed.positionals, values };
}

async function guarded(io: CliIO, help: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`modloader: ${err.message}\n\n${help}`);
      return EXIT.usage;
    }
    if (err instanceof RemoteError) {
      io.err(`modloader: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}

const path = (name: string): string => encodeURIComponent(name);

/** `modloader module …` */
export async function runModule(argv: string[], io: CliIO): Promise<number> {
  return guarded(io, MODULE_HELP, async () => {
    const { target, positionals, values } = parse(argv, { force: { type: 'boolean', short: 'f' } });
    if (values.help) {
      io.out(MODULE_HELP);
      return EXIT.ok;
    }
    const [command, ...rest] = positionals;
    /** The one module name, as the service will know it (`.so` and the like stripped). */
    const name = (): string => {
      if (rest.length !== 1) throw new UsageError(`module ${command} takes one module name`);
      return parseModuleName(rest[0]!) ?? rest[0]!;
    };
    if (values.force && command !== 'unload') throw new UsageError('-f only applies to module unload');
    switch (command) {
      case 'show': {
        if (rest.length !== 0 && (rest.length !== 2 || rest[0] !== 'like')) throw new UsageError('usage: module show [like PATTERN]');
        const query = rest.length === 2 ? `?like=${encodeURIComponent(rest[1]!)}` : '';
        const { modules } = await request<{ modules: ModuleSummary[] }>(target, 'GET', `/modules${query}`);
        io.out(formatModuleTable(modules));
        return EXIT.ok;
      }
      case 'load': {
        const module = name();
        const result = await request<OpResult>(target, 'POST', `/modules/${path(module)}/load`);
        io.out(result.plan.length === 0 ? `${module} is already loaded (${result.op})` : `Loaded ${module} (${result.op})\n${formatPlan(result)}`);
        return EXIT.ok;
      }
      case 'unload': {
        const module = name();
        const result = await request<OpResult>(target, 'POST', `/modules/${path(module)}/unload`, values.force ? { force: true } : undefined);
        io.out(describeUnload(module, result, values.force === true));
        return EXIT.ok;
      }
      case 'reload': {
        const module = name();
        const result = await request<OpResult>(target, 'POST', `/modules/${path(module)}/reload`);
        io.out(`Reloaded ${module} (${result.op})`);
        return EXIT.ok;
      }
      case undefined:
        throw new UsageError('module needs a command: show, load, unload or reload');
      default:
        throw new UsageError(`unknown module command '${command}'`);
    }
  });
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

/** `modloader events …` */
export async function runEvents(argv: string[], io: CliIO): Promise<number> {
  return guarded(io, EVENTS_HELP, async () => {
    const { target, positionals, values } = parse(argv, {
      events: { type: 'string' },
      module: { type: 'string' },
      since: { type: 'string' },
      boot: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.out(EVENTS_HELP);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected '${positionals[0]}'`);
    if (values.since !== undefined && !/^\d+$/.test(String(values.since))) throw new UsageError('--since takes an event seq');
    if (values.boot !== undefined && values.since === undefined) throw new UsageError('--boot goes with --since');
    const query = new URLSearchParams();
    for (const key of ['events', 'module', 'since', 'boot'] as const) if (values[key] !== undefined) query.set(key, String(values[key]));
    return streamEvents(target, query, values.json === true, io);
  });
}

function streamEvents(target: RemoteTarget, query: URLSearchParams, json: boolean, io: CliIO): Promise<number> {
  const url = `${target.url.replace(/^http/, 'ws')}/events${query.size > 0 ? `?${query}` : ''}`;
  const socket = new WebSocket(url, { headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
  return new Promise((resolve, reject) => {
    let opened = false;
    let cutOff = false;
    let resume = '';
    const stop = (): void => {
      socket.close(1000);
    };
    process.once('SIGINT', stop);
    socket.on('unexpected-response', (_req, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        let problem: Record<string, unknown> = {};
        try {
          problem = JSON.parse(body) as Record<string, unknown>;
        } catch {
          // not problem+json: report the status alone
        }
        reject(new RemoteError(`${String(problem.detail ?? `the service answered ${response.statusCode}`)} [${String(problem.code ?? response.statusCode)}]`, EXIT.refused, problem));
      });
    });
    socket.on('error', (err: Error & { code?: string }) => {
      if (!opened) reject(new RemoteError(`cannot reach the service at ${target.url}: ${err.code ?? err.message}`, EXIT.unreachable));
    });
    socket.on('open', () => {
      opened = true;
    });
    socket.on('message', (data) => {
      const text = String(data);
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      if (message.event === 'hello') resume = ` --boot ${String(message.boot_id)}`;
      if (message.event === 'cut_off' && message.reason === 'slow_subscriber') {
        cutOff = true;
        resume = ` --since ${String(message.last_seq ?? 0)}${resume}`;
      }
      if (message.event === 'heartbeat' && !json) return;
      io.out(json ? text : formatEvent(message));
    });
    socket.on('close', (code) => {
      process.off('SIGINT', stop);
      if (!opened) return;
      if (cutOff) io.err(`modloader: the service cut this stream off (too slow); resume with${resume}`);
      resolve(cutOff || (code !== 1000 && code !== 1001 && code !== 1005) ? EXIT.refused : EXIT.ok);
    });
  });
}
