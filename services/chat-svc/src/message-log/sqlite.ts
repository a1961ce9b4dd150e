import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { notFound } from '@onair/runtime';
import { messageFromItem, type StoredMessage } from '../table';
import { MESSAGES_PER_BATCH } from './dynamo';
import type { MessageLog } from './port';

// node:sqlite through getBuiltinModule: Jest's module resolver does not know this prefix-only module.
const { DatabaseSync: Database } = process.getBuiltinModule('node:sqlite');

/**
 * The message log in one SQLite file, for the embedded stack (`npm start`): chat-svc writes it,
 * every gateway on the machine reads it, each process through its own connection. WAL mode, so
 * readers never wait for the writer; a commit is in the file (the OS's page cache) before `put`
 * returns, so it survives a kill -9 of any process, not a power cut (synchronous=NORMAL).
 * The calls are synchronous and short (a batch of 25 messages is one transaction of well under
 * a millisecond); the async signatures are the port's.
 */
export class SqliteMessageLog implements MessageLog {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly one: StatementSync;
  private readonly update: StatementSync;
  private readonly between: StatementSync;
  private readonly newestOf: StatementSync;
  private readonly last: StatementSync;

  /** Opens (creates) the file; its folder must exist. */
  constructor(readonly file: string) {
    this.db = new Database(file, { timeout: 5000 });
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS chat_messages (room TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (room, seq)) WITHOUT ROWID',
    );
    this.insert = this.db.prepare('INSERT OR REPLACE INTO chat_messages (room, seq, body) VALUES (?, ?, ?)');
    this.one = this.db.prepare('SELECT body FROM chat_messages WHERE room = ? AND seq = ?');
    this.update = this.db.prepare('UPDATE chat_messages SET body = ? WHERE room = ? AND seq = ?');
    // LIMIT -1 is SQLite's "no limit".
    this.between = this.db.prepare(
      'SELECT body FROM chat_messages WHERE room = ? AND seq BETWEEN ? AND ? ORDER BY seq LIMIT ?',
    );
    this.newestOf = this.db.prepare(
      'SELECT body FROM chat_messages WHERE room = ? ORDER BY seq DESC LIMIT ?',
    );
    this.last = this.db.prepare('SELECT MAX(seq) AS seq FROM chat_messages WHERE room = ?');
  }

  async put(ms: StoredMessage[]): Promise<StoredMessage[]> {
    if (ms.length > MESSAGES_PER_BATCH) throw new Error(`at most ${MESSAGES_PER_BATCH} messages per batch`);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const m of ms) this.insert.run(m.roomId, m.seq, JSON.stringify(m));
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
    return [];
  }

  async get(roomId: string, seq: number): Promise<StoredMessage | undefined> {
    const row = this.one.get(roomId, seq);
    return row ? parse(row.body) : undefined;
  }

  /** Ids without their seq were only ever written to DynamoDB: none here. */
  async legacySeqOf(): Promise<number | undefined> {
    return undefined;
  }

  async tombstone(roomId: string, seq: number): Promise<void> {
    const row = this.one.get(roomId, seq);
    if (!row) throw notFound(`Message ${seq} not found in room ${roomId}`);
    const { attributes: _gone, ...m } = parse(row.body);
    this.update.run(JSON.stringify({ ...m, content: '', deleted: true }), roomId, seq);
  }

  async range(roomId: string, fromSeq: number, toSeq: number, limit?: number) {
    // One row past the limit says whether there is more.
    const rows = this.between.all(roomId, fromSeq, toSeq, limit === undefined ? -1 : limit + 1);
    const more = limit !== undefined && rows.length > limit;
    return { messages: rows.slice(0, limit).map((r) => parse(r.body)), more };
  }

  async newest(roomId: string, limit: number): Promise<StoredMessage[]> {
    return this.newestOf
      .all(roomId, limit)
      .map((r) => parse(r.body))
      .reverse();
  }

  async lastSeq(roomId: string): Promise<number> {
    const n = Number(this.last.get(roomId)?.seq ?? 0);
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

/** A row's body as the message it holds (written by `put` or `tombstone` above). */
function parse(body: unknown): StoredMessage {
  if (typeof body !== 'string') throw new Error('chat_messages.body is not text');
  return messageFromItem(JSON.parse(body));
}
