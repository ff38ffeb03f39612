/**
 * `modloader serve` as a real child process (from the TypeScript sources, through run-cli.ts):
 * its JSON log lines, its exit, and optionally an IPC channel with a preload of the test's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { packageRoot } from '../../../src/http/settings.js';

const root = packageRoot();

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServeRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first JSON log line that matches. */
  logLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Every JSON log line so far. */
  lines(): Array<Record<string, unknown>>;
  /** Resolves with the first IPC message (received or to come) that matches (with `ipc`). */
  message(match: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

export interface ServeOptions {
  env?: Record<string, string>;
  /** Open an IPC channel (for a preload given in env.NODE_OPTIONS). */
  ipc?: boolean;
}

/** Resolves with the first item of `items` (already there or still to come) that matches. */
function waitable<T>(items: () => T[]): { wait(match: (item: T) => boolean): Promise<T>; check(): void } {
  const waiters: Array<{ match: (item: T) => boolean; resolve: (item: T) => void }> = [];
  return {
    wait(match) {
      const found = items().find(match);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    check() {
      for (const waiter of [...waiters]) {
        const found = items().find(waiter.match);
        if (found) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(found);
        }
      }
    },
  };
}

export function serve(args: string[], options: ServeOptions = {}): ServeRun {
  const child = spawn(join(root, 'node_modules/.bin/vite-node'), [join(root, 'test/cli/support/run-cli.ts'), 'serve', ...args], {
    cwd: root,
    env: { ...process.env, ...options.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  let out = '';
  let err = '';
  const lines = (): Array<Record<string, unknown>> =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const messages: Array<Record<string, unknown>> = [];
  const logWaiters = waitable(lines);
  const messageWaiters = waitable(() => messages);
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    logWaiters.check();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.on('message', (message: Record<string, unknown>) => {
    messages.push(message);
    messageWaiters.check();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    logLine: (match) => logWaiters.wait(match),
    lines,
    message: (match) => messageWaiters.wait(match),
  };
}
