import type { AppError } from './errors';

/**
 * What every fake of a provider port shares (the IVS and IVS Chat fakes beside their ports): the
 * log of the operations called, and an error a test scripts for the next call of one of them.
 */
export class ScriptedFake {
  readonly calls: string[] = [];
  /** Operation name -> error thrown by its next call (then cleared). */
  readonly failNext = new Map<string, AppError>();

  /** Record a call of `op`, and throw the error scripted for it, if any. */
  protected step(op: string): void {
    this.calls.push(op);
    const e = this.failNext.get(op);
    if (e) {
      this.failNext.delete(op);
      throw e;
    }
  }
}
