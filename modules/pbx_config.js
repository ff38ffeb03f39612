/*** MODULEINFO
	<config>extensions.conf</config>
	<support_level>core</support_level>
	<description>Text Extension Configuration</description>
 ***/

/*** DOCUMENTATION
	<manager name="ShowDialPlan" language="en_US">
		<synopsis>
			List the dialplan read from extensions.conf.
		</synopsis>
		<syntax>
			<parameter name="Context" required="false">
				<para>Only this context.</para>
			</parameter>
		</syntax>
		<description>
			<para>Answers each context with its steps: extension, priority and application.</para>
		</description>
	</manager>
 ***/

// The dialplan. Its manifest lists config=extensions.conf, which makes it the owner of the
// dialplan: the loader gives every application a step of extensions.conf runs a "dialplan"
// user held for pbx_config (so Gosub's provider, app_stack, is loaded before pbx_config and
// stays while it runs). The module itself only reads the file and answers ShowDialPlan.

const NOT_CONTEXTS = new Set(['general', 'globals']);

let dialplan = new Map();

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export async function load(ctx) {
  dialplan = await readDialplan(ctx);
  ctx.register('manager', 'ShowDialPlan', async (args = {}) => {
    const contexts = [...dialplan.entries()].filter(([name]) => args.context === undefined || name === args.context);
    return { contexts: contexts.map(([name, steps]) => ({ name, steps })) };
  });
  ctx.log.info({ contexts: dialplan.size }, 'dialplan loaded');
}

/** Re-reads extensions.conf (the loader re-reads the dialplan users on a config reload). */
export async function reload(ctx) {
  dialplan = await readDialplan(ctx);
  ctx.log.info({ contexts: dialplan.size }, 'dialplan reloaded');
}

/** context -> [{exten, priority, app}] as written (priorities are not numbered here). */
async function readDialplan(ctx) {
  const conf = await ctx.config('extensions.conf');
  const contexts = new Map();
  for (const section of conf?.sections ?? []) {
    if (NOT_CONTEXTS.has(section.name.toLowerCase())) continue;
    const steps = contexts.get(section.name) ?? [];
    let exten = null;
    for (const { key, value } of section.entries) {
      const lower = key.toLowerCase();
      if (lower !== 'exten' && lower !== 'same') continue;
      const parts = value.split(',');
      if (lower === 'exten') exten = parts.shift()?.trim() ?? null;
      const priority = parts.shift()?.trim() ?? '';
      const app = parts.join(',').trim();
      if (exten !== null && priority !== 'hint') steps.push({ exten, priority, app });
    }
    contexts.set(section.name, steps);
  }
  return contexts;
}
