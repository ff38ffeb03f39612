/*** MODULEINFO
	<support_level>core</support_level>
	<description>Simple Echo Application</description>
 ***/

/*** DOCUMENTATION
	<application name="Echo" language="en_US">
		<synopsis>
			Send the caller's audio straight back.
		</synopsis>
		<syntax/>
		<description>
			<para>Useful to test latency and audio paths. Ends when the caller presses #.</para>
		</description>
	</application>
 ***/

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  ctx.register('application', 'Echo', (channel) => {
    ctx.log.info({ channel }, 'Echo');
    return { echoed: true };
  });
}
