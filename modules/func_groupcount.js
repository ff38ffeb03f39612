/*** MODULEINFO
	<support_level>core</support_level>
	<description>Channel group dialplan functions</description>
 ***/

/*** DOCUMENTATION
	<function name="GROUP" language="en_US">
		<synopsis>
			Put the channel in a group, or read its group.
		</synopsis>
		<syntax>
			<parameter name="category" required="false"/>
		</syntax>
		<description>
			<para>A channel is in at most one group per category.</para>
		</description>
	</function>
	<function name="GROUP_COUNT" language="en_US">
		<synopsis>
			Count the channels in a group.
		</synopsis>
		<syntax argsep="@">
			<parameter name="groupname" required="true"/>
			<parameter name="category" required="false"/>
		</syntax>
		<description>
			<para>Useful to limit concurrent calls.</para>
		</description>
	</function>
 ***/

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  /** `category` -> channel -> group */
  const groups = new Map();
  const category = (name = '') => {
    if (!groups.has(name)) groups.set(name, new Map());
    return groups.get(name);
  };
  ctx.register('function', 'GROUP', {
    read: (channel, name) => category(name).get(channel) ?? '',
    write: (channel, name, group) => void category(name).set(channel, group),
  });
  ctx.register('function', 'GROUP_COUNT', {
    read: (_channel, args) => {
      const [group, name = ''] = String(args).split('@');
      return String([...category(name).values()].filter((member) => member === group).length);
    },
  });
}
