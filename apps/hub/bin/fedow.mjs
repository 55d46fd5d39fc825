#!/usr/bin/env node
// The hub's command line: TypeScript run directly through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
// The entry function is called here, not at the module's import, so tests can run it in-process.
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
