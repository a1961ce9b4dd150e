/** How the AWS SDK's errors are told apart, for every SQS and EventBridge caller of the bus. */

export function isMissingQueue(e: unknown): boolean {
  return /NonExistentQueue|QueueDoesNotExist/.test(errorName(e));
}

export function errorName(e: unknown): string {
  const x = e as { name?: string; Code?: string; code?: string } | undefined;
  return `${x?.name ?? ''} ${x?.Code ?? ''} ${x?.code ?? ''}`;
}

/** Throttling, server faults and lost connections are worth another try; client faults are not. */
export function isTransient(e: unknown): boolean {
  const x = e as {
    $retryable?: unknown;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
    name?: string;
  };
  if (x?.$retryable) return true;
  if (/Throttl|RequestLimitExceeded|TooManyRequests|ServiceUnavailable/i.test(x?.name ?? '')) return true;
  if (x?.$fault === 'server') return true;
  // No HTTP status at all: the request never got an answer (connection refused, reset, timeout).
  return x?.$metadata?.httpStatusCode === undefined && x?.$fault !== 'client';
}

/** The wait before the next try after `failures` failures in a row (100 ms doubling, at most 5 s). */
export function backoff(failures: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(failures - 1, 6));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
