#!/usr/bin/env node
// The `clawbar` command runs the TypeScript sources directly through tsx: it works right after
// `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/main.ts');
