import { Batcher, type EntryResult, isTransientAwsError } from '@onair/runtime';
import { MESSAGES_PER_BATCH, type MessageStore, type StoredMessage } from './store';

/**
 * Group commit of native messages: the messages sent at about the same time, of any rooms, go to
 * DynamoDB in one BatchWriteItem (up to MESSAGES_PER_BATCH). A batch leaves when it is full, or
 * `windowMs` (default 10 ms) after the previous batch left: a message after a quiet spell is
 * written at once (waits for nothing), and under load one call every `windowMs` carries all
 * that came meanwhile.
 * Each send resolves when its own message is durable; a throttled or failed one is written again
 * (puts are idempotent) for `retryForMs`, then its send fails and the client's retry sends it again.
 */
export class MessageCommits {
  private readonly batcher: Batcher<StoredMessage>;

  constructor(store: MessageStore, o: { retryForMs?: number; windowMs?: number } = {}) {
    this.batcher = new Batcher<StoredMessage>({
      maxEntries: MESSAGES_PER_BATCH,
      paceMs: o.windowMs ?? 10,
      retryForMs: o.retryForMs ?? 5000,
      isRetryable: isTransientAwsError,
      flush: async (_key, messages): Promise<Array<EntryResult<void>>> => {
        const left = new Set(await store.putMessages(messages));
        return messages.map((m) =>
          left.has(m)
            ? { ok: false, error: new Error('DynamoDB left the message unprocessed'), retryable: true }
            : { ok: true, value: undefined },
        );
      },
    });
  }

  /** Store `m`; resolves once it is durable. */
  commit(m: StoredMessage): Promise<void> {
    return this.batcher.add('messages', m);
  }

  /** Wait for every batch handed out so far (a clean stop). */
  drain(): Promise<void> {
    return this.batcher.drain();
  }
}
