import { silentLogger, silentProgress, type Backbone, type ConceptGenerator, type FeatureSource } from '@acseg/core';
import { describe, expect, it } from 'vitest';
import { chooseBackbone, ensureReady, trainFreeingBackbone } from './components.js';
import type { Session } from './session.js';

/** What happened, in order: the fakes below write here. */
type Events = string[];

function fakeBackbone(events: Events, serial: number, disposable = true): Backbone {
  return {
    name: 'vit',
    info: { model: `model #${serial}` },
    extract: async () => [],
    ...(disposable ? { dispose: async () => void events.push(`dispose backbone #${serial}`) } : {}),
  } as unknown as Backbone;
}

/** A session whose `create` makes numbered fake backbones and records the options each was made with. */
function fakeSession(events: Events, disposable = true): Session {
  let made = 0;
  return {
    config: { components: {} },
    log: silentLogger,
    progress: silentProgress,
    create: async (kind: string, id: string, flags: Record<string, unknown>) => {
      events.push(`create ${kind} ${id} ${JSON.stringify(flags)}`);
      return fakeBackbone(events, ++made, disposable);
    },
  } as unknown as Session;
}

/** A generator that trains (fit), saves and loads, recording each step; `abort` is fired during fit when given. */
function fakeGenerator(events: Events, abort?: AbortController): ConceptGenerator {
  let ready = false;
  return {
    name: 'acg',
    get ready() {
      return ready;
    },
    fit: async () => {
      events.push('fit');
      abort?.abort();
      ready = true;
      return {};
    },
    save: async (path: string) => void events.push(`save ${path}`),
    load: async (path: string) => void events.push(`load ${path}`),
  } as unknown as ConceptGenerator;
}

const source = { length: 3 } as unknown as FeatureSource;

describe('trainFreeingBackbone', () => {
  it("frees the backbone's model while the generator trains and makes it again, with the same options, after", async () => {
    const events: Events = [];
    const session = fakeSession(events);
    const first = await chooseBackbone(session, 'dino', { model: 'vits16', inputSize: '224' });
    const next = await trainFreeingBackbone(session, fakeGenerator(events), source, 'ckpt', undefined, first);
    expect(next).not.toBe(first);
    expect(next.info.model).toBe('model #2');
    expect(events).toEqual([
      'create backbone dino {"model":"vits16","inputSize":"224"}',
      'dispose backbone #1',
      'fit',
      'save ckpt',
      'load ckpt',
      'create backbone dino {"model":"vits16","inputSize":"224"}',
    ]);
    // The backbone made again can be freed and made again in turn (a second training, as in eval's seeds).
    const third = await trainFreeingBackbone(session, fakeGenerator(events), source, 'ckpt', undefined, next);
    expect(third.info.model).toBe('model #3');
  });

  it('keeps the backbone when nothing trains, when it cannot be freed, or when it was not made by chooseBackbone', async () => {
    const events: Events = [];
    const session = fakeSession(events);
    const made = await chooseBackbone(session, 'dino');
    const ready = { name: 'acg', ready: true } as unknown as ConceptGenerator;
    expect(await trainFreeingBackbone(session, ready, source, 'ckpt', undefined, made)).toBe(made);
    const stuck = await chooseBackbone(fakeSession(events, false), 'dino');
    expect(await trainFreeingBackbone(session, fakeGenerator(events), source, 'ckpt', undefined, stuck)).toBe(stuck);
    const foreign = fakeBackbone(events, 99);
    expect(await trainFreeingBackbone(session, fakeGenerator(events), source, 'ckpt', undefined, foreign)).toBe(foreign);
    expect(events.filter((e) => e.startsWith('dispose'))).toEqual([]);
    expect(events.filter((e) => e === 'fit')).toHaveLength(2);
  });

  it('interrupted during training: the freed backbone is returned, nothing is made again and the generator is not read back', async () => {
    const events: Events = [];
    const session = fakeSession(events);
    const first = await chooseBackbone(session, 'dino');
    const abort = new AbortController();
    const next = await trainFreeingBackbone(session, fakeGenerator(events, abort), source, 'ckpt', abort.signal, first);
    expect(next).toBe(first);
    expect(events).toEqual(['create backbone dino {}', 'dispose backbone #1', 'fit', 'save ckpt']);
  });
});

describe('ensureReady', () => {
  it('reads the saved checkpoint back after training, so the training state is dropped', async () => {
    const events: Events = [];
    await ensureReady(fakeSession(events), fakeGenerator(events), source, 'out/acg-checkpoint');
    expect(events).toEqual(['fit', 'save out/acg-checkpoint', 'load out/acg-checkpoint']);
  });
});
