/**
 * How the remote commands print: `module show` in the columns of Asterisk's CLI, operation
 * results as a headline and their plan, events one per line.
 */
import { ASTERISK_STATUS } from '../../asterisk/module-status.js';
import type { ModuleSummary, OpResult } from '../../core/types.js';
import { describeUser } from './client.js';

const pad = (text: string, width: number): string => (text.length > width ? text.slice(0, width) : text.padEnd(width));

/**
 * `module show`: one line per module, as Asterisk's `%-30s %-40.40s %-10d %-11s %13s`, and
 * Asterisk's footer, which counts the rows listed and always says "modules" ("1 modules
 * loaded"), so scripts written against Asterisk read it unchanged.
 */
export function formatModuleTable(modules: readonly ModuleSummary[]): string {
  const line = (name: string, description: string, count: string, status: string, level: string): string =>
    `${pad(name, 30)} ${pad(description, 40)} ${pad(count, 10)} ${pad(status, 11)} ${level.padStart(13)}`.trimEnd();
  const rows = [line('Module', 'Description', 'Use Count', 'Status', 'Support Level')];
  for (const m of modules) {
    rows.push(line(m.name, m.description ?? '', String(m.use_count), ASTERISK_STATUS[m.state], m.support_level ?? 'unknown'));
  }
  rows.push(`${modules.length} modules loaded`);
  return `${rows.join('\n')}\n`;
}

/** The plan of an operation, one indented step per line. */
export function formatPlan(result: OpResult): string {
  return result.plan
    .map((step) => {
      const user = step.user ? ` ${describeUser(step.user)}` : '';
      const direction = step.direction ? ` (${step.direction})` : '';
      return `  ${step.action} ${step.module}${user}${direction}\n`;
    })
    .join('');
}

/** A loader event or stream message as one line: `#12 <time> load chan_sip state=running op=op-3`. */
export function formatEvent(message: Record<string, unknown>): string {
  const { seq, time, event, module, op, cause, ...fields } = message;
  const parts = [seq === undefined ? '--' : `#${String(seq)}`, String(time ?? ''), String(event), module === undefined ? '' : String(module)];
  for (const [key, value] of Object.entries(fields)) {
    const shown = key === 'user' && value && typeof value === 'object' ? describeUser(value as Record<string, unknown>) : typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(`${key}=${shown}`);
  }
  if (op !== undefined) parts.push(`op=${String(op)}`);
  if (cause !== undefined) parts.push(`cause=${String(cause)}`);
  return parts.filter((p) => p !== '').join(' ');
}
