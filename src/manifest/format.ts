/**
 * {@link Manifest} to text in the proposal's layout: `[module]` (name, checksum, support_level,
 * load_priority, export_globals only when yes, config…, description), then `[uses]`, `[canuse]`
 * and `[provides]`, each left out when empty. `parseManifest(formatManifest(m))` gives `m` back.
 */
import type { Manifest, ProvidedRef, Ref } from '../core/manifest.js';

/** Values that `ini` reads back unchanged as they are; anything else is written JSON-quoted. */
const PLAIN = /^[^\s;#\\"'=[](?:[^;#\\"'=\r\n]*[^\s;#\\"'=])?$/;

function value(text: string): string {
  return PLAIN.test(text) ? text : JSON.stringify(text);
}

function refLine(ref: Ref): string {
  return `${ref.type}=${value(ref.name)}`;
}

function providedLine(ref: ProvidedRef): string {
  return ref.priority === 0 ? refLine(ref) : `${ref.type}=${value(`${ref.name}:${ref.priority}`)}`;
}

/** The manifest's INI text, ending in a newline. */
export function formatManifest(m: Manifest): string {
  const module = [`name=${m.name}`, `checksum=${m.checksum}`];
  if (m.support_level !== undefined) module.push(`support_level=${m.support_level}`);
  if (m.load_priority !== undefined) module.push(`load_priority=${m.load_priority}`);
  if (m.export_globals) module.push('export_globals=yes');
  for (const file of m.config) module.push(`config=${value(file)}`);
  if (m.description !== undefined) module.push(`description=${value(m.description)}`);

  const sections: Array<[string, string[]]> = [
    ['module', module],
    ['uses', m.uses.map(refLine)],
    ['canuse', m.canuse.map(refLine)],
    ['provides', m.provides.map(providedLine)],
  ];
  return (
    sections
      .filter(([, lines]) => lines.length > 0)
      .map(([name, lines]) => `[${name}]\n${lines.join('\n')}\n`)
      .join('\n')
  );
}
