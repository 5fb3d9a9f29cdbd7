/**
 * The contract of a model-session factory, a per-run service: components ask it
 * for inference sessions instead of choosing an execution backend themselves,
 * so one `--device` choice holds for the whole run. Core names no runtime: the
 * session type is the implementation's (onnxruntime's in @acseg/onnx-runtime).
 */

/** Where sessions run: `auto` = CUDA where it loads, else CPU; `cuda` = an error where it does not load. */
export type DeviceChoice = 'auto' | 'cpu' | 'cuda';
export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'cpu', 'cuda'];

export interface SessionOptions {
  /** This session's device, instead of the factory's (e.g. a small graph kept on the CPU). */
  device?: DeviceChoice;
  /** Intra-op threads (default: the runtime's choice). */
  threads?: number;
  /** Inter-op threads (default: the runtime's choice). */
  interOpThreads?: number;
  /** Graph optimization level (default 'all'). */
  optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Who asks, as the log line names it (e.g. "backbone-dino"). */
  owner?: string;
  /** The model's file, for messages (a session built from bytes has none). */
  file?: string;
  /** No log line for this session (its owner logs its own). */
  quiet?: boolean;
}

/** What every session offers whatever the runtime. */
export interface ModelSession {
  /** The execution provider it runs on, e.g. "cpu" or "cuda". */
  readonly provider: string;
  /** Releases the session; a second call does nothing. */
  dispose(): Promise<void>;
}

export interface SessionFactory<S extends ModelSession = ModelSession> {
  /** The device the run asked for (`--device`). */
  readonly device: DeviceChoice;
  /** A session on a serialized model (bytes) or a model file (path). */
  create(model: Uint8Array | string, options?: SessionOptions): Promise<S>;
}
