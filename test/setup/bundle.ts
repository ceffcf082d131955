// Global setup: the `seatdesk` command's bundle is built once before the tests that run the real
// binary start (in a fresh checkout it does not exist yet), so no test waits on, or races, a build.
// @ts-expect-error: plain JavaScript, no declarations
import { bundled } from '../../bin/bundle.js';

export default async function setup(): Promise<void> {
  if (!(await bundled())) throw new Error('the seatdesk bundle could not be built (SEATDESK_DEBUG=1 says why)');
}
