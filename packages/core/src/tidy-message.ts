/** Node's system-error tail: `, open '/a/b'` or `, rename '/a/b.tmp' -> '/a/b'`. */
const SYSCALL_TAIL = /, [a-z_]+ '([^']+)'(?: -> '([^']+)')?/g;

/** The path, or its folder (a temp file beside the named one), already said in `text`. */
function named(text: string, path: string): boolean {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return text.includes(path) || (slash > 0 && text.includes(path.slice(0, slash)));
}

/**
 * A message wrapped by several layers repeats its file: `/a: cannot read the state: /a: cannot read: ENOENT: no such
 * file or directory, open '/a'`. This keeps the first mention only: a later `/a: ` prefix and Node's `, open '/a'`
 * tail go, giving `/a: cannot read the state: cannot read: ENOENT: no such file or directory`.
 */
export function tidyMessage(message: string): string {
  let out = message;
  const lead = /^(.+?): /.exec(out)?.[1];
  if (lead && /[\\/]/.test(lead)) {
    const head = `${lead}: `;
    out = head + out.slice(head.length).split(head).join('');
  }
  return out.replace(SYSCALL_TAIL, (tail: string, path: string, dest: string | undefined) => {
    const rest = out.replace(tail, '');
    return named(rest, path) && (dest === undefined || named(rest, dest)) ? '' : tail;
  });
}
