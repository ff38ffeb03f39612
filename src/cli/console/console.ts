/**
 * `modloader -r` and `modloader -rx "CMD"`, as `asterisk -r` and `-rx`: an interactive console
 * against the running service (a prompt, history kept in ~/.modloader_history, Tab completion
 * of commands and module names), or one command run and the exit status returned. Both run the
 * same commands as `modloader module …` (commands.ts).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { CliIO } from '../io.js';
import { EXIT, type RemoteTarget, request } from '../remote/client.js';
import { guarded } from '../remote-command.js';
import { commandHelp, execute } from './commands.js';
import { complete, serviceNames } from './completion.js';
import { remoteOptions, UsageError } from './options.js';
import { splitWords } from './words.js';

export const PROMPT = 'modloader*CLI> ';
const HISTORY_SIZE = 1000;

export const CONSOLE_HELP = `Usage: modloader -r [--url URL] [--token TOKEN]
       modloader -rx "COMMAND" [--json] [--url URL] [--token TOKEN]

-r opens a console on the running service (like asterisk -r): Tab completes commands and
module names, Up and Down walk the history (~/.modloader_history, or MODLOADER_CONSOLE_HISTORY),
'exit', 'quit' or Ctrl-D leave. -rx runs one command and exits with its status.

Commands:
${commandHelp()}
`;

/** Where the console keeps its history. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODLOADER_CONSOLE_HISTORY || join(homedir(), '.modloader_history');
}

async function readHistory(file: string): Promise<string[]> {
  try {
    // readline wants the newest first
    return (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '').slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

async function writeHistory(file: string, history: readonly string[]): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${[...history].reverse().map((line) => line.trim()).join('\n')}\n`, { mode: 0o600 });
  } catch {
    // a history that cannot be kept is not worth failing the console for
  }
}

/** `modloader -rx "CMD" …`: one command, its exit status. */
export function runOnce(argv: string[], io: CliIO): Promise<number> {
  return guarded(io, CONSOLE_HELP, async () => {
    const { words, target, json, help } = remoteOptions(argv);
    if (help) {
      io.out(CONSOLE_HELP);
      return EXIT.ok;
    }
    if (words.length !== 1) throw new UsageError('-rx takes one command, quoted: modloader -rx "module show like sip"');
    let command: string[];
    try {
      command = splitWords(words[0]!);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    return execute(command, { target, io, json });
  });
}

/** `modloader -r …`: the interactive console; resolves with 0 when the user leaves. */
export function runConsole(argv: string[], io: CliIO): Promise<number> {
  return guarded(io, CONSOLE_HELP, async () => {
    const { words, target, json, help } = remoteOptions(argv);
    if (help) {
      io.out(CONSOLE_HELP);
      return EXIT.ok;
    }
    if (words.length > 0) throw new UsageError(`unexpected '${words[0]}' (to run one command: modloader -rx "COMMAND")`);
    const health = await request<{ uptime_s: number; modules_running: number }>(target, 'GET', '/health');
    io.out(`Connected to modloader at ${target.url}: up ${health.uptime_s} s, ${health.modules_running} modules running.`);
    io.out("Tab completes commands and module names; 'help' lists the commands, 'exit' leaves.");
    return interact(target, json, io);
  });
}

async function interact(target: RemoteTarget, json: boolean, io: CliIO): Promise<number> {
  const file = historyFile();
  const names = serviceNames(target);
  const rl: Interface = createInterface({
    input: process.stdin,
    output: process.stdout,
    prompt: PROMPT,
    history: await readHistory(file),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (err: null, result: [string[], string]) => void) => {
      let words: string[];
      try {
        words = splitWords(line);
      } catch {
        callback(null, [[], line]);
        return;
      }
      const current = /\s$/.test(line) || line === '' ? '' : (words.pop() ?? '');
      complete(words, current, 'console', names).then(
        (found) => callback(null, [found.length === 1 ? [`${found[0]} `] : found, current]),
        () => callback(null, [[], current]),
      );
    },
  });

  return new Promise((resolve) => {
    let queue = Promise.resolve();
    rl.on('SIGINT', () => {
      // Ctrl-C drops what was typed; on an empty line it leaves, as asterisk -r does.
      if (rl.line === '') rl.close();
      else {
        io.out('^C');
        rl.write(null, { ctrl: true, name: 'u' });
        rl.prompt();
      }
    });
    rl.on('line', (line) => {
      queue = queue.then(async () => {
        const done = await runLine(line, target, json, io);
        names.forget?.();
        if (done) rl.close();
        else rl.prompt();
      });
    });
    rl.on('close', () => {
      void queue.then(async () => {
        const history = (rl as unknown as { history: string[] }).history;
        await writeHistory(file, history);
        resolve(EXIT.ok);
      });
    });
    rl.prompt();
  });
}

/** One console line; true when the user asked to leave. */
async function runLine(line: string, target: RemoteTarget, json: boolean, io: CliIO): Promise<boolean> {
  let words: string[];
  try {
    words = splitWords(line);
  } catch (err) {
    io.err(`modloader: ${(err as Error).message}`);
    return false;
  }
  if (words.length === 0) return false;
  if (words[0] === 'exit' || words[0] === 'quit') return true;
  if (words[0] === 'help' || words[0] === '?') {
    io.out(`Commands:\n${commandHelp()}\n  help, exit, quit`);
    return false;
  }
  const status = await guarded(io, 'Type help for the commands.', async () => {
    const { words: rest, json: asJson } = remoteOptions(words);
    return execute(rest, { target, io, json: json || asJson });
  });
  if (status === EXIT.unreachable) io.err('modloader: the service went away; exit, or try again once it is back');
  return false;
}
