/*** MODULEINFO
	<provides type="service">websocket</provides>
	<load_priority>channel_depend</load_priority>
	<export_globals/>
	<support_level>core</support_level>
	<description>HTTP WebSocket Support</description>
 ***/

// WebSocket protocols for other modules (chan_sip canuse it). It calls ctx.blockUnload(): the
// HTTP server it hooks into keeps references to its upgrade handlers for the life of the
// process, so its code must stay loaded after it stops (state "stopped", lib still loaded,
// not re-imported until restart), as Asterisk's ast_module_block_unload does.

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  const protocols = new Map();
  ctx.register('service', 'websocket', {
    addProtocol(name, handler) {
      if (protocols.has(name)) throw new Error(`websocket protocol ${name} is already registered`);
      protocols.set(name, handler);
      ctx.log.info({ protocol: name }, 'websocket protocol added');
    },
    removeProtocol: (name) => protocols.delete(name),
    protocols: () => [...protocols.keys()],
  });
  ctx.blockUnload();
}

export function unload(ctx) {
  ctx.log.info('websocket support stopped; the lib stays loaded (blockUnload)');
}
