/*** MODULEINFO
	<provides type="service">timer:100</provides>
	<load_priority>timing</load_priority>
	<support_level>core</support_level>
	<description>DAHDI Timing Interface</description>
 ***/

// A timing source that needs DAHDI hardware. Without /dev/dahdi/timer it declines to load, as
// Asterisk's res_timing_dahdi does: loading it explicitly shows the 'decline' outcome.

import { access } from 'node:fs/promises';

const DEVICE = '/dev/dahdi/timer';

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export async function load(ctx) {
  try {
    await access(DEVICE);
  } catch {
    ctx.log.info({ device: DEVICE }, 'no DAHDI timer device: declining');
    return 'decline';
  }
  ctx.register(
    'service',
    'timer',
    {
      name: 'dahdi',
      start(intervalMs, tick) {
        const timer = ctx.setInterval(tick, intervalMs);
        return { stop: () => clearInterval(timer) };
      },
    },
    { priority: 100 },
  );
  return 'success';
}
