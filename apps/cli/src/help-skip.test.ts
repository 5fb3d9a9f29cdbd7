import { describe, expect, it } from 'vitest';
import { buildParser, skipHelpCache } from './main.js';

type Usage = { hasCachedHelpMessage(): boolean };
const usageOf = (parser: unknown): Usage => (parser as { getInternalMethods(): { getUsageInstance(): Usage } }).getInternalMethods().getUsageInstance();

describe('skipHelpCache', () => {
  it("keeps yargs from laying out a command's help once its handler starts (it does so otherwise); --help still prints it", async () => {
    let ran = 0;
    const make = (argv: string[]) =>
      buildParser(argv).command(
        'hello',
        'say hello',
        (a) => a.option('name', { type: 'string', describe: 'who to greet' }),
        async () => {
          ran++;
        },
      );
    const plain = make(['hello']);
    await plain.parseAsync();
    expect(usageOf(plain).hasCachedHelpMessage()).toBe(true);
    const skipped = make(['hello']);
    skipHelpCache(skipped);
    await skipped.parseAsync();
    expect(usageOf(skipped).hasCachedHelpMessage()).toBe(false);
    expect(ran).toBe(2);
    let help = '';
    const asked = make(['hello', '--help']);
    skipHelpCache(asked);
    await asked.parseAsync(['hello', '--help'], {}, (_e, _argv, output) => {
      help = output;
    });
    expect(help).toMatch(/who to greet/);
  });
});
