import { describe, expect, it } from 'vitest';
import { findCommentBlocks } from '../../../src/manifest/generate/comment-blocks.js';

describe('findCommentBlocks', () => {
  it('finds MODULEINFO and DOCUMENTATION blocks with the file line of each of their lines', () => {
    const text = 'a\n/*** MODULEINFO\n\t<x/>\n ***/\nb\n  /*** DOCUMENTATION\n\t<y/>\n***/\n';
    expect(findCommentBlocks(text)).toEqual({
      blocks: [
        { kind: 'MODULEINFO', line: 2, lines: [{ line: 2, text: '' }, { line: 3, text: '\t<x/>' }, { line: 4, text: ' ' }] },
        { kind: 'DOCUMENTATION', line: 6, lines: [{ line: 6, text: '' }, { line: 7, text: '\t<y/>' }, { line: 8, text: '' }] },
      ],
      unterminated: [],
    });
  });

  it('counts CRLF and lone CR as one line end each', () => {
    const scan = findCommentBlocks('a\r\nb\rc\n/*** MODULEINFO <x/> ***/');
    expect(scan.blocks[0]?.line).toBe(4);
    expect(scan.blocks[0]?.lines).toEqual([{ line: 4, text: ' <x/> ' }]);
  });

  it('reports a block that is never closed and stops there', () => {
    expect(findCommentBlocks('\n/*** MODULEINFO\n<x/>\n/*** DOCUMENTATION\n')).toEqual({
      blocks: [],
      unterminated: [{ kind: 'MODULEINFO', line: 2 }],
    });
  });

  it('ignores plain comments and text without blocks', () => {
    expect(findCommentBlocks('/** MODULEINFO */ /*** OTHER ***/')).toEqual({ blocks: [], unterminated: [] });
  });
});
