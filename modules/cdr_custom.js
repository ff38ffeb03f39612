/*** MODULEINFO
	<canuse type="module">func_channel</canuse>
	<provides type="cdr">custom</provides>
	<load_priority>cdr_driver</load_priority>
	<config>cdr_custom.conf</config>
	<support_level>core</support_level>
	<description>Customizable Comma Separated Values CDR Backend</description>
 ***/

// Call detail records as CSV lines kept in memory (a sample writes no files). Templates come
// from cdr_custom.conf [mappings] (file => template); ${CHANNEL(item)} in a template is only
// filled in when func_channel runs: cdr_custom can use it but does not need it ([canuse]).

let state = null;

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export async function load(ctx) {
  state = { mappings: await readMappings(ctx), records: [], channelFunction: null };
  ctx.register('cdr', 'custom', {
    post: (record) => {
      for (const [file, template] of state.mappings) state.records.push({ file, line: render(template, record) });
    },
    records: () => state.records.slice(),
  });
  useChannelFunction(ctx);
}

/** canuse: func_channel was loaded after us; CHANNEL() in templates works from now on. */
export function onCanuse(ctx, name) {
  if (name === 'func_channel') useChannelFunction(ctx);
}

/** func_channel is going (nothing else needs it): CHANNEL() reads as empty from now on. */
export function onCanuseGone(ctx, name) {
  if (name !== 'func_channel' || state === null) return;
  state.channelFunction = null;
  ctx.log.info('CHANNEL() no longer available in CDR templates');
}

export async function reload(ctx) {
  if (state !== null) state.mappings = await readMappings(ctx);
}

export function unload() {
  state = null;
}

function useChannelFunction(ctx) {
  if (state === null || state.channelFunction !== null) return;
  try {
    state.channelFunction = ctx.use('function', 'CHANNEL');
    ctx.log.info('CHANNEL() available in CDR templates');
  } catch {
    // func_channel does not run (yet): CHANNEL() reads as empty
  }
}

function render(template, record) {
  return template.replace(/\$\{([A-Za-z_]+)(?:\(([^)]*)\))?\}/g, (_match, name, arg) => {
    if (name === 'CHANNEL') return state?.channelFunction?.read(record.channel ?? '', arg ?? '') ?? '';
    return String(record[name.toLowerCase()] ?? '');
  });
}

async function readMappings(ctx) {
  const conf = await ctx.config('cdr_custom.conf');
  const mappings = new Map();
  for (const section of conf?.sections ?? []) {
    if (section.name !== 'mappings') continue;
    for (const { key, value } of section.entries) mappings.set(key, value);
  }
  if (mappings.size === 0) mappings.set('Master.csv', '"${CHANNEL(name)}","${DURATION}"');
  return mappings;
}
