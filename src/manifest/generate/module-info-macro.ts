/**
 * Reads today's Asterisk `AST_MODULE_INFO(...)` macro (and its `_STANDARD`, `_STANDARD_EXTENDED`,
 * `_STANDARD_DEPRECATED` forms), where most runtime dependencies are declared (SPEC 4):
 * `.requires = "a,b"` → uses `module=a`, `module=b`; `.optional_modules` → canuse;
 * `.load_pri = AST_MODPRI_X[ ± n]` → `load_priority=x`; `AST_MODFLAG_GLOBAL_SYMBOLS` →
 * `export_globals`; the description string (a literal, or a `tdesc`-style constant or #define
 * in the same file); `.support_level` as a fallback for MODULEINFO's.
 */
import { LOAD_PRIORITIES, SUPPORT_LEVELS, type LoadPriority, type SupportLevel } from '../../core/manifest.js';
import { MODULE_NAME_PATTERN } from '../../core/names.js';
import type { ManifestProblem } from '../problem.js';
import { descriptionSchema } from '../schema.js';
import { leadingStringLiterals, splitArguments, stringLiteralValue } from './c-arguments.js';
import type { Located } from './draft.js';

export interface ModuleInfoMacro {
  /** The line of the invocation. */
  line: number;
  requires: Array<Located<string>>;
  optional: Array<Located<string>>;
  load_priority?: Located<LoadPriority>;
  support_level?: Located<SupportLevel>;
  export_globals: boolean;
  description?: Located<string>;
}

/** An invocation at the start of a line (so `#define AST_MODULE_INFO(` and comments don't count). */
const INVOCATION = /^[ \t]*(AST_MODULE_INFO(?:_STANDARD(?:_EXTENDED|_DEPRECATED)?)?)[ \t]*\(/m;
const ANY_INVOCATION = /^[ \t]*AST_MODULE_INFO\w*[ \t]*\(/m;
const STANDARD_SUPPORT: Record<string, SupportLevel> = {
  AST_MODULE_INFO_STANDARD: 'core',
  AST_MODULE_INFO_STANDARD_EXTENDED: 'extended',
  AST_MODULE_INFO_STANDARD_DEPRECATED: 'deprecated',
};
const FIELD = /^\.([A-Za-z_]\w*)\s*=\s*([\s\S]*)$/;

/** True when the text invokes the macro in any form (known or not). */
export function hasModuleInfoMacro(text: string): boolean {
  return text.includes('AST_MODULE_INFO') && ANY_INVOCATION.test(text);
}

/**
 * The first invocation's data, or undefined when there is none. A malformed invocation adds a
 * problem (with its line) and still returns what could be read, so the file counts as a module.
 */
export function readModuleInfoMacro(text: string, file: string, problems: ManifestProblem[]): ModuleInfoMacro | undefined {
  if (!hasModuleInfoMacro(text)) return undefined;
  const match = INVOCATION.exec(text);
  const at = match ? match.index : (ANY_INVOCATION.exec(text)?.index ?? 0);
  const line = lineAt(text, at);
  const report = (message: string, where = line, key?: string): void =>
    void problems.push({ file, section: 'AST_MODULE_INFO', key, line: where, code: 'malformed_macro', message });
  const macro: ModuleInfoMacro = { line, requires: [], optional: [], export_globals: false };
  if (!match) {
    report('unknown AST_MODULE_INFO variant');
    return macro;
  }
  const variant = match[1] ?? '';
  const args = splitArguments(text, at + match[0].length - 1, line);
  if (!args) {
    report('the macro invocation is never closed');
    return macro;
  }
  const standard = STANDARD_SUPPORT[variant];
  const flagsArg = standard ? undefined : args[1];
  const descArg = standard ? args[1] : args[2];
  const fields = standard ? [] : args.slice(3);
  if (!descArg) {
    report('expected the key, flags and description arguments');
    return macro;
  }
  if (standard) macro.support_level = { value: standard, line };
  macro.export_globals = flagsArg?.text.includes('AST_MODFLAG_GLOBAL_SYMBOLS') ?? false;
  const description = descriptionOf(descArg.text, text);
  if (description !== undefined) {
    const parsed = descriptionSchema.safeParse(description);
    if (parsed.success) macro.description = { value: parsed.data, line: descArg.line };
    else report(`description "${description}": ${parsed.error.issues[0]?.message ?? 'is not valid'}`, descArg.line, 'description');
  }

  for (const arg of fields) {
    const field = FIELD.exec(arg.text);
    if (!field) continue; // positional or unrecognised: nothing for the manifest
    const [, name, value = ''] = field;
    if (name === 'requires' || name === 'optional_modules') {
      const list = stringLiteralValue(value);
      if (list === undefined) {
        report(`.${name} must be a string literal such as "res_a,res_b"`, arg.line, name);
        continue;
      }
      for (const module of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        if (!MODULE_NAME_PATTERN.test(module)) report(`.${name} names "${module}", which is not a module name`, arg.line, name);
        else (name === 'requires' ? macro.requires : macro.optional).push({ value: module, line: arg.line });
      }
    } else if (name === 'load_pri') {
      const symbol = /^AST_MODPRI_([A-Z0-9_]+)\b/.exec(value)?.[1]?.toLowerCase();
      if (symbol === undefined) continue; // a bare number: no named priority to carry over
      if (!(LOAD_PRIORITIES as readonly string[]).includes(symbol)) report(`unknown load priority AST_MODPRI_${symbol.toUpperCase()}`, arg.line, name);
      else macro.load_priority = { value: symbol as LoadPriority, line: arg.line };
    } else if (name === 'support_level') {
      const level = /^AST_MODULE_SUPPORT_([A-Z]+)\b/.exec(value)?.[1]?.toLowerCase();
      if (level !== undefined && (SUPPORT_LEVELS as readonly string[]).includes(level)) {
        macro.support_level = { value: level as SupportLevel, line: arg.line };
      }
    }
  }
  return macro;
}

/** A literal description, or the literal behind a constant or #define of that name. */
function descriptionOf(expression: string, text: string): string | undefined {
  const literal = stringLiteralValue(expression);
  if (literal !== undefined) return tidy(literal);
  if (!/^[A-Za-z_]\w*$/.test(expression)) return undefined;
  const definition = new RegExp(
    `(?:\\bchar\\s+(?:const\\s+)?\\*?\\s*${expression}\\s*(?:\\[\\s*\\])?\\s*=|^[ \\t]*#[ \\t]*define[ \\t]+${expression}[ \\t]+)`,
    'm',
  ).exec(text);
  if (!definition) return undefined;
  const value = leadingStringLiterals(text.slice(definition.index + definition[0].length, definition.index + definition[0].length + 4096));
  return value === undefined ? undefined : tidy(value);
}

function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}
