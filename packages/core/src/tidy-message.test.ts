import { describe, expect, it } from 'vitest';
import { tidyMessage } from './tidy-message.js';

describe('tidyMessage: each path said once', () => {
  it('drops a repeated "path: " prefix and Node\'s syscall tail naming a path already said', () => {
    expect(tidyMessage("/d/state: cannot read the classifier state: /d/state: cannot read: ENOENT: no such file or directory, open '/d/state'")).toBe(
      '/d/state: cannot read the classifier state: cannot read: ENOENT: no such file or directory',
    );
    // A temp file beside the named file: its folder is already said.
    expect(tidyMessage("/o/a.json: cannot write (ENOTDIR: not a directory, open '/o/a.json.1234')")).toBe('/o/a.json: cannot write (ENOTDIR: not a directory)');
    expect(tidyMessage("/o/x: cannot move (EXDEV: cross-device link, rename '/o/x.tmp' -> '/o/x')")).toBe('/o/x: cannot move (EXDEV: cross-device link)');
  });

  it('keeps a path said only in the tail, and messages without paths', () => {
    expect(tidyMessage("cannot write the gallery (EACCES: permission denied, open '/o/index.html')")).toBe(
      "cannot write the gallery (EACCES: permission denied, open '/o/index.html')",
    );
    expect(tidyMessage('classifier clip: the class list is empty')).toBe('classifier clip: the class list is empty');
    expect(tidyMessage('k: 3: 3: three')).toBe('k: 3: 3: three');
  });
});
