import { describe, expect, it } from 'vitest';
import { decodeEntities } from '../../../src/manifest/generate/entities.js';

describe('decodeEntities', () => {
  it('decodes the five XML entities', () => {
    expect(decodeEntities('&amp; &lt; &gt; &quot; &apos;')).toBe(`& < > " '`);
  });
  it('decodes numeric character references', () => {
    expect(decodeEntities('&#65;&#x42;&#X43;')).toBe('ABC');
  });
  it('decodes once, so an escaped entity stays an entity', () => {
    expect(decodeEntities('&amp;lt;')).toBe('&lt;');
  });
  it('leaves unknown or broken entities as written', () => {
    expect(decodeEntities('&nbsp; & &#0; &#x110000; &amp')).toBe('&nbsp; & &#0; &#x110000; &amp');
  });
});
