import { type DeadLetterView, type ReplayAllResult, sourceGone } from './types';

/** What a walk's visitor says about one message: keep it in the DLQ or not, and whether to stop. */
export type Step = { keep: boolean; stop?: boolean };

/** Visits every message of one DLQ in order (each transport's own way of reading without consuming). */
export type Walk<M> = (visit: (m: M) => Promise<Step>) => Promise<void>;

/**
 * One DLQ as the shared operations below see it: a walk, how a message is shown, and how it goes
 * back to its source queue. Each transport supplies these; show, replay and replayAll are the same.
 */
export interface DeadLetterQueueAccess<M, Target> {
  walk: Walk<M>;
  view(m: M): DeadLetterView;
  /** Where a replay of a message of `queue` goes, or undefined when that queue is gone. */
  target(queue: string): Promise<Target | undefined>;
  /** Deliver `m` to its source again; the walk drops it from the DLQ after this resolves. */
  resend(target: Target, m: M): Promise<void>;
}

/** The dead letter whose key `isKey` finds, left where it is. */
export async function showOne<M>(
  dlq: Pick<DeadLetterQueueAccess<M, unknown>, 'walk' | 'view'>,
  isKey: (m: M) => boolean,
): Promise<DeadLetterView | undefined> {
  let found: DeadLetterView | undefined;
  await dlq.walk(async (m) => {
    if (!isKey(m)) return { keep: true };
    found = dlq.view(m);
    return { keep: true, stop: true };
  });
  return found;
}

/** Replay one dead letter; a 409 (kept in the DLQ) when its source queue is gone. */
export async function replayOne<M, T>(
  dlq: DeadLetterQueueAccess<M, T>,
  isKey: (m: M) => boolean,
): Promise<DeadLetterView | undefined> {
  let found: DeadLetterView | undefined;
  await dlq.walk(async (m) => {
    if (!isKey(m)) return { keep: true };
    const v = dlq.view(m);
    const target = await dlq.target(v.queue);
    if (target === undefined) throw sourceGone(v.queue);
    await dlq.resend(target, m);
    found = v;
    return { keep: false, stop: true };
  });
  return found;
}

/** Replay every dead letter of one DLQ into `result`; those whose source queue is gone stay, listed as skipped. */
export async function replayEvery<M, T>(
  dlq: DeadLetterQueueAccess<M, T>,
  result: ReplayAllResult,
): Promise<void> {
  const targets = new Map<string, T | undefined>();
  await dlq.walk(async (m) => {
    const v = dlq.view(m);
    if (!targets.has(v.queue)) targets.set(v.queue, await dlq.target(v.queue));
    const target = targets.get(v.queue);
    if (target === undefined) {
      result.skipped.push({ id: v.id, queue: v.queue, reason: sourceGone(v.queue).message });
      return { keep: true };
    }
    await dlq.resend(target, m);
    result.replayed++;
    return { keep: false };
  });
}
