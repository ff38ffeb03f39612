/*** MODULEINFO
	<support_level>core</support_level>
	<description>URI encode/decode dialplan functions</description>
 ***/

/*** DOCUMENTATION
	<function name="URIENCODE" language="en_US">
		<synopsis>
			Percent-encode a string for use in a URI.
		</synopsis>
		<syntax>
			<parameter name="data" required="true"/>
		</syntax>
		<description>
			<para>Everything but unreserved characters is encoded.</para>
		</description>
	</function>
	<function name="URIDECODE" language="en_US">
		<synopsis>
			Decode a percent-encoded string.
		</synopsis>
		<syntax>
			<parameter name="data" required="true"/>
		</syntax>
		<description>
			<para>A malformed sequence reads as empty.</para>
		</description>
	</function>
 ***/

// The sample set's CommonJS module: the loader requires a .cjs binary afresh (deleting it from
// the require cache first), so Node.js can collect the old copy once nothing references it.

'use strict';

/** @param {import('../src/core/types.js').ModuleContext} ctx */
exports.load = function load(ctx) {
  ctx.register('function', 'URIENCODE', { read: (_channel, data) => encodeURIComponent(String(data)) });
  ctx.register('function', 'URIDECODE', {
    read: (_channel, data) => {
      try {
        return decodeURIComponent(String(data));
      } catch {
        return '';
      }
    },
  });
};
