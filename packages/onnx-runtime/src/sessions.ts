import { AcsegError, silentLogger, type DeviceChoice, type Logger, type SessionFactory, type SessionOptions } from '@acseg/core';
import type { InferenceSession } from 'onnxruntime-node';
import { cudaProviderInstalled, firstLine, reason, requireOnnxRuntime } from './load.js';
import { CUDA_HINT, NO_CUDA_LIBRARY, providerOrder } from './providers.js';
import { OnnxSession, type OnnxProvider } from './session.js';

export interface OnnxSessionOptions extends SessionOptions {
  /** Session config entries onnxruntime-node passes on as they are (e.g. `{ session: { intra_op: { allow_spinning: '0' } } }`). */
  extra?: Record<string, unknown>;
  /**
   * onnxruntime's CPU memory arena (default on): off, each tensor is allocated and freed by itself, slower where a
   * graph allocates much each run but without the arena's growth (the ACG's training graph: ~0.3 GiB less, 12–15 % slower steps).
   */
  memoryArena?: boolean;
}

export interface OnnxSessionsOptions {
  /** The run's device (default 'auto'). */
  device?: DeviceChoice;
  /** Where the one line saying which provider runs goes (default: nowhere). */
  log?: Logger;
  /** Whether the CUDA provider library is installed (default: looks for it beside onnxruntime-node; tests pass their own). */
  cudaInstalled?: () => boolean;
}

/**
 * The run's onnxruntime session factory: maps the device choice to execution
 * providers (onnxruntime-node throws when the CUDA provider cannot load
 * instead of falling back, so 'auto' tries CUDA where its library is installed
 * and then the CPU), and logs one line per provider it ends up on.
 */
export class OnnxSessions implements SessionFactory<OnnxSession> {
  /** Marks this package's factories (see isOnnxSessions). */
  readonly runtime = 'onnxruntime' as const;
  readonly device: DeviceChoice;
  private readonly log: Logger;
  private readonly cudaInstalled: () => boolean;
  private readonly logged = new Set<OnnxProvider>();
  /** Why CUDA failed once under 'auto': later sessions go straight to the CPU. */
  private cudaProblem?: string;

  constructor(options: OnnxSessionsOptions = {}) {
    this.device = options.device ?? 'auto';
    this.log = options.log ?? silentLogger;
    this.cudaInstalled = options.cudaInstalled ?? cudaProviderInstalled;
  }

  async create(model: Uint8Array | string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
    const device = options.device ?? this.device;
    const file = options.file ?? (typeof model === 'string' ? model : undefined);
    const ort = await requireOnnxRuntime();
    const base: InferenceSession.SessionOptions = {
      graphOptimizationLevel: options.optimization ?? 'all',
      // onnxruntime's own log is silenced: its failures come back as AcsegErrors with the message.
      logSeverityLevel: 4,
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
      ...(options.interOpThreads ? { interOpNumThreads: options.interOpThreads } : {}),
      ...(options.extra ? { extra: options.extra } : {}),
      ...(options.memoryArena === false ? { enableCpuMemArena: false } : {}),
    };
    const open = (providers: OnnxProvider[]) =>
      typeof model === 'string'
        ? ort.InferenceSession.create(model, { ...base, executionProviders: providers })
        : ort.InferenceSession.create(model, { ...base, executionProviders: providers });
    // After CUDA failed once under 'auto', later sessions go straight to the CPU.
    const order = device === 'auto' && this.cudaProblem !== undefined ? (['cpu'] as const) : providerOrder(device, this.cudaInstalled(), file);
    let cudaProblem = device === 'auto' && order[0] === 'cpu' ? (this.cudaProblem ?? NO_CUDA_LIBRARY) : undefined;
    if (order[0] === 'cuda') {
      try {
        return this.made(new OnnxSession(ort, await open(['cuda']), 'cuda'), options, file);
      } catch (e) {
        if (order.length === 1) {
          throw new AcsegError('BAD_CONFIG', `the CUDA execution provider failed to load for ${file ?? 'the model'}: ${reason(e)}`, {
            file,
            hint: CUDA_HINT,
            cause: e,
          });
        }
        cudaProblem = firstLine(e);
      }
    }
    let inner: InferenceSession;
    try {
      inner = await open(['cpu']);
    } catch (e) {
      throw new AcsegError('BAD_MODEL', `${file ?? 'model'}: onnxruntime cannot load the model: ${reason(e)}`, { file, cause: e });
    }
    if (cudaProblem !== undefined) this.cudaProblem = cudaProblem;
    return this.made(new OnnxSession(ort, inner, 'cpu'), options, file, cudaProblem);
  }

  /** Logs the first (not quiet) session on each provider: one line per run in practice. */
  private made(session: OnnxSession, options: OnnxSessionOptions, file: string | undefined, cudaProblem?: string): OnnxSession {
    if (!options.quiet && !this.logged.has(session.provider)) {
      this.logged.add(session.provider);
      const who = options.owner ? `${options.owner}: ` : '';
      this.log.info(
        cudaProblem !== undefined
          ? `${who}onnxruntime ${session.provider} — CUDA unavailable (${cudaProblem})`
          : `${who}onnxruntime ${session.provider}${file ? ` (${file})` : ''}`,
      );
    }
    return session;
  }
}

/** Whether a run's factory is this package's (a structural check: the host may hold another copy of the module). */
export function isOnnxSessions(f: SessionFactory | undefined): f is OnnxSessions {
  return !!f && (f as { runtime?: unknown }).runtime === 'onnxruntime';
}

/**
 * The factory a component uses: the run's when it is an onnxruntime one, else
 * a new one on the run's device (or `fallback.device`, default 'auto') logging to `fallback.log`.
 */
export function onnxSessions(run: SessionFactory | undefined, fallback: OnnxSessionsOptions = {}): OnnxSessions {
  if (isOnnxSessions(run)) return run;
  return new OnnxSessions({ ...fallback, device: run?.device ?? fallback.device });
}
