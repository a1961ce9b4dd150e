// Injected failures for tests: make one operation throttle, fail or slow down, a fixed number
// of times or until cleared. The server consults this before running any IVS / IVS Chat
// operation and before handling a messaging-WebSocket request (operation `ws:<ACTION>`).
import { ERROR_STATUS } from './errors';

export interface FaultSpec {
  /**
   * Operation name as on the wire (`CreateChannel`, `SendEvent`, `TagResource`...),
   * `ws:SEND_MESSAGE` / `ws:DELETE_MESSAGE` / `ws:DISCONNECT_USER` for messaging requests,
   * or `*` for every operation.
   */
  operation: string;
  /** Error to answer with, e.g. `ThrottlingException` (429) or `InternalServerException` (500). Omit for latency only. */
  error?: string;
  /** HTTP status (or WebSocket ErrorCode); defaults to the modeled status of `error`, else 500. */
  status?: number;
  message?: string;
  /** Delay before answering (applied before the error, or before the normal response). */
  latencyMs?: number;
  /** How many matching requests this fault applies to; omitted = until cleared. `1` = fail once. */
  times?: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  /** Requests this fault has already been applied to. */
  applied: number;
}

/** What to do for one request: wait, then (maybe) fail. */
export interface FaultOutcome {
  latencyMs: number;
  error?: { errorType: string; status: number; message: string };
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private seq = 0;

  inject(spec: FaultSpec): string {
    if (!spec || typeof spec.operation !== 'string' || !spec.operation) {
      throw new Error('fault needs an operation (an operation name or "*")');
    }
    if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
      throw new Error('fault times must be a positive integer');
    }
    const id = `fault-${++this.seq}`;
    this.faults.push({ ...spec, id, applied: 0 });
    return id;
  }

  clear(id?: string): void {
    this.faults = id === undefined ? [] : this.faults.filter((f) => f.id !== id);
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Consumes one application of the first matching fault (first injected wins). */
  take(operation: string): FaultOutcome | undefined {
    const fault = this.faults.find((f) => f.operation === operation || f.operation === '*');
    if (!fault) return undefined;
    fault.applied++;
    if (fault.times !== undefined && fault.applied >= fault.times) {
      this.faults = this.faults.filter((f) => f !== fault);
    }
    const outcome: FaultOutcome = { latencyMs: fault.latencyMs ?? 0 };
    if (fault.error) {
      outcome.error = {
        errorType: fault.error,
        status: fault.status ?? ERROR_STATUS[fault.error] ?? 500,
        message: fault.message ?? `Injected ${fault.error}`,
      };
    }
    return outcome;
  }
}
