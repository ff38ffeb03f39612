/** Module sources added to the sample set by tests: cycles, a ban taken as a dependency, a failing load. */

/** A module source with the given MODULEINFO `<use>` lines whose load() returns `outcome`. */
export function moduleSource(description: string, uses: string[] = [], outcome: 'success' | 'failure' = 'success'): string {
  const info = uses.map((u) => `\t<use type="module">${u}</use>`).join('\n');
  return `/*** MODULEINFO
${info}
\t<support_level>extended</support_level>
\t<description>${description}</description>
 ***/

export function load() {
  return '${outcome}';
}
`;
}

/** cyc_a and cyc_b use each other; cyc_top uses cyc_a; app_needs_shell uses the banned func_shell. */
export const REFUSED_MODULES: Record<string, string> = {
  'cyc_a.js': moduleSource('One half of a dependency cycle', ['cyc_b']),
  'cyc_b.js': moduleSource('The other half of a dependency cycle', ['cyc_a']),
  'cyc_top.js': moduleSource('Needs a module that is in a cycle', ['cyc_a']),
  'app_needs_shell.js': moduleSource('Needs func_shell, which modules.conf bans', ['func_shell']),
};
