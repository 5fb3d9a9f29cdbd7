/** The arguments of the running `acseg` invocation (set by `main`), for messages that name a command to run next. */
let current: readonly string[] = [];

export function setInvocation(args: readonly string[]): void {
  current = [...args];
}

/** Quotes an argument for a POSIX shell when it holds anything but plain path characters. */
export function shellQuote(arg: string): string {
  return /^[\w./:=,@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The current command line with `--<name> [value]` options removed (both `--x v` and `--x=v`) and `extra` appended,
 * ready to paste: `acseg train ... --resume ckpt`. A removed option's value is the next argument unless that is a flag.
 */
export function commandLine(drop: { valued: readonly string[]; flags: readonly string[] }, extra: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < current.length; i++) {
    const a = current[i];
    const name = /^--([^=]+)/.exec(a)?.[1];
    if (name && drop.flags.includes(name)) continue;
    if (name && drop.valued.includes(name)) {
      if (!a.includes('=') && i + 1 < current.length && !current[i + 1].startsWith('-')) i++;
      continue;
    }
    out.push(a);
  }
  return ['acseg', ...out, ...extra].map(shellQuote).join(' ');
}
