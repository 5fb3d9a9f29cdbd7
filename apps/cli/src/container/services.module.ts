import { ContainerModule } from 'inversify';
import { TOKENS, type ComponentServices, type DeviceChoice, type Logger, type ProgressFactory, type SessionFactory } from '@acseg/core';
import { OnnxSessions } from '@acseg/onnx-runtime';

/** What one run provides every component, built-in or third-party alike. */
export interface RunServices {
  log: Logger;
  progress: ProgressFactory;
  cacheDir: string;
  verbose: boolean;
  /** `--device`: where the run's model sessions go. */
  device: DeviceChoice;
}

/**
 * The per-run services, bound once for the run (one logger, one progress
 * display, one cache folder; one session factory on the run's `--device`, so
 * its provider line is logged once); the services object factories get is
 * assembled from them once (singleton), so a plugin that asks the container
 * for the logger gets the same one.
 */
export function servicesModule(run: RunServices): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<Logger>(TOKENS.Logger).toConstantValue(run.log);
    bind<ProgressFactory>(TOKENS.Progress).toConstantValue(run.progress);
    bind<string>(TOKENS.CacheDir).toConstantValue(run.cacheDir);
    bind<boolean>(TOKENS.Verbose).toConstantValue(run.verbose);
    bind<SessionFactory>(TOKENS.Sessions)
      .toDynamicValue((ctx) => new OnnxSessions({ device: run.device, log: ctx.get<Logger>(TOKENS.Logger) }))
      .inSingletonScope();
    bind<ComponentServices>(TOKENS.ComponentServices)
      .toDynamicValue((ctx) => ({
        log: ctx.get<Logger>(TOKENS.Logger),
        progress: ctx.get<ProgressFactory>(TOKENS.Progress),
        cacheDir: ctx.get<string>(TOKENS.CacheDir),
        verbose: ctx.get<boolean>(TOKENS.Verbose),
        sessions: ctx.get<SessionFactory>(TOKENS.Sessions),
      }))
      .inSingletonScope();
  });
}
