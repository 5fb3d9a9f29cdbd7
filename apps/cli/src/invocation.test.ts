import { describe, expect, it } from 'vitest';
import { commandLine, setInvocation, shellQuote } from './invocation.js';

describe('commandLine', () => {
  it('drops the named options in both spellings, keeps the rest, appends the extra arguments', () => {
    setInvocation(['train', '--features', 'c', '--resume', 'old', '--force', '--out=x', '--resume=y', '--k', '3', '--resume', '--quiet']);
    expect(commandLine({ valued: ['resume'], flags: ['force'] }, ['--resume', 'x'])).toBe('acseg train --features c --out=x --k 3 --quiet --resume x');
  });

  it('quotes what a shell would split or expand', () => {
    expect(shellQuote('runs/a-1.json')).toBe('runs/a-1.json');
    expect(shellQuote('my runs')).toBe(`'my runs'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shellQuote('$HOME')).toBe(`'$HOME'`);
  });
});
