/**
 * A line scanner for INI text that follows the `ini` package's grammar line for line, so that
 * every value `ini.decode` returns can be tied back to the line it came from, and so that the
 * lines `ini.decode` silently drops or guesses at (no `=`, empty key) become errors instead.
 */
import { unsafe } from 'ini';

/** The pattern `ini` (v5) matches each line against: `[section]` or `key[=value]`. */
const INI_LINE = /^\[([^\]]*)\]\s*$|^([^=]+)(=(.*))?$/;
const SKIPPED = /^\s*(?:[;#]|$)/;

export type IniLine =
  | { kind: 'section'; line: number; name: string }
  /** `hasValue` is false for a bare `key` line, which `ini` reads as `key=true`. */
  | { kind: 'entry'; line: number; section: string | null; key: string; hasValue: boolean }
  /** A line `ini` ignores without a word, such as `=value`. */
  | { kind: 'invalid'; line: number; section: string | null; text: string };

/** Every meaningful line of `text` (comments and blank lines left out), 1-based line numbers. */
export function scanIniLines(text: string): IniLine[] {
  const out: IniLine[] = [];
  let section: string | null = null;
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (SKIPPED.test(raw)) continue;
    const line = i + 1;
    const match = INI_LINE.exec(raw);
    if (!match) {
      out.push({ kind: 'invalid', line, section, text: raw });
    } else if (match[1] !== undefined) {
      section = unsafe(match[1]);
      out.push({ kind: 'section', line, name: section });
    } else {
      out.push({ kind: 'entry', line, section, key: unsafe(match[2] ?? ''), hasValue: match[3] !== undefined });
    }
  }
  return out;
}
