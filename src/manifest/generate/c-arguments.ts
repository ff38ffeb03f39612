/**
 * Just enough C to read a macro invocation: the top-level arguments between `(` and its
 * matching `)`, with comments and preprocessor lines taken out and string literals kept whole,
 * and the value of adjacent string literals (`"a" "b"`). Linear, never throws.
 */

export interface MacroArgument {
  /** The argument's text, comments and preprocessor lines replaced by blanks, trimmed. */
  text: string;
  /** The line it starts on. */
  line: number;
}

/**
 * Splits the argument list that opens at `text[open] === '('`. Returns undefined when the
 * closing `)` never comes (an unterminated invocation).
 */
export function splitArguments(text: string, open: number, openLine: number): MacroArgument[] | undefined {
  const args: MacroArgument[] = [];
  let depth = 0;
  let current = '';
  let line = openLine;
  let argLine = openLine;
  let atLineStart = false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line += 1;
      atLineStart = true;
      current += ' ';
      continue;
    }
    if (atLineStart && c === '#') {
      const end = skipPreprocessorLine(text, i); // the line's own newline, or the end
      line += countNewlines(text, i, end);
      i = end - 1;
      continue;
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') atLineStart = false;
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) return undefined;
      line += countNewlines(text, i, end);
      current += ' ';
      i = end + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      if (end === -1) return undefined;
      i = end - 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = skipQuoted(text, i);
      if (end === -1) return undefined;
      if (current.trim() === '') argLine = line;
      current += text.slice(i, end);
      i = end - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth += 1;
    if (c === ')' || c === ']' || c === '}') {
      if (depth === 0 && c === ')') {
        pushArgument(args, current, argLine);
        return args;
      }
      depth -= 1;
    }
    if (c === ',' && depth === 0) {
      pushArgument(args, current, argLine);
      current = '';
      argLine = line;
      continue;
    }
    if (current.trim() === '' && c.trim() !== '') argLine = line;
    current += c;
  }
  return undefined;
}

function pushArgument(args: MacroArgument[], text: string, line: number): void {
  const trimmed = text.trim();
  // A trailing comma before `)` (as in `.requires = "x",\n);`) leaves an empty last argument.
  if (trimmed !== '') args.push({ text: trimmed, line });
}

/** Index just past the end of the preprocessor line starting at `i` (backslash continuations). */
function skipPreprocessorLine(text: string, i: number): number {
  for (let j = i; j < text.length; j++) {
    if (text[j] === '\n' && text[j - 1] !== '\\' && !(text[j - 1] === '\r' && text[j - 2] === '\\')) return j;
  }
  return text.length;
}

/** Index just past the closing quote of the literal opening at `i`, or -1. */
function skipQuoted(text: string, i: number): number {
  const quote = text[i];
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j += 1;
    else if (c === quote) return j + 1;
    else if (c === '\n') return -1;
  }
  return -1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text[i] === '\n') n += 1;
  return n;
}

const STRING_LITERALS = /^(?:\s*"(?:[^"\\\n]|\\.)*")+\s*$/;
const ONE_LITERAL = /"((?:[^"\\\n]|\\.)*)"/g;

/**
 * The value of an expression made only of adjacent string literals (`"a" "b"` gives `ab`),
 * escapes decoded; undefined for anything else (an identifier, a call, …).
 */
export function stringLiteralValue(expression: string): string | undefined {
  if (!STRING_LITERALS.test(expression)) return undefined;
  let value = '';
  for (const m of expression.matchAll(ONE_LITERAL)) value += decodeEscapes(m[1] ?? '');
  return value;
}

/** The leading run of adjacent string literals in `text` (as after `tdesc[] =`), or undefined. */
export function leadingStringLiterals(text: string): string | undefined {
  const m = /^(?:\s*"(?:[^"\\\n]|\\.)*")+/.exec(text);
  return m ? stringLiteralValue(m[0]) : undefined;
}

const ESCAPES: Record<string, string> = { n: ' ', t: ' ', r: ' ', '\\': '\\', '"': '"', "'": "'" };

function decodeEscapes(body: string): string {
  return body.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}
