/**
 * Comment removal for one line of an Asterisk-dialect config file: `;` starts a comment that
 * runs to the end of the line, `\;` is a literal semicolon, and `;--` … `--;` is a block
 * comment that may span lines and nest. Other backslashes are kept as written.
 */

export interface StripResult {
  /** The line's content outside comments, `\;` unescaped, not yet trimmed. */
  content: string;
  /** Block-comment nesting depth after this line (0: outside any block comment). */
  depth: number;
}

/**
 * Strips comments from `line`, entering it at block-comment nesting `depth` (0 at the start of
 * a file). O(length of the line).
 */
export function stripComment(line: string, depth: number): StripResult {
  let content = '';
  let i = 0;
  while (i < line.length) {
    if (depth > 0) {
      if (line.startsWith('--;', i)) {
        depth -= 1;
        i += 3;
      } else if (line.startsWith(';--', i)) {
        depth += 1;
        i += 3;
      } else {
        i += 1;
      }
      continue;
    }
    const char = line[i];
    if (char === '\\' && line[i + 1] === ';') {
      content += ';';
      i += 2;
    } else if (line.startsWith(';--', i)) {
      depth += 1;
      i += 3;
    } else if (char === ';') {
      break;
    } else {
      content += char;
      i += 1;
    }
  }
  return { content, depth };
}
