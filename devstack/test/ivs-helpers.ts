// Shared helpers for the IVS stand-in tests: real SDK clients pointed at the stand-in, and a
// deadline-bounded poll instead of fixed sleeps.
import { IvsClient } from '@aws-sdk/client-ivs';
import { IvschatClient } from '@aws-sdk/client-ivschat';
import type { IvsStandIn } from '../src/ivs';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

export function ivsClient(standIn: IvsStandIn, maxAttempts?: number): IvsClient {
  return new IvsClient({ region: standIn.region, endpoint: standIn.url, credentials, maxAttempts });
}

export function chatClient(standIn: IvsStandIn, maxAttempts?: number): IvschatClient {
  return new IvschatClient({ region: standIn.region, endpoint: standIn.url, credentials, maxAttempts });
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 5000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `fn` and returns the error it rejects with (fails if it resolves). */
// biome-ignore lint/suspicious/noExplicitAny: SDK errors carry service-specific fields ($metadata, exceptionMessage...).
export async function errorOf(fn: () => Promise<unknown>): Promise<Error & Record<string, any>> {
  try {
    await fn();
  } catch (err) {
    // biome-ignore lint/suspicious/noExplicitAny: see above.
    return err as Error & Record<string, any>;
  }
  throw new Error('expected the call to fail');
}
