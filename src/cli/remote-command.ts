/**
 * The remote commands (SPEC 8), driving a running service the way Asterisk's CLI does: the
 * `module …`, `manifest rescan` and `config reload` commands (implemented once, in
 * console/commands.ts, for these, `-rx` and the `-r` console) and `events`. Where: `--url` or
 * MODLOADER_URL (default http://127.0.0.1:8088); who: `--token` or MODLOADER_TOKEN. Exit 0 done,
 * 1 refused by the service, 2 usage, 3 unreachable.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import WebSocket from 'ws';
import { commandHelp, execute } from './console/commands.js';
import { DEFAULT_URL, remoteOptions, UsageError } from './console/options.js';
import type { CliIO } from './io.js';
import { EXIT, RemoteError, type RemoteTarget } from './remote/client.js';
import { formatEvent } from './remote/format.js';

export { DEFAULT_URL } from './console/options.js';

export const REMOTE_HELP = `Usage: modloader <command> [--json] [--url URL] [--token TOKEN]

${commandHelp()}

  --json         print the service's answers as JSON, for scripts
  --url URL      the service (MODLOADER_URL; default ${DEFAULT_URL})
  --token TOKEN  a bearer token of tokens.conf (MODLOADER_TOKEN)

Several modules in one load, unload or reload are done in order; load and unload stop at the
first refusal, as Asterisk's do. Exit status: 0 done, 1 refused by the service, 2 usage,
3 service unreachable.
`;

const EVENTS_HELP = `Usage: modloader events [--events a,b] [--module GLOB] [--since SEQ [--boot ID]] [--json] [--url URL] [--token TOKEN]

Prints the service's event stream, one event per line (--json: the messages as they come),
until the service closes it or the command is interrupted. The first line (hello) says the
service's boot id; resume with --since SEQ --boot ID, and a restart in between is said (gap).
`;

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
  const { target } = remoteOptions([...(values.url === undefined ? [] : ['--url', String(values.url)]), ...(values.token === undefined ? [] : ['--token', String(values.token)])]);
  return { target, positionals: parsed.positionals, values };
}

/** Runs `body`, turning usage and remote errors into their message and exit status. */
export async function guarded(io: CliIO, help: string, body: () => Promise<number>): Promise<number> {
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

/**
 * `modloader <group> …` for a group of remote commands (`module`, `manifest rescan`,
 * `config`): `argv` are the words after the group.
 */
export function runRemote(group: string, argv: string[], io: CliIO): Promise<number> {
  return guarded(io, REMOTE_HELP, async () => {
    const { words, target, json, help } = remoteOptions(argv);
    if (help) {
      io.out(REMOTE_HELP);
      return EXIT.ok;
    }
    return execute([group, ...words], { target, io, json });
  });
}

/** `modloader module …` */
export const runModule = (argv: string[], io: CliIO): Promise<number> => runRemote('module', argv, io);

/** `modloader config …` */
export const runConfig = (argv: string[], io: CliIO): Promise<number> => runRemote('config', argv, io);

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
