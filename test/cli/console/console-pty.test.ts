/**
 * `modloader -r` in a real pseudo-terminal (util-linux `script` gives it one, as a terminal
 * would): the prompt, Tab completing a module name, a command run, the history recalled with
 * the Up arrow and kept in the history file, and `exit`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT } from '../../../src/cli/console/console.js';
import { packageRoot } from '../../../src/http/settings.js';
import { startService, type TestService } from '../../http/support/service.js';
import { SECRETS, TOKENS_CONF } from '../../http/support/tokens.js';

let s: TestService;
let home: string;
beforeAll(async () => {
  s = await startService({ listen: true, config: { 'tokens.conf': TOKENS_CONF } });
  home = await mkdtemp(join(tmpdir(), 'modloader-console-'));
});
afterAll(async () => {
  await s?.stop();
  await rm(home, { recursive: true, force: true });
});

// eslint-disable-next-line no-control-regex
const plain = (text: string): string => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

class Terminal {
  output = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** Waits until the screen (escapes removed) after `from` matches; fails showing it after 15 s. */
  async waitFor(pattern: RegExp, from = 0): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const screen = plain(this.output.slice(from));
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the screen never matched ${pattern}:\n${JSON.stringify(screen)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 1000);
      });
    }
  }
}

describe('modloader -r', () => {
  it('completes a module name with Tab, runs the command, recalls it with Up, and exits', async () => {
    const root = packageRoot();
    const command = [join(root, 'node_modules/.bin/vite-node'), join(root, 'test/cli/support/run-cli.ts'), '-r', '--url', s.url, '--token', SECRETS.admin].join(' ');
    const history = join(home, 'history');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, TERM: 'xterm', MODLOADER_CONSOLE_HISTORY: history },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const term = new Terminal(child);
    try {
      await term.waitFor(new RegExp(`Connected to modloader at ${s.url}[\\s\\S]*${PROMPT.replace('*', '\\*')}`));

      let mark = term.output.length;
      term.type('module load func_periodic_h\t');
      await term.waitFor(/module load func_periodic_hook $/, mark);
      term.type('\r');
      await term.waitFor(/Loaded func_periodic_hook \(op-\d+\)[\s\S]*modloader\*CLI> $/, mark);
      expect(s.loader.get('func_periodic_hook').state).toBe('running');

      mark = term.output.length;
      term.type('\x1b[A');
      await term.waitFor(/module load func_periodic_hook\s*$/, mark);
      term.type('\r');
      await term.waitFor(/func_periodic_hook is already loaded/, mark);

      term.type('exit\r');
      expect(await term.exited).toBe(0);
      expect(await readFile(history, 'utf8')).toBe('module load func_periodic_hook\nexit\n');
    } finally {
      child.kill();
      await s.loader.unload('func_periodic_hook');
    }
  });
});
