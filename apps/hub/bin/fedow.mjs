#!/usr/bin/env node
// The hub's command line: TypeScript run directly through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
