#!/usr/bin/env node
// Launcher for the `seatdesk` command: runs the bundle (rebuilt first when a source changed), or
// the TypeScript sources through tsx when it cannot be built or SEATDESK_NO_BUNDLE is set.
import { bundled } from './bundle.js';

const entry = process.env.SEATDESK_NO_BUNDLE ? null : await bundled();
if (entry) await import(entry);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
