import { describe, expect, it } from 'vitest';
import { ALL, CLASS_BITS } from '../../src/ami/permissions.js';
import { DEFAULT_MANAGER_CONF, parseManagerConf } from '../../src/conf/manager-conf.js';
import { parseConf } from '../../src/conf/parse.js';

const manager = (text: string) => parseManagerConf(parseConf(text, 'manager.conf'));
const codes = (errors: ReadonlyArray<{ code: string; line: number }>) => errors.map((e) => [e.code, e.line]);

describe('parseManagerConf', () => {
  it("is off by default, with Asterisk's port and loopback address", () => {
    expect(manager('[general]\n').conf).toEqual(DEFAULT_MANAGER_CONF);
    expect(DEFAULT_MANAGER_CONF).toMatchObject({ enabled: false, port: 5038, bindaddr: '127.0.0.1' });
  });

  it('reads [general] and one user per section with its read and write classes', () => {
    const { conf, errors } = manager(
      '[general]\nenabled = yes\nport = 5039\nbindaddr = 0.0.0.0\ntimestampevents = yes\n\n[ops]\nsecret = s1\nread = system,call\nwrite = all\n\n[looker]\nsecret = s2\nread = system\n',
    );
    expect(errors).toEqual([]);
    expect(conf).toMatchObject({ enabled: true, port: 5039, bindaddr: '0.0.0.0', timestampevents: true });
    expect(conf.users).toEqual([
      { name: 'ops', secret: 's1', read: CLASS_BITS.system | CLASS_BITS.call, write: ALL },
      { name: 'looker', secret: 's2', read: CLASS_BITS.system, write: 0 },
    ]);
  });

  it("warns about Asterisk's keys that change nothing here, and keeps the user", () => {
    const { conf, errors, warnings } = manager('[general]\nenabled=yes\nwebenabled=yes\n[ops]\nsecret=s\nwritetimeout=100\neventfilter=!Event: Newexten\n');
    expect(errors).toEqual([]);
    expect(codes(warnings)).toEqual([['unknown_key', 3], ['unknown_key', 6], ['unknown_key', 7]]);
    expect(conf.users.map((u) => u.name)).toEqual(['ops']);
  });

  it.each([
    ['an address rule, which would be silently ignored', '[general]\nenabled=yes\n[ops]\nsecret=s\npermit=10.0.0.0/8\n', 'unknown_key', 5],
    ['TLS', '[general]\nenabled=yes\ntlsenable=yes\n', 'unknown_key', 3],
    ['an unknown class', '[general]\nenabled=yes\n[ops]\nsecret=s\nread=system,telepathy\n', 'invalid_value', 5],
    ['a user without secret', '[general]\nenabled=yes\n[ops]\nread=system\n', 'missing_secret', 3],
    ['a port out of range', '[general]\nenabled=yes\nport=70000\n', 'invalid_value', 3],
    ['an address that is no address', '[general]\nenabled=yes\nbindaddr=evil.example\n', 'invalid_value', 3],
    ['an unknown [general] key', '[general]\nenabeld=yes\n', 'unknown_key', 2],
  ])('refuses %s, naming the line', (_what, text, code, line) => {
    expect(codes(manager(text).errors)).toEqual([[code, line]]);
  });

  it('does not examine the users of a disabled listener', () => {
    expect(manager('[general]\nenabled=no\n[ops]\npermit=0.0.0.0/0\n').errors).toEqual([]);
  });
});
