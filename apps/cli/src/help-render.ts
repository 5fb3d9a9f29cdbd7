import { main } from './main.js';

/** What yargs prints for `acseg --help` at 110 columns (the build caches it; a test compares the two). */
export async function renderHelp(): Promise<string> {
  const columns = Object.getOwnPropertyDescriptor(process.stdout, 'columns');
  const log = console.log;
  let text = '';
  Object.defineProperty(process.stdout, 'columns', { value: undefined, configurable: true });
  console.log = (...parts: unknown[]) => {
    text += `${parts.join(' ')}\n`;
  };
  try {
    const status = await main(['--help']);
    if (status !== 0) throw new Error(`acseg --help exited ${status}`);
  } finally {
    console.log = log;
    if (columns) Object.defineProperty(process.stdout, 'columns', columns);
    else delete (process.stdout as { columns?: number }).columns;
  }
  return text;
}
