import { ContainerModule } from 'inversify';
import {
  TOKENS,
  type ComponentServices,
  type DeviceChoice,
  type ImageDecoder,
  type Logger,
  type ModelHub,
  type ProgressFactory,
  type SessionFactory,
} from '@acseg/core';
import { createImageDecoder } from '@acseg/image-io';
import { OnnxSessions } from '@acseg/onnx-runtime';

/** What one run provides every component, built-in or third-party alike. */
export interface RunServices {
  log: Logger;
  progress: ProgressFactory;
  cacheDir: string;
  verbose: boolean;
  models: ModelHub;
  /** `--device`: where the run's model sessions go. */
  device: DeviceChoice;
}

/**
 * The per-run services, bound once for the run (one logger, one progress
 * display, one cache folder, one model hub, one image decoder; one session
 * factory on the run's `--device`, so its provider line is logged once); the services object factories get is
 * assembled from them once (singleton), so a plugin that asks the container
 * for the logger gets the same one.
 */
export function servicesModule(run: RunServices): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind<Logger>(TOKENS.Logger).toConstantValue(run.log);
    bind<ProgressFactory>(TOKENS.Progress).toConstantValue(run.progress);
    bind<string>(TOKENS.CacheDir).toConstantValue(run.cacheDir);
    bind<boolean>(TOKENS.Verbose).toConstantValue(run.verbose);
    bind<ModelHub>(TOKENS.ModelHub).toConstantValue(run.models);
    // One decoder for the run: one pixel limit ($ACSEG_MAX_PIXELS, else 64 MP) and one wording of refusals.
    bind<ImageDecoder>(TOKENS.Images)
      .toDynamicValue(() => createImageDecoder())
      .inSingletonScope();
    bind<SessionFactory>(TOKENS.Sessions)
      .toDynamicValue((ctx) => new OnnxSessions({ device: run.device, log: ctx.get<Logger>(TOKENS.Logger) }))
      .inSingletonScope();
    bind<ComponentServices>(TOKENS.ComponentServices)
      .toDynamicValue((ctx) => ({
        log: ctx.get<Logger>(TOKENS.Logger),
        progress: ctx.get<ProgressFactory>(TOKENS.Progress),
        cacheDir: ctx.get<string>(TOKENS.CacheDir),
        verbose: ctx.get<boolean>(TOKENS.Verbose),
        models: ctx.get<ModelHub>(TOKENS.ModelHub),
        images: ctx.get<ImageDecoder>(TOKENS.Images),
        sessions: ctx.get<SessionFactory>(TOKENS.Sessions),
      }))
      .inSingletonScope();
  });
}
