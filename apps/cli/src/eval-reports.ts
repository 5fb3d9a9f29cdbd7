import { join } from 'node:path';
import { formatPaperTable, type Dataset, type EvalReport } from '@acseg/eval';
import { writeEvalReport, writeFileAtomic } from '@acseg/report';

/** Default K of the k-means classifier: the dataset's classes (without background when there is one). */
export function defaultClusters(d: Dataset): number {
  return d.hasBackground ? d.classNames.length - 1 : d.classNames.length;
}

/** Writes each report into `out` (k-NN: one per K, in run-1, run-2, …) and the table; returns the lines naming the files. */
export async function writeReports(out: string, reports: readonly EvalReport[]): Promise<string[]> {
  const lines: string[] = [];
  for (const [i, r] of reports.entries()) {
    const files = await writeEvalReport(reports.length > 1 ? join(out, `run-${i + 1}`) : out, r);
    lines.push(`report: ${files.html}`, `metrics: ${files.json}`);
  }
  await writeFileAtomic(join(out, 'table.md'), `${formatPaperTable(reports)}\n`);
  return lines;
}
