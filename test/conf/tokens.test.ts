import { describe, expect, it } from 'vitest';
import { parseConf } from '../../src/conf/parse.js';
import { parseTokens } from '../../src/conf/tokens.js';

const tokens = (text: string) => parseTokens(parseConf(text, 'tokens.conf'));

describe('parseTokens', () => {
  it('reads one client per section with its secret and role', () => {
    const text = '[dashboard]\nsecret=read-secret-0123456789\nrole=read\n\n[ops]\nsecret=operate+secret/0123456789==\nrole=Operate\n[root]\nrole=admin\nsecret=admin_secret~0123456789\n';
    expect(tokens(text)).toEqual({
      errors: [],
      tokens: [
        { name: 'dashboard', secret: 'read-secret-0123456789', role: 'read' },
        { name: 'ops', secret: 'operate+secret/0123456789==', role: 'operate' },
        { name: 'root', secret: 'admin_secret~0123456789', role: 'admin' },
      ],
    });
  });

  it('gives clients the keys of a template, as manager.conf users can', () => {
    const { tokens: read, errors } = tokens('[viewer](!)\nrole=read\n[grafana](viewer)\nsecret=grafana-0123456789\n');
    expect(errors).toEqual([]);
    expect(read).toEqual([{ name: 'grafana', secret: 'grafana-0123456789', role: 'read' }]);
  });

  describe('leaves out a client that is wrong, naming tokens.conf and the line', () => {
    it.each([
      ['no secret (at the section line)', '[a]\nrole=read\n', 'missing_secret', 1],
      ['no role (at the section line)', '[a]\nsecret=abcdef0123456789\n', 'missing_role', 1],
      ['an unknown role', '[a]\nsecret=abcdef0123456789\nrole=root\n', 'unknown_role', 3],
      ['a secret that cannot be a bearer token', '[a]\nsecret=has space\nrole=read\n', 'invalid_secret', 2],
      ['a repeated key', '[a]\nsecret=abcdef0123456789\nrole=read\nrole=admin\n', 'repeated_key', 4],
      ['an unknown key', '[a]\nsecret=abcdef0123456789\nrole=read\npermit=0.0.0.0\n', 'unknown_key', 4],
      ['a secret shorter than 16 characters', '[a]\nsecret=abcdef0123456\nrole=read\n', 'short_secret', 2],
    ])('%s', (_what, text, code, line) => {
      const result = tokens(text);
      expect(result.tokens).toEqual([]);
      expect(result.errors.map((err) => [err.code, err.file, err.line])).toEqual([[code, 'tokens.conf', line]]);
    });

    it('refuses a second client of the same name and a second client with the same secret', () => {
      const text = '[a]\nsecret=first-0123456789\nrole=read\n[a]\nsecret=other-0123456789\nrole=read\n[b]\nsecret=first-0123456789\nrole=admin\n';
      const result = tokens(text);
      expect(result.tokens.map((token) => token.name)).toEqual(['a']);
      expect(result.errors.map((err) => [err.code, err.line])).toEqual([
        ['duplicate_client', 4],
        ['duplicate_secret', 8],
      ]);
    });
  });
});
