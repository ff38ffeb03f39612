/**
 * Finds the `/*** MODULEINFO … ***\/` and `/*** DOCUMENTATION … ***\/` comment blocks of a source
 * file and hands back their lines with 1-based line numbers in the file. Works on any text
 * (binary junk, CRLF or lone CR line ends, huge files): one linear pass, no backtracking.
 */

export type BlockKind = 'MODULEINFO' | 'DOCUMENTATION';

export interface SourceLine {
  line: number;
  text: string;
}

export interface CommentBlock {
  kind: BlockKind;
  /** The line of the opening `/***` marker. */
  line: number;
  lines: SourceLine[];
}

export interface BlockScan {
  blocks: CommentBlock[];
  /** Blocks opened and never closed: the line of each opening marker. */
  unterminated: Array<{ kind: BlockKind; line: number }>;
}

const OPENING = /\/\*\*\*[ \t]*(MODULEINFO|DOCUMENTATION)\b/g;
const CLOSING = '***/';
const LINE_BREAK = /\r\n|\r|\n/g;

/** Counts line breaks forward only, so a whole file costs one pass however many blocks it has. */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly text: string) {}

  /** The 1-based line that `index` is on; `index` must not go backwards between calls. */
  at(index: number): number {
    LINE_BREAK.lastIndex = this.offset;
    for (let m = LINE_BREAK.exec(this.text); m !== null && m.index < index; m = LINE_BREAK.exec(this.text)) {
      this.line += 1;
      this.offset = m.index + m[0].length;
      LINE_BREAK.lastIndex = this.offset;
    }
    return this.line;
  }
}

/** Every MODULEINFO and DOCUMENTATION block in `text`, in file order. */
export function findCommentBlocks(text: string): BlockScan {
  const scan: BlockScan = { blocks: [], unterminated: [] };
  if (!text.includes('/***')) return scan;
  const lines = new LineCounter(text);
  OPENING.lastIndex = 0;
  for (let open = OPENING.exec(text); open !== null; open = OPENING.exec(text)) {
    const kind = open[1] as BlockKind;
    const start = open.index + open[0].length;
    const line = lines.at(open.index);
    const end = text.indexOf(CLOSING, start);
    if (end === -1) {
      scan.unterminated.push({ kind, line });
      break; // everything after an unclosed comment is inside it
    }
    const body = text.slice(start, end).split(/\r\n|\r|\n/);
    scan.blocks.push({ kind, line, lines: body.map((t, i) => ({ line: line + i, text: t })) });
    OPENING.lastIndex = end + CLOSING.length;
  }
  return scan;
}
