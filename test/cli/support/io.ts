/** A CliIO that keeps what a command prints. */
import type { CliIO } from '../../../src/cli/io.js';

export interface CapturedIO extends CliIO {
  stdout: string;
  stderr: string;
}

export function captureIO(onOut?: (text: string) => void): CapturedIO {
  const io: CapturedIO = {
    stdout: '',
    stderr: '',
    out(text) {
      io.stdout += text.endsWith('\n') ? text : `${text}\n`;
      onOut?.(text);
    },
    err(text) {
      io.stderr += text.endsWith('\n') ? text : `${text}\n`;
    },
  };
  return io;
}
