/*** MODULEINFO
	<support_level>core</support_level>
	<description>Variable dialplan functions</description>
 ***/

/*** DOCUMENTATION
	<function name="GLOBAL" language="en_US">
		<synopsis>
			Read or write a global dialplan variable.
		</synopsis>
		<syntax>
			<parameter name="varname" required="true"/>
		</syntax>
		<description>
			<para>Global variables are shared by every channel.</para>
		</description>
	</function>
	<function name="GLOBAL_DELETE" language="en_US">
		<synopsis>
			Remove a global dialplan variable.
		</synopsis>
		<syntax>
			<parameter name="varname" required="true"/>
		</syntax>
		<description>
			<para>Reads as 1 when the variable existed, 0 otherwise.</para>
		</description>
	</function>
	<function name="GLOBAL_EXISTS" language="en_US">
		<synopsis>
			Tell whether a global dialplan variable is set.
		</synopsis>
		<syntax>
			<parameter name="varname" required="true"/>
		</syntax>
		<description>
			<para>Reads as 1 or 0.</para>
		</description>
	</function>
 ***/

// Global variables, seeded from the [globals] section of extensions.conf.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export async function load(ctx) {
  const globals = new Map();
  const conf = await ctx.config('extensions.conf');
  for (const section of conf?.sections ?? []) {
    if (section.name.toLowerCase() !== 'globals') continue;
    for (const { key, value } of section.entries) globals.set(key, value);
  }
  ctx.register('function', 'GLOBAL', {
    read: (_channel, name) => globals.get(name) ?? '',
    write: (_channel, name, value) => void globals.set(name, value),
  });
  ctx.register('function', 'GLOBAL_DELETE', { read: (_channel, name) => (globals.delete(name) ? '1' : '0') });
  ctx.register('function', 'GLOBAL_EXISTS', { read: (_channel, name) => (globals.has(name) ? '1' : '0') });
  ctx.log.info({ globals: globals.size }, 'globals seeded');
}
