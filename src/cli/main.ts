/**
 * `modloader` command dispatcher. Each command group lives in its own file and exports a
 * `run(argv, io)` returning the exit code; this file only routes and prints the top-level help.
 */
import { processIO, type CliIO } from './io.js';

export type { CliIO } from './io.js';

export const HELP = `Usage: modloader <command> [options]

Service
  serve [--modules DIR] [--config DIR] [--host HOST] [--port PORT]
                                  start the management service (defaults: ./modules, ./config,
                                  127.0.0.1, 8088; or MODLOADER_MODULES, MODLOADER_CONFIG,
                                  MODLOADER_HOST, MODLOADER_PORT)

Manifests (the proposal's 'make all' and 'make check')
  manifest generate <src-dir> [--out DIR] [--checksum md5|sha256]
                                  write one manifest per module source
  manifest check <dir>            lint manifests: schema, checksums, unresolved uses, cycles

Remote (drive a running service, like Asterisk's CLI; --url URL --token TOKEN, or
MODLOADER_URL and MODLOADER_TOKEN; --json prints the answers as JSON)
  -r                              interactive console with history and completion (asterisk -r)
  -rx "COMMAND"                   run one console command and exit (asterisk -rx)
  module show [like PATTERN]      list modules
  module load NAME…               load modules (the admin becomes a user)
  module unload [-f|-h] NAME…     release the admin's use; -f: firm unload, -h: firm, no wait
  module reload [NAME…]           run reload(); without a name, of every running module
  module why NAME                 what keeps a module running
  module holds [add|release] …    list, add or release external holds
  manifest rescan                 pick up new and changed manifests (hot install)
  config reload                   re-read the config files
  events [--events a,b] [--module GLOB] [--since SEQ]
                                  print the event stream
  completion bash|zsh             print a shell completion script

  --version                       the version

  --help                          this text
`;

type Command = (argv: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve-command.js')).run,
  manifest: async () => (await import('./manifest-command.js')).run,
  module: async () => (await import('./remote-command.js')).runModule,
  events: async () => (await import('./remote-command.js')).runEvents,
  config: async () => (await import('./remote-command.js')).runConfig,
  '-r': async () => (await import('./console/console.js')).runConsole,
  '-rx': async () => (await import('./console/console.js')).runOnce,
  completion: async () => (await import('./console/completion.js')).runCompletion,
  __complete: async () => (await import('./console/completion.js')).runComplete,
  '--version': async () => (await import('./version.js')).runVersion,
  '-V': async () => (await import('./version.js')).runVersion,
};

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP);
    return command === undefined ? 2 : 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.err(`modloader: unknown command '${command}'\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (err) {
    io.err(`modloader ${command}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
