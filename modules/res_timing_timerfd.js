/*** MODULEINFO
	<provides type="service">timer:200</provides>
	<load_priority>timing</load_priority>
	<support_level>core</support_level>
	<description>Timerfd Timing Interface</description>
 ***/

// A timing source. Three modules provide service=timer: timerfd (200), dahdi (100) and
// pthread (50). A module that uses service=timer gets the best one that can load, and
// autoload=yes loads only that one.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  ctx.register(
    'service',
    'timer',
    {
      name: 'timerfd',
      /** Calls tick every intervalMs until the returned stop() or the module stops. */
      start(intervalMs, tick) {
        const timer = ctx.setInterval(tick, intervalMs);
        return { stop: () => clearInterval(timer) };
      },
    },
    { priority: 200 },
  );
}
