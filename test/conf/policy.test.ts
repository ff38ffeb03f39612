import { describe, expect, it } from 'vitest';
import { parseConf } from '../../src/conf/parse.js';
import { buildPolicy } from '../../src/conf/policy.js';
import { emptyPolicy } from '../../src/core/policy.js';

/** The modules.conf of the proposal, verbatim. */
const PROPOSAL_MODULES_CONF = `[modules]
autoload=no
require=chan_sip
load=app_system
; load=app_system will be ignored because of neverload.
; If we add require=app_system it would prevent startup.
neverload=app_system
neverload=func_shell
; neverload to allow a module to be banned. Once set, it can only
; be turned off by editing this config and restarting Asterisk.

[uses]
;type=module ; it is implied that the value's are modules
chan_sip=cdr_custom ; chan_sip requires cdr_custom per admin
chan_sip=res_timing_timerfd
chan_sip=res_rtp_asterisk
chan_sip=pbx_config
pbx_config=app_dial

type=application ; Switch to requiring applications.
pbx_config=Gosub

type=function ; switch to requiring functions.
pbx_config=GLOBAL
pbx_config=CHANNEL
`;

const modules = (text: string) => buildPolicy({ modules: parseConf(text, 'modules.conf') });
const extensions = (text: string) => buildPolicy({ extensions: parseConf(text, 'extensions.conf') });
const extconfig = (text: string) => buildPolicy({ extconfig: parseConf(text, 'extconfig.conf') });
const at = (file: string, line: number) => ({ file, line });

describe('buildPolicy from modules.conf', () => {
  it("turns the proposal's modules.conf into exactly the expected policy", () => {
    const m = (line: number) => at('modules.conf', line);
    expect(modules(PROPOSAL_MODULES_CONF)).toEqual({
      errors: [],
      policy: {
        ...emptyPolicy(),
        autoload: false,
        require: [{ name: 'chan_sip', ...m(3) }],
        load: [{ name: 'app_system', ...m(4) }],
        neverload: [
          { name: 'app_system', ...m(7) },
          { name: 'func_shell', ...m(8) },
        ],
        uses: [
          { module: 'chan_sip', type: 'module', name: 'cdr_custom', ...m(14) },
          { module: 'chan_sip', type: 'module', name: 'res_timing_timerfd', ...m(15) },
          { module: 'chan_sip', type: 'module', name: 'res_rtp_asterisk', ...m(16) },
          { module: 'chan_sip', type: 'module', name: 'pbx_config', ...m(17) },
          { module: 'pbx_config', type: 'module', name: 'app_dial', ...m(18) },
          { module: 'pbx_config', type: 'application', name: 'Gosub', ...m(21) },
          { module: 'pbx_config', type: 'function', name: 'GLOBAL', ...m(24) },
          { module: 'pbx_config', type: 'function', name: 'CHANNEL', ...m(25) },
        ],
        warnings: [{ ...m(4), message: expect.stringContaining('neverload') }],
      },
    });
  });

  it('warns on every load and preload that neverload beats, keeping them for the loader to refuse', () => {
    const { policy, errors } = modules('[modules]\nload=a\npreload=a\nload=b\nneverload=a\n');
    expect(errors).toEqual([]);
    expect(policy.load.map((entry) => entry.name)).toEqual(['a', 'b']);
    expect(policy.preload.map((entry) => entry.name)).toEqual(['a']);
    expect(policy.warnings.map((warning) => warning.line)).toEqual([2, 3]);
  });

  it('keeps require of a banned module, so startup fails, and warns about it', () => {
    const { policy } = modules('[modules]\nrequire=a\nneverload=a\n');
    expect(policy.require).toEqual([{ name: 'a', ...at('modules.conf', 2) }]);
    expect(policy.warnings).toEqual([{ ...at('modules.conf', 2), message: expect.any(String) }]);
  });

  it('strips .so, .js, .mjs and .cjs from module names, in [modules] and in [uses]', () => {
    const { policy, errors } = modules('[modules]\nload => chan_sip.so\nnoload=app_x.js\npreload=res_y.mjs\nrequire=z.cjs\n[uses]\nchan_sip.so=pbx_config.so\n');
    expect(errors).toEqual([]);
    expect([policy.load, policy.noload, policy.preload, policy.require].map((list) => list.map((entry) => entry.name))).toEqual([
      ['chan_sip'],
      ['app_x'],
      ['res_y'],
      ['z'],
    ]);
    expect(policy.uses).toEqual([{ module: 'chan_sip', type: 'module', name: 'pbx_config', ...at('modules.conf', 7) }]);
  });

  it('reads preload-require as both preload and require', () => {
    const { policy } = modules('[modules]\npreload-require=res_config_sqlite3\n');
    expect(policy.preload.map((entry) => entry.name)).toEqual(['res_config_sqlite3']);
    expect(policy.require.map((entry) => entry.name)).toEqual(['res_config_sqlite3']);
  });

  it.each([
    ['yes', true],
    ['Yes', true],
    ['true', true],
    ['1', true],
    ['on', true],
    ['no', false],
    ['false', false],
    ['0', false],
    ['off', false],
  ])('reads autoload=%s as %s', (value, expected) => {
    expect(modules(`[modules]\nautoload=${value}\n`).policy.autoload).toBe(expected);
  });

  it('matches [modules] keys and section names case-insensitively, as Asterisk does', () => {
    const { policy, errors } = modules('[Modules]\nAutoLoad=yes\nLOAD=a\n');
    expect(errors).toEqual([]);
    expect(policy.autoload).toBe(true);
    expect(policy.load.map((entry) => entry.name)).toEqual(['a']);
  });

  it('switches [uses] types with type= and goes back to nothing implied', () => {
    const { policy } = modules('[uses]\na=b\ntype=service\na=timer\ntype=Realtime\na=sqlite3\ntype=module\na=c\n');
    expect(policy.uses.map((use) => `${use.module}:${use.type}=${use.name}`)).toEqual(['a:module=b', 'a:service=timer', 'a:realtime=sqlite3', 'a:module=c']);
  });

  describe('errors name modules.conf and the line, and skip only that entry', () => {
    it.each([
      ['an invalid autoload value', '[modules]\nautoload=maybe\n', 'invalid_value', 2],
      ['an invalid module name', '[modules]\nload=../../etc/passwd\n', 'invalid_module_name', 2],
      ['a module name with a path', '[modules]\nload=a/b.so\n', 'invalid_module_name', 2],
      ['an unknown [modules] key', '[modules]\nlaod=chan_sip\n', 'unknown_key', 2],
      ['an unknown section', '[modules]\n[other]\n', 'unknown_section', 2],
      ['an invalid dependent in [uses]', '[uses]\n../x=y\n', 'invalid_module_name', 2],
      ['an invalid module dependency in [uses]', '[uses]\nx=y z\n', 'invalid_module_name', 2],
      ['an invalid provider name in [uses]', '[uses]\ntype=application\nx=Go sub\n', 'invalid_name', 3],
      ['an invalid type', '[uses]\ntype=Bad-Type\nx=y\n', 'invalid_type', 2],
    ])('%s', (_what, text, code, line) => {
      const { errors } = modules(text);
      expect(errors.map((err) => [err.code, err.file, err.line])).toEqual([[code, 'modules.conf', line]]);
    });

    it('keeps the good entries around a bad one', () => {
      const { policy, errors } = modules('[modules]\nload=a\nload=b/c\nload=d\n[uses]\ntype=9\nx=y\ntype=module\nx=z\n');
      expect(policy.load.map((entry) => entry.name)).toEqual(['a', 'd']);
      expect(policy.uses.map((use) => use.name)).toEqual(['z']);
      expect(errors.map((err) => err.line)).toEqual([3, 6]);
    });
  });
});

describe('buildPolicy from extensions.conf', () => {
  it("turns the proposal's [test] context into one dialplan step of Gosub", () => {
    expect(extensions('[test]\nexten => s,1,Gosub(mymacro,s,1(test))\n')).toEqual({
      errors: [],
      policy: { ...emptyPolicy(), dialplan: [{ context: 'test', exten: 's', priority: '1', app: 'Gosub', ...at('extensions.conf', 2) }] },
    });
  });

  it('counts n on from the previous step, s repeats it, same => continues the last extension', () => {
    const text = '[internal]\nexten => 100,1,Answer()\nsame => n,Dial(SIP/alice,20)\nsame => n,VoiceMail(100@default)\nexten => 101,n,Playback(hello)\nexten => 101,s+1,Echo()\n';
    const steps = extensions(text).policy.dialplan.map((step) => `${step.exten},${step.priority},${step.app}@${step.line}`);
    expect(steps).toEqual(['100,1,Answer@2', '100,2,Dial@3', '100,3,VoiceMail@4', '101,4,Playback@5', '101,5,Echo@6']);
  });

  it('restarts n in every context', () => {
    const { errors } = extensions('[a]\nexten => s,1,Echo()\n[b]\nexten => s,n,Echo()\n');
    expect(errors.map((err) => [err.code, err.line])).toEqual([['invalid_priority', 4]]);
  });

  it('reads labels, jumps to labels, +N offsets and applications without parentheses', () => {
    const text = '[l]\nexten => s,1(start),Answer\nsame => n(loop),Playback(beep)\nsame => loop+5,Hangup\nexten => _[1,5]XX,1,Dial(SIP/${EXTEN})\n';
    const steps = extensions(text).policy.dialplan.map((step) => [step.exten, step.priority, step.app]);
    expect(steps).toEqual([
      ['s', '1', 'Answer'],
      ['s', '2', 'Playback'],
      ['s', '7', 'Hangup'],
      ['_[1,5]XX', '1', 'Dial'],
    ]);
  });

  it('skips hints, includes, [general] and [globals]', () => {
    const text = '[general]\nstatic=yes\n[globals]\nTRUNK=SIP/provider\n[ctx]\ninclude => other\nexten => 100,hint,SIP/100\nexten => 100,1,Dial(SIP/100)\n';
    const { policy, errors } = extensions(text);
    expect(errors).toEqual([]);
    expect(policy.dialplan.map((step) => [step.context, step.exten, step.priority, step.app])).toEqual([['ctx', '100', '1', 'Dial']]);
  });

  it('warns about an application computed at run time instead of guessing', () => {
    const { policy, errors } = extensions('[ctx]\nexten => s,1,${APP}(x)\n');
    expect(errors).toEqual([]);
    expect(policy.dialplan).toEqual([]);
    expect(policy.warnings).toEqual([{ ...at('extensions.conf', 2), message: expect.any(String) }]);
  });

  describe('errors name extensions.conf and the line', () => {
    it.each([
      ['same => before any exten', '[ctx]\nsame => n,Echo()\n', 'same_without_exten', 2],
      ['n on the first step', '[ctx]\nexten => s,n,Echo()\n', 'invalid_priority', 2],
      ['priority 0', '[ctx]\nexten => s,0,Echo()\n', 'invalid_priority', 2],
      ['an unknown label', '[ctx]\nexten => s,nowhere,Echo()\n', 'invalid_priority', 2],
      ['an unclosed label', '[ctx]\nexten => s,1(start,Echo()\n', 'invalid_priority', 2],
      ['no priority', '[ctx]\nexten => s\n', 'invalid_priority', 2],
      ['no application', '[ctx]\nexten => s,1\n', 'invalid_application', 2],
      ['a bad application name', '[ctx]\nexten => s,1,Do-It(x)\n', 'invalid_application', 2],
      ['no extension', '[ctx]\nexten => ,1,Echo()\n', 'invalid_value', 2],
      ['an unknown context key', '[ctx]\nextn => s,1,Echo()\n', 'unknown_key', 2],
    ])('%s', (_what, text, code, line) => {
      const { errors } = extensions(text);
      expect(errors.map((err) => [err.code, err.file, err.line])).toEqual([[code, 'extensions.conf', line]]);
    });
  });
});

describe('buildPolicy from extconfig.conf', () => {
  it("maps the proposal's extensions.conf line to realtime sqlite3", () => {
    expect(extconfig('[settings]\nextensions.conf => sqlite3,asterisk,ast_config\n')).toEqual({
      errors: [],
      policy: {
        ...emptyPolicy(),
        extconfig: [{ config: 'extensions.conf', driver: 'sqlite3', database: 'asterisk', table: 'ast_config', ...at('extconfig.conf', 2) }],
      },
    });
  });

  it('accepts a line without a table and keeps realtime families', () => {
    const { policy } = extconfig('[settings]\nsippeers => odbc,asterisk\n');
    expect(policy.extconfig).toEqual([{ config: 'sippeers', driver: 'odbc', database: 'asterisk', table: undefined, ...at('extconfig.conf', 2) }]);
  });

  it.each([
    ['no database', '[settings]\nextensions.conf => sqlite3\n', 'invalid_value', 2],
    ['a bad driver', '[settings]\nextensions.conf => sql ite,db\n', 'invalid_value', 2],
    ['too many fields', '[settings]\nextensions.conf => a,b,c,d\n', 'invalid_value', 2],
    ['another section', '[other]\n', 'unknown_section', 1],
  ])('reports %s with file and line', (_what, text, code, line) => {
    const { errors } = extconfig(text);
    expect(errors.map((err) => [err.code, err.file, err.line])).toEqual([[code, 'extconfig.conf', line]]);
  });
});

describe('buildPolicy with absent files', () => {
  it('gives the empty policy', () => {
    expect(buildPolicy({})).toEqual({ policy: emptyPolicy(), errors: [] });
    expect(buildPolicy({ modules: null, extensions: null, extconfig: null })).toEqual({ policy: emptyPolicy(), errors: [] });
  });
});
