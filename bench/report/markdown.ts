/**
 * The results table in Markdown, and writing it into a document between two marker comments
 * so the hand-written text around it (method, findings) stays as it is.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { formatMeasure, formatRatio, formatTarget, passes, type FigureResult } from './figure.js';
import type { RunInfo } from './machine.js';

export const START_MARKER = '<!-- bench:results:start (written by npm run bench; do not edit by hand) -->';
export const END_MARKER = '<!-- bench:results:end -->';

export interface Skipped {
  ids: number[];
  reason: string;
}

export function resultsMarkdown(info: RunInfo, figures: FigureResult[], skipped: Skipped[]): string {
  const lines: string[] = [];
  lines.push(
    `Run ${info.date} with \`${info.command}\` (${info.mode} mode: median of ${info.runs} runs per side, ${Math.min(3, info.runs)} for figure 3; seed ${info.seed}).`,
  );
  lines.push('');
  lines.push(`Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB memory, ${info.os}; Node.js ${info.node}.`);
  lines.push('');
  lines.push(
    'Measured and baseline are the medians of their runs; the ratio is the median of the per-run ratios, each run pairing the two sides measured next to each other (figure 2: the ratio of the medians).',
  );
  lines.push('');
  lines.push('| # | figure | measured | baseline | ratio | target | result |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const f of [...figures].sort((a, b) => a.id - b.id)) {
    lines.push(
      `| ${f.id} | ${f.title} | ${formatMeasure(f.measured)} | ${formatMeasure(f.baseline)} | ${formatRatio(f)} | ${formatTarget(f)} | ${passes(f) ? 'pass' : '**FAIL**'} |`,
    );
  }
  for (const s of skipped) {
    for (const id of s.ids) lines.push(`| ${id} | not run | | | | | ${s.reason.replace(/\|/g, '\\|')} |`);
  }
  lines.push('');
  for (const f of [...figures].sort((a, b) => a.id - b.id)) {
    const missed = passes(f) ? '' : ` **Missed** (${formatRatio(f)} against ${formatTarget(f)}): the profiled cause is under "What the profiles found", figure ${f.id}.`;
    lines.push(`${f.id}. ${f.notes.join(' ')} Runs (${f.measured.unit}): measured ${list(f.measured.runs)}; baseline ${list(f.baseline.runs)}.${missed}`);
  }
  return lines.join('\n');
}

function list(runs: number[]): string {
  return runs.map((r) => (r >= 100 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toFixed(3))).join(', ');
}

/** Replaces the text between the markers of `file` (creating the file or markers if absent). */
export async function writeResults(file: string, results: string, title: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = `# ${title}\n\n## Results\n\n${START_MARKER}\n${END_MARKER}\n`;
  }
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  const block = `${START_MARKER}\n${results}\n${END_MARKER}`;
  const next =
    start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + END_MARKER.length) : `${text.trimEnd()}\n\n## Results\n\n${block}\n`;
  await writeFile(file, next);
}
