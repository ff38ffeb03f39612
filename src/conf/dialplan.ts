/**
 * The application steps of `extensions.conf` (SPEC 5): every `exten => ext,prio,App(args)` and
 * `same => prio,App(args)` of each context becomes a {@link DialplanEntry}. Priorities follow
 * Asterisk's pbx_config: a number, `n`/`next` (one more than the context's previous step),
 * `s`/`same` (the previous step's), an earlier label of the same extension, each optionally
 * `+N`, and optionally labelled `(name)`; `hint` steps are not applications and are skipped.
 */
import type { DialplanEntry, Policy } from '../core/policy.js';
import type { ConfigFile } from '../core/types.js';
import { ConfError } from './conf-error.js';
import { excerpt } from './excerpt.js';

type Entry = ConfigFile['sections'][number]['entries'][number];

/** Sections of extensions.conf that are not dialplan contexts. */
const NOT_CONTEXTS = new Set(['general', 'globals']);
/** Context keys that do not run applications. */
const OTHER_CONTEXT_KEYS = new Set(['include', 'ignorepat', 'switch', 'lswitch', 'eswitch']);
const APPLICATION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads a parsed extensions.conf. Never throws: a step it cannot read becomes a
 * {@link ConfError} (named by file and line) and is skipped; a step whose application is
 * computed at run time (`${APP}(…)`) cannot be known and becomes a warning.
 */
export function readDialplan(file: ConfigFile): { dialplan: DialplanEntry[]; warnings: Policy['warnings']; errors: ConfError[] } {
  const dialplan: DialplanEntry[] = [];
  const warnings: Policy['warnings'] = [];
  const errors: ConfError[] = [];
  for (const section of file.sections) {
    if (NOT_CONTEXTS.has(section.name.toLowerCase())) continue;
    const context = new ContextReader(file.file, section.name);
    for (const entry of section.entries) {
      try {
        const step = context.read(entry);
        if (step === null) continue;
        if (step.dynamic) {
          warnings.push({ file: file.file, line: entry.line, message: `${step.app}: the application is computed at run time and cannot be known; declare what it needs in modules.conf [uses]` });
          continue;
        }
        dialplan.push({ context: section.name, exten: step.exten, priority: String(step.priority), app: step.app, file: file.file, line: entry.line });
      } catch (err) {
        if (!(err instanceof ConfError)) throw err;
        errors.push(err);
      }
    }
  }
  return { dialplan, warnings, errors };
}

interface Step {
  exten: string;
  priority: number;
  app: string;
  dynamic: boolean;
}

/** The running state of one context: the previous extension and priority, and the labels. */
class ContextReader {
  private lastExten: string | null = null;
  private lastPriority: number | null = null;
  private readonly labels = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly context: string,
  ) {}

  /** The step an entry describes; null when it runs no application (hint, include, …). */
  read(entry: Entry): Step | null {
    const key = entry.key.toLowerCase();
    let exten: string;
    let rest: string;
    if (key === 'exten') {
      [exten, rest] = splitExtension(entry.value);
      if (exten === '') throw this.error('invalid_value', entry, 'exten => has no extension before the first comma');
      this.lastExten = exten;
    } else if (key === 'same') {
      if (this.lastExten === null) throw this.error('same_without_exten', entry, `same => has no exten => line before it in [${this.context}]`);
      exten = this.lastExten;
      rest = entry.value;
    } else if (OTHER_CONTEXT_KEYS.has(key)) {
      return null;
    } else {
      throw this.error('unknown_key', entry, `${excerpt(entry.key)} is not a dialplan key (exten, same, include, ignorepat, switch)`);
    }

    const comma = rest.indexOf(',');
    const priorityText = (comma < 0 ? rest : rest.slice(0, comma)).trim();
    const appText = comma < 0 ? '' : rest.slice(comma + 1).trim();
    const priority = this.priority(priorityText, exten, entry);
    if (priority === null) return null;
    this.lastPriority = priority;

    const paren = appText.indexOf('(');
    const app = (paren < 0 ? appText : appText.slice(0, paren)).trim();
    if (app.includes('${') || app.includes('$[')) return { exten, priority, app, dynamic: true };
    if (!APPLICATION_NAME.test(app)) {
      throw this.error('invalid_application', entry, app === '' ? `${excerpt(exten)},${excerpt(priorityText)}: no application` : `${excerpt(app)} is not an application name`);
    }
    return { exten, priority, app, dynamic: false };
  }

  /** The numeric priority of `text`; null for `hint`. Records a `(label)`. */
  private priority(text: string, exten: string, entry: Entry): number | null {
    const match = /^([^()+]*?)\s*(?:\+\s*(\d+))?\s*(?:\(([^()]*)\))?$/.exec(text);
    if (!match) throw this.error('invalid_priority', entry, `${excerpt(text)} is not a priority (a number, n, s, hint or a label, optionally +N and (label))`);
    const [, base = '', offset, label] = match;
    if (base === 'hint') return null;
    if (base === '') throw this.error('invalid_priority', entry, `${excerpt(exten)}: no priority`);
    let priority: number;
    if (base === 'n' || base === 'next' || base === 's' || base === 'same') {
      if (this.lastPriority === null) throw this.error('invalid_priority', entry, `${excerpt(base)} cannot be the first priority of [${this.context}]`);
      priority = base.startsWith('n') ? this.lastPriority + 1 : this.lastPriority;
    } else if (/^\d+$/.test(base)) {
      priority = Number(base);
      if (priority < 1) throw this.error('invalid_priority', entry, `priority ${base} is not 1 or more`);
    } else {
      const labelled = this.labels.get(`${exten}\0${base}`);
      if (labelled === undefined) throw this.error('invalid_priority', entry, `${excerpt(base)} is neither a priority nor a label of ${excerpt(exten)} defined above`);
      priority = labelled;
    }
    priority += offset === undefined ? 0 : Number(offset);
    if (label !== undefined && label.trim() !== '') this.labels.set(`${exten}\0${label.trim()}`, priority);
    return priority;
  }

  private error(code: ConstructorParameters<typeof ConfError>[0], entry: Entry, detail: string): ConfError {
    return new ConfError(code, this.file, entry.line, detail);
  }
}

/**
 * Splits `ext,rest` at the first comma outside `[…]` (extension patterns such as `_[1,5]XX`
 * may contain commas), honouring `\,`. Returns the trimmed extension and the rest.
 */
function splitExtension(value: string): [string, string] {
  let square = 0;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (char === '\\') i++;
    else if (char === '[') square++;
    else if (char === ']' && square > 0) square--;
    else if (char === ',' && square === 0) return [value.slice(0, i).trim(), value.slice(i + 1)];
  }
  return [value.trim(), ''];
}
