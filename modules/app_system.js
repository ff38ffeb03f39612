/*** MODULEINFO
	<support_level>core</support_level>
	<description>Generic System() application</description>
 ***/

/*** DOCUMENTATION
	<application name="System" language="en_US">
		<synopsis>
			Run a shell command.
		</synopsis>
		<syntax>
			<parameter name="command" required="true"/>
		</syntax>
		<description>
			<para>Sets <variable>SYSTEMSTATUS</variable>. This sample never runs anything: it
			logs the command and answers NOTRUN.</para>
		</description>
	</application>
	<application name="TrySystem" language="en_US">
		<synopsis>
			Run a shell command, never failing the call.
		</synopsis>
		<syntax>
			<parameter name="command" required="true"/>
		</syntax>
		<description>
			<para>Like System, but a failure only sets the status.</para>
		</description>
	</application>
 ***/

// The "dangerous" module of the proposal: the default modules.conf bans it with neverload, so
// it is loaded by nobody, not even as a dependency. As a sample it never spawns a process.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  const system = (channel, command = '') => {
    ctx.log.warn({ channel, command }, 'System() called; the sample module does not run commands');
    return { SYSTEMSTATUS: 'NOTRUN' };
  };
  ctx.register('application', 'System', system);
  ctx.register('application', 'TrySystem', system);
}
