/** A small PBX of stub modules shaped like the sample set, for core tests of startup, reloads and reads. */
import type { StubSpec } from './memory-host.js';

export const pbxSpecs: StubSpec[] = [
  { name: 'chan_sip', uses: ['res_rtp_asterisk', 'service=timer'], load_priority: 'channel_driver' as const },
  { name: 'res_rtp_asterisk' },
  { name: 'res_timing_timerfd', provides: ['service=timer:200'], load_priority: 'timing' as const },
  { name: 'res_timing_dahdi', provides: ['service=timer:100'], load_priority: 'timing' as const },
  { name: 'res_timing_pthread', provides: ['service=timer:50'], load_priority: 'timing' as const },
  { name: 'pbx_config', config: ['extensions.conf'] },
  { name: 'app_stack', provides: ['application=Gosub'] },
  { name: 'app_dial', provides: ['application=Dial'] },
  { name: 'app_system', provides: ['application=System'] },
  { name: 'func_shell', provides: ['function=SHELL'] },
  { name: 'res_config_sqlite3', provides: ['realtime=sqlite3'] },
  { name: 'cdr_custom' },
];
