/*** MODULEINFO
	<support_level>core</support_level>
	<description>Dialing Application</description>
 ***/

/*** DOCUMENTATION
	<application name="Dial" language="en_US">
		<synopsis>
			Call one or more endpoints and connect the first to answer.
		</synopsis>
		<syntax argsep=",">
			<parameter name="Technology/Resource" required="false" argsep="&amp;">
				<para>What to call, such as <literal>SIP/alice</literal>; several joined by &amp;.</para>
			</parameter>
			<parameter name="timeout" required="false">
				<para>Seconds to wait for an answer.</para>
			</parameter>
		</syntax>
		<description>
			<para>Sets <variable>DIALSTATUS</variable> to what happened.</para>
		</description>
	</application>
	<application name="RetryDial" language="en_US">
		<synopsis>
			Dial again and again until someone answers.
		</synopsis>
		<syntax>
			<parameter name="announce" required="true"/>
			<parameter name="sleep" required="true"/>
			<parameter name="retries" required="true"/>
			<parameter name="dialargs" required="true"/>
		</syntax>
		<description>
			<para>Plays the announcement between attempts.</para>
		</description>
	</application>
 ***/

// Applications are registered as functions (channel, data) => result. A sample PBX has no
// media, so Dial answers what it would do.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  const dial = (channel, data = '') => {
    const [targets = '', timeout = ''] = data.split(',');
    const endpoints = targets.split('&').filter(Boolean);
    ctx.log.info({ channel, endpoints, timeout }, 'Dial');
    return { DIALSTATUS: endpoints.length > 0 ? 'NOANSWER' : 'INVALIDARGS', endpoints };
  };
  ctx.register('application', 'Dial', dial);
  ctx.register('application', 'RetryDial', (channel, data = '') => {
    const [, , retries = '1', ...dialargs] = data.split(',');
    return { attempts: Number(retries) || 1, last: dial(channel, dialargs.join(',')) };
  });
}
