/*** MODULEINFO
	<support_level>core</support_level>
	<description>Listen to the audio of an active channel</description>
 ***/

/*** DOCUMENTATION
	<application name="ChanSpy" language="en_US">
		<synopsis>
			Listen in on channels whose names start with a prefix.
		</synopsis>
		<syntax>
			<parameter name="chanprefix" required="false"/>
			<parameter name="options" required="false"/>
		</syntax>
		<description>
			<para>Steps through the matching channels one after the other.</para>
		</description>
	</application>
	<application name="ExtenSpy" language="en_US">
		<synopsis>
			Listen in on channels that are in a given extension.
		</synopsis>
		<syntax>
			<parameter name="exten" required="true" argsep="@"/>
			<parameter name="options" required="false"/>
		</syntax>
		<description>
			<para>Like ChanSpy, selected by extension and context.</para>
		</description>
	</application>
 ***/

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  const spy = (what) => (channel, data = '') => {
    const [target = '', options = ''] = data.split(',');
    ctx.log.info({ channel, target, options }, what);
    return { spying: target, options };
  };
  ctx.register('application', 'ChanSpy', spy('ChanSpy'));
  ctx.register('application', 'ExtenSpy', spy('ExtenSpy'));
}
