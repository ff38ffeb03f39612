/*** MODULEINFO
	<support_level>core</support_level>
	<description>Channel information dialplan functions</description>
 ***/

/*** DOCUMENTATION
	<function name="CHANNEL" language="en_US">
		<synopsis>
			Read properties of the current channel.
		</synopsis>
		<syntax>
			<parameter name="item" required="true">
				<enumlist>
					<enum name="name"><para>The channel name.</para></enum>
					<enum name="channeltype"><para>The technology, such as SIP.</para></enum>
					<enum name="peername"><para>The peer part of the name.</para></enum>
				</enumlist>
			</parameter>
		</syntax>
		<description>
			<para>Unknown items read as empty.</para>
		</description>
	</function>
 ***/

// CHANNEL(item): what a channel name such as SIP/alice-0badf00d tells.

const ITEMS = {
  name: (channel) => channel,
  channeltype: (channel) => channel.split('/')[0] ?? '',
  peername: (channel) => (channel.split('/')[1] ?? '').replace(/-[0-9a-f]{8}$/, ''),
};

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  ctx.register('function', 'CHANNEL', {
    read: (channel, item) => (Object.hasOwn(ITEMS, item) ? ITEMS[item](String(channel)) : ''),
  });
}
