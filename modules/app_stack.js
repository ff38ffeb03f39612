/*** MODULEINFO
	<load_priority>app_depend</load_priority>
	<support_level>core</support_level>
	<description>Dialplan subroutines (Gosub, Return, etc)</description>
 ***/

/*** DOCUMENTATION
	<application name="Gosub" language="en_US">
		<synopsis>
			Jump to a dialplan location and remember where to come back to.
		</synopsis>
		<syntax>
			<parameter name="context" required="false"/>
			<parameter name="exten" required="false"/>
			<parameter name="priority" required="true">
				<argument name="arg1" multiple="true" required="true"/>
			</parameter>
		</syntax>
		<description>
			<para>Return() comes back to the step after the Gosub.</para>
		</description>
	</application>
	<application name="GosubIf" language="en_US">
		<synopsis>
			Gosub to one of two locations depending on a condition.
		</synopsis>
		<syntax argsep="?">
			<parameter name="condition" required="true"/>
			<parameter name="destination" required="true"/>
		</syntax>
		<description>
			<para>Goes to the first destination when the condition is true, else the second.</para>
		</description>
	</application>
	<application name="Return" language="en_US">
		<synopsis>
			Come back from a Gosub.
		</synopsis>
		<syntax>
			<parameter name="value" required="false"/>
		</syntax>
		<description>
			<para>Sets <variable>GOSUB_RETVAL</variable> to the value.</para>
		</description>
	</application>
	<application name="StackPop" language="en_US">
		<synopsis>
			Forget the most recent Gosub return address.
		</synopsis>
		<syntax/>
		<description>
			<para>The next Return() goes back one level further.</para>
		</description>
	</application>
	<function name="LOCAL" language="en_US">
		<synopsis>
			A variable that lives only inside the current Gosub.
		</synopsis>
		<syntax>
			<parameter name="varname" required="true"/>
		</syntax>
		<description>
			<para>Read or write it as LOCAL(name).</para>
		</description>
	</function>
 ***/

// The Gosub stack: one stack of frames per channel. Frames hold the return location and the
// LOCAL() variables of the subroutine.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  /** channel -> frames */
  const stacks = new Map();
  const stackOf = (channel) => {
    if (!stacks.has(channel)) stacks.set(channel, []);
    return stacks.get(channel);
  };
  const gosub = (channel, data = '') => {
    const open = data.indexOf('(');
    const location = (open < 0 ? data : data.slice(0, open)).split(',');
    const args = open < 0 ? [] : data.slice(open + 1, data.lastIndexOf(')')).split(',');
    stackOf(channel).push({ location, args, locals: new Map() });
    return { jump: location, ARGC: args.length };
  };
  const pop = (channel, value) => {
    const frame = stackOf(channel).pop();
    if (stackOf(channel).length === 0) stacks.delete(channel);
    return frame === undefined ? { error: 'Return without Gosub' } : { GOSUB_RETVAL: value ?? '' };
  };
  ctx.register('application', 'Gosub', gosub);
  ctx.register('application', 'GosubIf', (channel, data = '') => {
    const [condition = '', destinations = ''] = data.split('?');
    const [yes = '', no = ''] = destinations.split(':');
    const target = condition.trim() !== '' && condition.trim() !== '0' ? yes : no;
    return target === '' ? {} : gosub(channel, target);
  });
  ctx.register('application', 'Return', pop);
  ctx.register('application', 'StackPop', (channel) => pop(channel));
  ctx.register('function', 'LOCAL', {
    read: (channel, name) => stackOf(channel).at(-1)?.locals.get(name) ?? '',
    write: (channel, name, value) => void stackOf(channel).at(-1)?.locals.set(name, value),
  });
}
