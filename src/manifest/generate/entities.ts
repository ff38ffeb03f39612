/**
 * XML character references in MODULEINFO and DOCUMENTATION text (SPEC 4): the five named
 * entities `&amp; &lt; &gt; &quot; &apos;` and numeric `&#NN;` / `&#xHH;`. Anything else that
 * looks like an entity is left as written.
 */

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));/g;

/** Decodes in one pass, so `&amp;lt;` becomes `&lt;` (not `<`). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (name !== undefined) return NAMED[name] ?? whole;
    const code = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
