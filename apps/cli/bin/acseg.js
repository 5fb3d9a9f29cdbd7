#!/usr/bin/env node
import { cachedHelp } from '../dist/help-cache.js';

const args = process.argv.slice(2);
const help = cachedHelp(args, process.stdout.columns);
if (help !== undefined) process.stdout.write(help);
else {
  (await import('../dist/allocator.js')).restartWithAllocatorSettings(process.argv[1], args);
  process.exitCode = await (await import('../dist/main.js')).main(args);
}
