/*** MODULEINFO
	<provides type="rtp">asterisk</provides>
	<load_priority>channel_depend</load_priority>
	<config>rtp.conf</config>
	<support_level>core</support_level>
	<description>Asterisk RTP Stack</description>
 ***/

// The RTP stack: hands out even port numbers from rtp.conf's [general] rtpstart..rtpend.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export async function load(ctx) {
  const conf = await ctx.config('rtp.conf');
  const general = conf?.sections.find((section) => section.name === 'general')?.entries ?? [];
  const setting = (key, fallback) => Number(general.find((entry) => entry.key === key)?.value ?? fallback);
  const start = setting('rtpstart', 10000);
  const end = setting('rtpend', 20000);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start >= end) {
    ctx.log.error({ start, end }, 'rtp.conf: rtpstart must be below rtpend');
    return 'failure';
  }
  const inUse = new Set();
  ctx.register('rtp', 'asterisk', {
    allocate() {
      for (let port = start + (start % 2); port < end; port += 2) {
        if (!inUse.has(port)) {
          inUse.add(port);
          return port;
        }
      }
      throw new Error('no free RTP port');
    },
    free: (port) => void inUse.delete(port),
  });
  return 'success';
}
