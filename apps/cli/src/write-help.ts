/** Build step: renders `acseg --help` into dist/help.txt for the fast path in bin/acseg.js (see help-cache.ts). */
import { writeFileAtomic } from '@acseg/report';
import { HELP_FILE } from './help-cache.js';
import { renderHelp } from './help-render.js';

await writeFileAtomic(HELP_FILE, await renderHelp());
