import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

/** The repository's files: git's tracked list, or (no git, e.g. an unpacked archive) a walk without build outputs. */
function repoFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\0')
      .filter(Boolean);
  } catch {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory() && !['node_modules', 'dist', 'out', '.git', '.nx'].includes(e.name)) walk(join(dir, e.name));
        else if (e.isFile()) out.push(relative(root, join(dir, e.name)));
      }
    };
    walk(root);
    return out;
  }
}

/** Text files (no NUL byte) with the lines matching `pattern`, as "file:line: text". */
function matches(files: readonly string[], pattern: RegExp): string[] {
  const hits: string[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(root, file));
    } catch {
      continue; // listed by git but deleted in the working tree
    }
    if (bytes.includes(0)) continue;
    bytes
      .toString('utf8')
      .split('\n')
      .forEach((line, i) => {
        if (pattern.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
      });
  }
  return hits;
}

describe('the repository holds no path of one machine', () => {
  const files = repoFiles();

  it("lists the repository's files (else the checks below check nothing)", () => {
    expect(files).toContain('package.json');
    expect(files.length).toBeGreaterThan(100);
  });

  it('no code, doc or script names an absolute home or work folder', () => {
    // Built from parts so that this file does not match itself.
    const pattern = new RegExp(['work', 'root', 'home'].map((d) => `/${d}/`).join('|'));
    expect(matches(files, pattern), 'take the path as an argument or resolve it from the repository root').toEqual([]);
  });

  it('no script or example writes to a fixed file under the system temp folder (os.tmpdir() + mkdtemp instead)', () => {
    const code = files.filter((f) => /\.[cm]?[jt]s$/.test(f) && !/\.test\.[cm]?[jt]s$/.test(f));
    const pattern = new RegExp(`['"\`]/${'tmp'}/`);
    expect(matches(code, pattern), 'make a folder with mkdtemp(join(tmpdir(), ...)) and remove it').toEqual([]);
  });

  it('no test or test helper reads the data folder shared beside the repository (tests make their own data)', () => {
    const testFiles = files.filter((f) => /\.test\.[cm]?[jt]s$|\/testing\//.test(f));
    expect(testFiles.length).toBeGreaterThan(10);
    const pattern = new RegExp(`\\.\\.[/\\\\]${'shared'}\\b|['"]${'shared'}['"]\\s*[,)]`);
    expect(matches(testFiles, pattern), 'write the data the test needs in a temp folder, or commit a small fixture').toEqual([]);
  });
});
