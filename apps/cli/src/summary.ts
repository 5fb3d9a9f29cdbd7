import { describeSkip } from '@acseg/core';

/** A command's closing report on stdout: its one-line summary, then a line for each image it skipped. */
export function printSummary(summary: string, skipped: ReadonlyArray<{ source: string; message: string }>): void {
  const lines = [summary];
  for (const s of skipped) lines.push(`  skipped ${describeSkip(s.source, s.message)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
