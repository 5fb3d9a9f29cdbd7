import { AcsegError, type ComponentOptions } from '@acseg/core';

/**
 * Reads one option of a component: numbers may arrive as strings from the
 * command line. Wrong values are BAD_CONFIG errors naming the component.
 */
export class OptionReader {
  constructor(private readonly options: ComponentOptions, private readonly component: string) {}

  private bad(name: string, value: unknown, want: string): AcsegError {
    return new AcsegError('BAD_CONFIG', `generator "${this.component}": option ${name} must be ${want}, got ${JSON.stringify(value)}`, {
      hint: `see the @acseg/generator-clustering README for the options of "${this.component}"`,
    });
  }

  number(name: string, fallback: number, check: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {}): number {
    const raw = this.options[name];
    if (raw === undefined || raw === null || raw === '') return fallback;
    const v = typeof raw === 'string' ? Number(raw.trim()) : raw;
    const want = `${check.integer ? 'an integer' : 'a number'}${check.min !== undefined ? ` ${check.exclusiveMin ? '>' : '≥'} ${check.min}` : ''}${check.max !== undefined ? ` ≤ ${check.max}` : ''}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.bad(name, raw, want);
    if (check.integer && !Number.isInteger(v)) throw this.bad(name, raw, want);
    if (check.min !== undefined && (check.exclusiveMin ? v <= check.min : v < check.min)) throw this.bad(name, raw, want);
    if (check.max !== undefined && v > check.max) throw this.bad(name, raw, want);
    return v;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.options[name];
    if (raw === undefined || raw === null || raw === '') return fallback;
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1' || raw === 1) return true;
    if (raw === 'false' || raw === '0' || raw === 0) return false;
    throw this.bad(name, raw, 'true or false');
  }

  choice<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.options[name];
    if (raw === undefined || raw === null || raw === '') return fallback;
    if (typeof raw !== 'string' || !allowed.includes(raw as T)) throw this.bad(name, raw, `one of ${allowed.join(', ')}`);
    return raw as T;
  }
}
