/**
 * `modloader manifest generate|check`: the proposal's `make all` and `make check` (SPEC 4).
 * Findings and errors are one line each, naming the file (and line); the exit status is 0 when
 * all is well, 1 when anything is wrong, 2 for a usage error.
 */
import { stderr } from 'node:process';
import { parseArgs } from 'node:util';
import { checkManifests, formatFinding } from '../manifest/check.js';
import { generateManifests, type GenerateProgress } from '../manifest/generate/generate.js';
import { formatProblem } from '../manifest/problem.js';
import { listManifestFiles } from '../manifest/read.js';
import { processIO, type CliIO } from './io.js';

export const MANIFEST_HELP = `Usage:
  modloader manifest generate <src-dir> [--out DIR] [--checksum md5|sha256] [--verbose]
      Write <name>.manifest for every module source (.c, .js, .mjs, .cjs, .ts) under <src-dir>,
      beside each source or into --out. --verbose also lists the files skipped and why.
  modloader manifest check <dir>
      Lint the manifests in <dir>: schema, checksums against the binaries beside them,
      uses that nothing provides, dependency cycles. Exit status 1 when anything is wrong.
  modloader manifest rescan [--url URL] [--token TOKEN] [--json]
      Make the running service pick up new, changed and removed manifests (hot install).
`;

/** Progress lines on a non-terminal stderr: one every this many files. */
const PROGRESS_EVERY = 250;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'generate') return generate(rest, io);
  if (sub === 'check') return check(rest, io);
  if (sub === 'rescan') return (await import('./remote-command.js')).runRemote('manifest', argv, io);
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(MANIFEST_HELP);
    return 0;
  }
  io.err(sub === undefined ? MANIFEST_HELP : `modloader manifest: unknown subcommand '${sub}'\n\n${MANIFEST_HELP}`);
  return 2;
}

function usage(io: CliIO, message: string): number {
  io.err(`modloader manifest: ${message}\n\n${MANIFEST_HELP}`);
  return 2;
}

async function generate(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, checksum: { type: 'string' }, verbose: { type: 'boolean' } },
    });
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usage(io, 'generate takes exactly one <src-dir>');
  const checksum = values.checksum ?? 'md5';
  if (checksum !== 'md5' && checksum !== 'sha256') return usage(io, `--checksum must be md5 or sha256, not '${checksum}'`);
  const [srcDir] = positionals as [string];

  const started = Date.now();
  const progress = progressPrinter(io);
  const result = await generateManifests(srcDir, { out: values.out, checksum, onProgress: progress.update });
  progress.done();

  for (const problem of result.errors) io.err(formatProblem(problem));
  if (values.verbose) for (const s of result.skipped) io.out(`${s.file}: skipped: ${s.reason}`);
  const target = values.out ?? srcDir;
  io.out(
    `manifest generate: ${result.written.length} manifests in ${target}, ${result.skipped.length} files skipped, ` +
      `${result.errors.length} errors (${Date.now() - started} ms)`,
  );
  return result.errors.length > 0 ? 1 : 0;
}

async function check(argv: string[], io: CliIO): Promise<number> {
  if (argv.length !== 1 || argv[0]?.startsWith('-')) return usage(io, 'check takes exactly one <dir>');
  const [dir] = argv as [string];
  let findings;
  try {
    findings = await checkManifests(dir);
  } catch (err) {
    io.err(`modloader manifest check: cannot read ${dir}: ${(err as Error).message}`);
    return 1;
  }
  for (const finding of findings) io.out(formatFinding(finding));
  if (findings.length > 0) {
    io.out(`manifest check: ${findings.length} problem${findings.length === 1 ? '' : 's'} in ${dir}`);
    return 1;
  }
  const count = (await listManifestFiles(dir)).length;
  io.out(`manifest check: ${count} manifests in ${dir}: schema, checksums, dependencies and cycles all clean`);
  return 0;
}

/**
 * On a terminal: one self-overwriting counter line. Elsewhere (CI logs, pipes): a line every
 * {@link PROGRESS_EVERY} files, so long runs show life without flooding short ones.
 */
function progressPrinter(io: CliIO): { update: (p: GenerateProgress) => void; done: () => void } {
  // Overwriting a line only makes sense on the real terminal, not through a captured io.
  const tty = stderr.isTTY === true && io.err === processIO.err;
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      const verb = p.phase === 'read' ? 'read' : 'wrote';
      const noun = p.phase === 'read' ? 'sources' : 'manifests';
      if (tty) {
        const now = Date.now();
        if (now - last < 100 && p.done !== p.total) return;
        last = now;
        shown = true;
        stderr.write(`\r${verb} ${p.done}/${p.total} ${noun}\u001b[K`);
      } else if (p.done % PROGRESS_EVERY === 0) {
        io.err(`${verb} ${p.done}/${p.total} ${noun}`);
      }
    },
    done: () => {
      if (shown) stderr.write('\r\u001b[K');
    },
  };
}
