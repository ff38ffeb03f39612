/**
 * The current stack as V8's structured call sites, whatever a module did to
 * `Error.prepareStackTrace` or `Error.stackTraceLimit` (both are restored afterwards).
 */
export function callSites(limit: number, below: (...args: never[]) => unknown): NodeJS.CallSite[] {
  const savedLimit = Error.stackTraceLimit;
  const savedPrepare = Error.prepareStackTrace;
  try {
    Error.stackTraceLimit = limit;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, below);
    return holder.stack ?? [];
  } finally {
    Error.stackTraceLimit = savedLimit;
    Error.prepareStackTrace = savedPrepare;
  }
}
