/*** MODULEINFO
	<support_level>core</support_level>
	<description>Sound File Playback Application</description>
 ***/

/*** DOCUMENTATION
	<application name="Playback" language="en_US">
		<synopsis>
			Play one or more sound files.
		</synopsis>
		<syntax>
			<parameter name="filenames" required="true" argsep="&amp;"/>
			<parameter name="options" required="false"/>
		</syntax>
		<description>
			<para>Sets <variable>PLAYBACKSTATUS</variable> to SUCCESS or FAILED.</para>
		</description>
	</application>
 ***/

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  ctx.register('application', 'Playback', (channel, data = '') => {
    const [files = ''] = data.split(',');
    const played = files.split('&').filter(Boolean);
    ctx.log.info({ channel, played }, 'Playback');
    return { PLAYBACKSTATUS: played.length > 0 ? 'SUCCESS' : 'FAILED', played };
  });
}
