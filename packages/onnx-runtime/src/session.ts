import type { ModelSession } from '@acseg/core';
import type { InferenceSession } from 'onnxruntime-node';
import type { Ort } from './load.js';

export type OnnxProvider = 'cpu' | 'cuda';

/** One onnxruntime session, as the factory made it. */
export class OnnxSession implements ModelSession {
  private released?: Promise<void>;

  constructor(
    /** The onnxruntime-node module (its `Tensor` makes the feeds). */
    readonly ort: Ort,
    /** The session itself, for runs with pre-allocated outputs or run options. */
    readonly inner: InferenceSession,
    readonly provider: OnnxProvider,
  ) {}

  get inputNames(): readonly string[] {
    return this.inner.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.inner.outputNames;
  }

  /** Runs the graph on `feeds`; `fetches` names the outputs wanted (default all) or gives pre-allocated ones. */
  run(feeds: InferenceSession.FeedsType, fetches?: InferenceSession.FetchesType): Promise<InferenceSession.ReturnType> {
    return fetches === undefined ? this.inner.run(feeds) : this.inner.run(feeds, fetches);
  }

  /** Idempotent: onnxruntime throws on a second release, and a session may be disposed by more than one owner. */
  async dispose(): Promise<void> {
    this.released ??= this.inner.release();
    await this.released;
  }
}
