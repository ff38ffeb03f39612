/*** MODULEINFO
	<use type="module">res_rtp_asterisk</use>
	<use type="service">timer</use>
	<use type="codec">ulaw</use>
	<canuse type="module">res_http_websocket</canuse>
	<provides type="channel_tech">SIP</provides>
	<load_priority>channel_driver</load_priority>
	<config>sip.conf</config>
	<support_level>extended</support_level>
	<description>Session Initiation Protocol (SIP) channel driver</description>
 ***/

/*** DOCUMENTATION
	<manager name="Originate" language="en_US">
		<synopsis>
			Place a call to a SIP peer.
		</synopsis>
		<syntax>
			<parameter name="Peer" required="false">
				<para>The peer to call; <literal>anonymous</literal> when left out.</para>
			</parameter>
		</syntax>
		<description>
			<para>Makes a new channel <literal>SIP/peer-xxxxxxxx</literal>. The channel is a
			user of chan_sip until it hangs up, so chan_sip cannot stop while the call is up.
			A firm unload of chan_sip hangs the call up.</para>
		</description>
	</manager>
	<manager name="Hangup" language="en_US">
		<synopsis>
			Hang up a SIP channel.
		</synopsis>
		<syntax>
			<parameter name="Channel" required="true">
				<para>The channel name Originate returned.</para>
			</parameter>
		</syntax>
		<description>
			<para>Ends the call and releases its use of chan_sip.</para>
		</description>
	</manager>
 ***/

// The sample set's channel driver. Calls are channels, and channels are users of this module
// (the proposal's "Module Users"): while a call is up, chan_sip keeps running even after the
// admin lets go of it, and a firm unload asks each call to hang up.

import { randomBytes } from 'node:crypto';

const PEER_NAME = /^[A-Za-z0-9_.-]{1,32}$/;

/** The running instance's state; a fresh import starts with none. */
let state = null;

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export async function load(ctx) {
  const settings = await readSettings(ctx);
  /** channel name -> the user handle that keeps chan_sip running for it */
  const channels = new Map();
  state = { ctx, settings, channels, websocket: null };

  /** Ends a call: forgets it and releases its use of chan_sip. */
  const hangupChannel = (channel) => {
    const handle = channels.get(channel);
    if (handle === undefined) return Promise.resolve(false);
    channels.delete(channel);
    ctx.log.info({ channel }, 'call hung up');
    return handle.release().then(() => true);
  };

  const originate = async (args = {}) => {
    const peer = args.peer ?? 'anonymous';
    if (typeof peer !== 'string' || !PEER_NAME.test(peer)) throw new Error(`Originate: ${JSON.stringify(peer)} is not a peer name`);
    let channel;
    do channel = `SIP/${peer}-${randomBytes(4).toString('hex')}`;
    while (channels.has(channel));
    const handle = ctx.addUser({ kind: 'channel', holder: channel, dispose: () => hangupChannel(channel) });
    channels.set(channel, handle);
    ctx.log.info({ channel, context: settings.context }, 'call up');
    return { channel, user_id: handle.id };
  };

  const hangup = async (args = {}) => {
    const channel = args.channel;
    if (!(await hangupChannel(channel))) throw new Error(`Hangup: no channel ${JSON.stringify(channel)}`);
    return { channel, hungup: true };
  };

  ctx.register('manager', 'Originate', originate);
  ctx.register('manager', 'Hangup', hangup);
  ctx.register('channel_tech', 'SIP', { originate, hangup, channels: () => [...channels.keys()] });
  useWebsocket(ctx, 'already running');
  ctx.log.info({ peers: settings.peers.length, bindport: settings.bindport }, 'SIP channel driver ready');
}

/**
 * canuse: res_http_websocket was loaded after us. Using it makes chan_sip a weak user of it
 * (chan_sip only lists it in [canuse]): the reference is real while both run, but it never
 * keeps res_http_websocket running on its own (SPEC 6.9).
 */
export function onCanuse(ctx, name) {
  if (name === 'res_http_websocket') useWebsocket(ctx, 'loaded after chan_sip');
}

/** res_http_websocket is going because nothing else needs it: stop using it first. */
export function onCanuseGone(ctx, name) {
  if (name !== 'res_http_websocket' || state?.websocket == null) return;
  state.websocket.removeProtocol('sip');
  state.websocket = null;
  ctx.log.info('SIP over websockets disabled: res_http_websocket is stopping');
}

/** Re-reads sip.conf; calls that are up are not touched. */
export async function reload(ctx) {
  if (state === null) return;
  state.settings = await readSettings(ctx);
  ctx.log.info({ peers: state.settings.peers.length }, 'sip.conf reloaded');
}

export function unload(ctx) {
  // res_http_websocket still runs here: chan_sip lets go of its dependencies after unload().
  state?.websocket?.removeProtocol('sip');
  ctx.log.info('SIP channel driver stopped');
  state = null;
}

/** Listens for SIP over websockets when res_http_websocket runs; otherwise carries on without. */
function useWebsocket(ctx, why) {
  if (state === null || state.websocket !== null) return;
  let websocket;
  try {
    websocket = ctx.use('service', 'websocket');
  } catch {
    return; // not running: SIP over websockets stays off until it is loaded
  }
  websocket.addProtocol('sip', (connection) => ctx.log.debug({ connection }, 'SIP websocket connection'));
  state.websocket = websocket;
  ctx.log.info({ why }, 'SIP over websockets enabled');
}

/** sip.conf: [general] context= and bindport=; every other section is a peer. */
async function readSettings(ctx) {
  const conf = await ctx.config('sip.conf');
  const settings = { context: 'default', bindport: 5060, peers: [] };
  for (const section of conf?.sections ?? []) {
    if (section.name !== 'general') {
      settings.peers.push(section.name);
      continue;
    }
    for (const { key, value } of section.entries) {
      if (key === 'context') settings.context = value;
      if (key === 'bindport') settings.bindport = Number(value);
    }
  }
  return settings;
}
