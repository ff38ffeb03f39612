/*** MODULEINFO
	<use type="module">app_chanspy</use>
	<use type="module">func_cut</use>
	<use type="module">func_groupcount</use>
	<use type="module">func_uri</use>
	<export_globals/>
	<support_level>core</support_level>
 ***/

/*** DOCUMENTATION
	<function name="PERIODIC_HOOK" language="en_US">
		<synopsis>
			Run a dialplan hook into a call every so many seconds.
		</synopsis>
		<syntax>
			<parameter name="context" required="true"><para>(read) The hook's context.</para></parameter>
			<parameter name="extension" required="true"><para>(read) The hook's extension.</para></parameter>
			<parameter name="interval" required="true"><para>(read) Whole seconds between runs.</para></parameter>
			<parameter name="hook_id" required="true"><para>(write) The hook to turn on or off.</para></parameter>
		</syntax>
		<description>
			<para>Reading PERIODIC_HOOK(context,extension,interval) starts a hook and reads as its
			id; writing on or off to PERIODIC_HOOK(id) resumes or pauses it.</para>
		</description>
	</function>
 ***/

// The proposal's example manifest is generated from this file: support_level core,
// export_globals yes, uses app_chanspy, func_cut, func_groupcount and func_uri, provides
// PERIODIC_HOOK. The hooks are ctx.setInterval timers, so they all stop with the module.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  // Declared dependencies are running before load() is called; using them adds no new user.
  const group = ctx.use('function', 'GROUP');
  const uriencode = ctx.use('function', 'URIENCODE');
  /** id -> {channel, target, seconds, enabled, runs} */
  const hooks = new Map();
  let lastId = 0;

  ctx.register('function', 'PERIODIC_HOOK', {
    read: (channel, args) => {
      const [context, extension, interval] = String(args).split(',').map((part) => part.trim());
      const seconds = Number(interval);
      if (!context || !extension || !Number.isInteger(seconds) || seconds < 1) return '';
      const id = String(++lastId);
      const hook = { channel, target: `${extension}@${context}`, seconds, enabled: true, runs: 0 };
      hooks.set(id, hook);
      group.write(channel, 'periodic_hook', id);
      ctx.setInterval(() => {
        if (!hook.enabled) return;
        hook.runs += 1;
        ctx.log.debug({ hook: id, channel, target: uriencode.read(channel, hook.target) }, 'periodic hook runs');
      }, seconds * 1000);
      return id;
    },
    write: (_channel, id, value) => {
      const hook = hooks.get(id);
      if (hook) hook.enabled = value === 'on';
    },
  });
}
