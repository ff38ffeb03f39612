/*** MODULEINFO
	<load_priority>channel_depend</load_priority>
	<config>musiconhold.conf</config>
	<support_level>core</support_level>
	<description>Music On Hold Resource</description>
 ***/

/*** DOCUMENTATION
	<application name="MusicOnHold" language="en_US">
		<synopsis>
			Play music on hold until the caller hangs up.
		</synopsis>
		<syntax>
			<parameter name="class" required="false"/>
			<parameter name="duration" required="false"/>
		</syntax>
		<description>
			<para>The class is a section of musiconhold.conf; default is <literal>default</literal>.</para>
		</description>
	</application>
	<application name="StartMusicOnHold" language="en_US">
		<synopsis>
			Start music on hold and go on with the dialplan.
		</synopsis>
		<syntax>
			<parameter name="class" required="false"/>
		</syntax>
		<description>
			<para>The music plays until StopMusicOnHold.</para>
		</description>
	</application>
	<application name="StopMusicOnHold" language="en_US">
		<synopsis>
			Stop music on hold.
		</synopsis>
		<syntax/>
		<description>
			<para>Stops what StartMusicOnHold started.</para>
		</description>
	</application>
 ***/

// Music on hold classes come from musiconhold.conf, one section per class; reload re-reads it.

let classes = new Map();

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export async function load(ctx) {
  classes = await readClasses(ctx);
  /** channel -> class playing */
  const playing = new Map();
  const start = (channel, data = '') => {
    const name = data.split(',')[0] || 'default';
    if (!classes.has(name)) return { error: `no music on hold class ${name}` };
    playing.set(channel, name);
    return { playing: name, ...classes.get(name) };
  };
  ctx.register('application', 'MusicOnHold', start);
  ctx.register('application', 'StartMusicOnHold', start);
  ctx.register('application', 'StopMusicOnHold', (channel) => ({ stopped: playing.delete(channel) }));
}

export async function reload(ctx) {
  classes = await readClasses(ctx);
  ctx.log.info({ classes: [...classes.keys()] }, 'musiconhold.conf reloaded');
}

async function readClasses(ctx) {
  const conf = await ctx.config('musiconhold.conf');
  const read = new Map();
  for (const section of conf?.sections ?? []) {
    read.set(section.name, Object.fromEntries(section.entries.map(({ key, value }) => [key, value])));
  }
  if (!read.has('default')) read.set('default', { mode: 'files', directory: 'moh' });
  return read;
}
