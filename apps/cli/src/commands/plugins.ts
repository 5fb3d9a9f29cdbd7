import type { Argv } from 'yargs';
import { AcsegError, COMPONENT_KINDS, describeOptions, formatOptions, type RegisteredComponent } from '@acseg/core';
import { Session, type GlobalArgs } from '../session.js';
import { commandSpec, type SetStatus } from './index.js';

type PluginsArgs = GlobalArgs & { action: 'list' | 'show'; name?: string; json: boolean };

function componentJson(e: RegisteredComponent, withOptions: boolean) {
  return {
    kind: e.kind,
    id: e.id,
    plugin: e.plugin,
    origin: e.origin,
    description: e.spec.description,
    ...(withOptions ? { needs: e.spec.needs ?? {}, defaultRank: e.spec.defaultRank ?? null, options: describeOptions(e.spec.options) } : {}),
  };
}

/** `plugins show NAME`: a plugin by name (or a component by id), its components and each one's options. */
function show(session: Session, name: string, json: boolean): string {
  const plugin = session.plugins.find((p) => p.plugin.name === name);
  const entries = session.registry.list().filter((e) => (plugin ? e.plugin === name : e.id === name));
  if (!entries.length) {
    throw new AcsegError('UNKNOWN_COMPONENT', `no plugin or component named "${name}"`, {
      hint: `plugins: ${session.plugins.map((p) => p.plugin.name).join(', ')} (acseg plugins list)`,
    });
  }
  if (json)
    return JSON.stringify(
      {
        plugin: plugin ? { name: plugin.plugin.name, version: plugin.plugin.version, origin: plugin.origin } : null,
        components: entries.map((e) => componentJson(e, true)),
      },
      null,
      2,
    );
  const lines: string[] = plugin ? [`${plugin.plugin.name}@${plugin.plugin.version}  (${plugin.origin})`] : [];
  for (const e of entries) {
    const needs = Object.entries(e.spec.needs ?? {})
      .filter(([, v]) => v)
      .map(([k]) => k);
    lines.push('', `${e.kind} ${e.id}: ${e.spec.description}${plugin ? '' : `  [${e.plugin}]`}`);
    if (needs.length) lines.push(`  needs: ${needs.join(', ')}`);
    if (e.spec.defaultRank !== undefined) lines.push(`  default ${e.kind} (rank ${e.spec.defaultRank})`);
    lines.push(`  options (--set ${e.id}.KEY=VALUE, or "options": { "${e.id}": { ... } } in the config):`, ...formatOptions(e.spec.options));
  }
  return lines.join('\n');
}

export function pluginsCommand(y: Argv, _setStatus: SetStatus): Argv {
  return y.command(
    commandSpec('plugins').usage,
    commandSpec('plugins').describe,
    (a) =>
      a
        .positional('action', {
          choices: ['list', 'show'] as const,
          describe: "list: every plugin and component; show NAME: a plugin's (or a component's) options",
        })
        .positional('name', { type: 'string', describe: 'with show: a plugin name (e.g. @acseg/acg) or a component id' })
        .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' }),
    async (args) => {
      const argv = args as unknown as PluginsArgs;
      const session = await Session.open(argv);
      if (argv.action === 'show') {
        if (!argv.name) throw new AcsegError('BAD_CONFIG', 'plugins show: give a plugin name or a component id', { hint: 'acseg plugins list shows them' });
        process.stdout.write(`${show(session, argv.name, argv.json)}\n`);
        return;
      }
      const entries = session.registry.list();
      if (argv.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              plugins: session.plugins.map((p) => ({ name: p.plugin.name, version: p.plugin.version, origin: p.origin })),
              components: entries.map((e) => componentJson(e, false)),
              warnings: session.warnings,
            },
            null,
            2,
          )}\n`,
        );
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
      lines.push('', "Options of a plugin's components: acseg plugins show <plugin or component>");
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  );
}
