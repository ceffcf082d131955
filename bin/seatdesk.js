#!/usr/bin/env node
// Launcher for the `seatdesk` command: runs the TypeScript CLI entry through tsx.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli.ts');
