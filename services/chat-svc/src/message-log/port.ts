import type { StoredMessage } from '../table';

/**
 * A native room's message log: every stored message by room and sequence number, tombstones
 * included. chat-svc (the room's owner) is its only writer; the gateway reads it for history,
 * recovery and gap fill. Two implementations behind this one port, checked by one contract suite
 * (test/message-log.test.ts): DynamoDB (chat-svc's table, production) and SQLite (one local file
 * shared by the processes of `npm start`, the embedded default).
 */
export interface MessageLog {
  /**
   * Store up to MESSAGES_PER_BATCH messages, each replacing what was stored at its number.
   * Returns the messages the store left unprocessed (throttled): the caller sends them again.
   */
  put(messages: StoredMessage[]): Promise<StoredMessage[]>;
  /** The message stored at `seq` (a tombstone too), if any. */
  get(roomId: string, seq: number): Promise<StoredMessage | undefined>;
  /** The seq of an id written before message ids carried their seq (its id -> seq item), if any. */
  legacySeqOf(roomId: string, messageId: string): Promise<number | undefined>;
  /** Remove the content, keep the place in the sequence (a tombstone). Idempotent; 404 when nothing is stored there. */
  tombstone(roomId: string, seq: number): Promise<void>;
  /**
   * What is stored with fromSeq <= seq <= toSeq, tombstones included, oldest first: at most
   * `limit` messages when a limit is given, `more` when there may be more after them. Empty
   * when fromSeq > toSeq.
   */
  range(
    roomId: string,
    fromSeq: number,
    toSeq: number,
    limit?: number,
  ): Promise<{ messages: StoredMessage[]; more: boolean }>;
  /** The room's newest `limit` messages (tombstones too), oldest first. */
  newest(roomId: string, limit: number): Promise<StoredMessage[]>;
  /** The room's highest stored sequence number, 0 when nothing is stored. */
  lastSeq(roomId: string): Promise<number>;
  /** Let go of what the log holds open (a file); the DynamoDB log holds nothing. */
  close(): void;
}
