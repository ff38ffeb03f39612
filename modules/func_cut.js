/*** MODULEINFO
	<support_level>core</support_level>
	<description>Cut out information from a string</description>
 ***/

/*** DOCUMENTATION
	<function name="CUT" language="en_US">
		<synopsis>
			Pick fields out of a delimited string.
		</synopsis>
		<syntax>
			<parameter name="string" required="true"/>
			<parameter name="char" required="true"><para>The delimiter, default -.</para></parameter>
			<parameter name="range-spec" required="true"><para>Field numbers from 1, such as 2, 1-3 or 2&amp;4.</para></parameter>
		</syntax>
		<description>
			<para>In this sample the first argument is the string itself, not a variable name.</para>
		</description>
	</function>
	<function name="SORT" language="en_US">
		<synopsis>
			Sort key:value pairs by value.
		</synopsis>
		<syntax>
			<parameter name="keyvalue" required="true" multiple="true"/>
		</syntax>
		<description>
			<para>Answers the keys, comma separated, in order of their values.</para>
		</description>
	</function>
 ***/

/** Field numbers (1-based) a range spec such as `1-3&5` selects, for `count` fields. */
export function selectFields(spec, count) {
  const picked = [];
  for (const part of spec.split('&')) {
    const [from, to] = part.includes('-') ? part.split('-') : [part, part];
    const first = from === '' ? 1 : Number(from);
    const last = to === '' ? count : Number(to);
    for (let field = first; field <= Math.min(last, count); field++) picked.push(field);
  }
  return picked;
}

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  ctx.register('function', 'CUT', {
    read: (_channel, args) => {
      const [value = '', delimiter = '-', spec = '1'] = String(args).split(',');
      const fields = value.split(delimiter || '-');
      return selectFields(spec, fields.length).map((field) => fields[field - 1]).join(delimiter || '-');
    },
  });
  ctx.register('function', 'SORT', {
    read: (_channel, args) =>
      String(args)
        .split(',')
        .map((pair) => pair.split(':'))
        .sort((a, b) => Number(a[1]) - Number(b[1]))
        .map(([key]) => key)
        .join(','),
  });
}
