/**
 * Node's fetch in a child process, as a separate client would run it: in the test's own
 * process the client reads the answer on the server's turn of the event loop, which hides
 * the connection being reset under it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const SCRIPT = `
const [url, type, bytes, times] = process.argv.slice(1);
const body = 'x'.repeat(Number(bytes));
const results = [];
for (let i = 0; i < Number(times); i++) {
  try {
    const answer = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
    const json = await answer.json();
    results.push(answer.status + ' ' + json.code);
  } catch (err) {
    results.push(err.cause?.code ?? err.message);
  }
}
console.log(JSON.stringify(results));
`;

/** POSTs a body of `bytes` bytes `times` times, one after the other; each answer as `413 payload_too_large` or the error code. */
export async function postFromChild(url: string, type: string, bytes: number, times: number): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT, url, type, String(bytes), String(times)]);
  return JSON.parse(stdout) as string[];
}
