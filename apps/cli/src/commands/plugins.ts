import type { Argv } from 'yargs';
import { COMPONENT_KINDS } from '@acseg/core';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';

export function pluginsCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command(commandSpec('plugins').usage, commandSpec('plugins').describe, (a) =>
    a.positional('action', { choices: ['list'] as const, describe: 'what to do' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' }),
  async (argv) => {
    const session = await Session.open(argv as GlobalArgs);
    const entries = session.registry.list();
    if (argv.json) {
      process.stdout.write(`${JSON.stringify({
        plugins: session.plugins.map((p) => ({ name: p.plugin.name, version: p.plugin.version, origin: p.origin })),
        components: entries.map((e) => ({ kind: e.kind, id: e.id, plugin: e.plugin, origin: e.origin, description: e.spec.description })),
        warnings: session.warnings,
      }, null, 2)}\n`);
      return;
    }
    const lines: string[] = ['Plugins:'];
    for (const p of session.plugins) lines.push(`  ${p.plugin.name}@${p.plugin.version}  (${p.origin})`);
    for (const kind of COMPONENT_KINDS) {
      lines.push('', `${kind[0].toUpperCase()}${kind.slice(1)}s:`);
      const list = entries.filter((e) => e.kind === kind);
      if (!list.length) lines.push('  (none)');
      const w = Math.max(0, ...list.map((e) => e.id.length));
      for (const e of list) lines.push(`  ${e.id.padEnd(w)}  ${e.spec.description}  [${e.plugin}]`);
    }
    if (session.warnings.length) lines.push('', ...session.warnings.map((w) => `warning: ${w}`));
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
