import { ComponentRegistry, silentLogger, silentProgress, TOKENS, type ComponentServices, type SessionFactory } from '@acseg/core';
import { CacheModelHub } from '@acseg/model-hub';
import { isOnnxSessions } from '@acseg/onnx-runtime';
import { describe, expect, it } from 'vitest';
import { createContainer } from './components.module.js';

describe('the run services: one session factory on --device', () => {
  it.each(['cpu', 'cuda'] as const)('device %s: every factory gets the same onnxruntime session factory on that device', (device) => {
    const c = createContainer(new ComponentRegistry(), {
      log: silentLogger,
      progress: silentProgress,
      cacheDir: '.',
      verbose: false,
      device,
      models: new CacheModelHub({ cacheDir: '.', models: {} }),
    });
    const services = c.get<ComponentServices>(TOKENS.ComponentServices);
    expect(isOnnxSessions(services.sessions)).toBe(true);
    expect(services.sessions!.device).toBe(device);
    expect(c.get<SessionFactory>(TOKENS.Sessions)).toBe(services.sessions);
  });
});
