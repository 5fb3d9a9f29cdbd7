/** Where components report what they do. The CLI prints; tests collect. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

/** A progress bar for long work (training, feature extraction, evaluation). */
export interface ProgressBar {
  /** Sets the completed count; `values` are shown beside the bar (loss, it/s, ...). */
  update(done: number, values?: Record<string, string | number>): void;
  stop(): void;
}

export interface ProgressFactory {
  start(label: string, total: number): ProgressBar;
}

export const silentProgress: ProgressFactory = { start: () => ({ update() {}, stop() {} }) };
