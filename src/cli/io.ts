/**
 * Where the CLI writes: every command takes a {@link CliIO}, so tests capture its output and the
 * real process writes to stdout and stderr.
 */
import { stderr, stdout } from 'node:process';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export const processIO: CliIO = {
  out: (text) => void stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
