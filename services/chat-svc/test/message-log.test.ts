// The message log's one contract, run against both implementations: DynamoDB (dynalite, the
// production layout) and SQLite (a file, the embedded stack's default). Then what only the file
// promises: another connection (another process) reads a write at once, and a write survives a
// kill -9 of the process that made it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createDocumentClient, ensureTable } from '@onair/runtime';
import { AMQP_URL, freePort, requireRabbit, startDynalite, waitFor } from '../../../test/support';
import {
  compareMessageLogSetting,
  DynamoMessageLog,
  type MessageLog,
  openMessageLog,
  recordMessageLogSetting,
  SqliteMessageLog,
} from '../src/message-log';
import { CHAT_TABLE_INDEXES } from '../src/rooms/store';
import { MAX_SEQ, messageIdFor, type StoredMessage } from '../src/table';

function message(roomId: string, seq: number, extra: Partial<StoredMessage> = {}): StoredMessage {
  return {
    roomId,
    seq,
    messageId: messageIdFor(seq, `r${seq}`),
    requestId: `req-${seq}`,
    sender: { userId: 'alice', attributes: { colour: 'blue' }, role: 'streamer' },
    content: `hello ${seq} ☃`,
    attributes: { n: String(seq) },
    sendTime: new Date(1_700_000_000_000 + seq).toISOString(),
    ...extra,
  };
}

/** What a tombstone of `m` holds: its place and identity, no content, no attributes. */
function tombstoneOf(m: StoredMessage): StoredMessage {
  const { attributes: _gone, ...rest } = m;
  return { ...rest, content: '', deleted: true };
}

let db: Awaited<ReturnType<typeof startDynalite>>;
const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'onair-message-log-'));
  dirs.push(dir);
  return join(dir, 'chat-messages.sqlite');
};
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const implementations: Array<[string, () => Promise<MessageLog>]> = [
  [
    'DynamoDB',
    async () => {
      const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
      const table = `log-${Math.random().toString(36).slice(2)}`;
      await ensureTable(ddb, { name: table, indexes: CHAT_TABLE_INDEXES });
      return new DynamoMessageLog(ddb, table);
    },
  ],
  ['SQLite', async () => new SqliteMessageLog(tempFile())],
];

describe.each(implementations)('message log on %s', (_name, open) => {
  jest.setTimeout(60_000);
  let log: MessageLog;
  beforeEach(async () => {
    log = await open();
  });
  afterEach(() => log.close());

  it('gives back what was put, byte for byte, and a put at a taken number replaces it', async () => {
    const ms = [1, 2, 3].map((s) => message('room-a', s));
    expect(await log.put(ms)).toEqual([]);
    expect(await log.get('room-a', 2)).toEqual(ms[1]);
    expect(await log.get('room-a', 4)).toBeUndefined();
    expect(await log.get('room-b', 2)).toBeUndefined();
    const again = message('room-a', 2, { content: 'second write', attributes: undefined });
    const { attributes: _none, ...plain } = again;
    await log.put([plain]);
    expect(await log.get('room-a', 2)).toEqual(plain);
  });

  it('keeps rooms apart, also a room whose id begins with another one', async () => {
    await log.put([message('room', 1), message('room-2', 1), message('room-2', 2)]);
    expect((await log.range('room', 1, MAX_SEQ)).messages.map((m) => m.roomId)).toEqual(['room']);
    expect(await log.lastSeq('room')).toBe(1);
    expect(await log.lastSeq('room-2')).toBe(2);
    expect(await log.newest('room', 10)).toHaveLength(1);
  });

  it('reads a range oldest first, tombstones included, cut at a limit with `more`', async () => {
    await log.put([5, 1, 3, 2, 4].map((s) => message('r', s)));
    await log.tombstone('r', 3);
    const all = await log.range('r', 1, MAX_SEQ);
    expect(all.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(all.messages[2]).toEqual(tombstoneOf(message('r', 3)));
    expect(all.more).toBe(false);
    expect((await log.range('r', 2, 4)).messages.map((m) => m.seq)).toEqual([2, 3, 4]);
    const cut = await log.range('r', 2, MAX_SEQ, 2);
    expect(cut).toEqual({ messages: [message('r', 2), tombstoneOf(message('r', 3))], more: true });
    expect((await log.range('r', 4, MAX_SEQ, 10)).more).toBe(false);
    expect((await log.range('r', 6, MAX_SEQ, 10)).messages).toEqual([]);
  });

  it('gives the newest messages oldest first, and the last stored number (0 for none)', async () => {
    expect(await log.lastSeq('r')).toBe(0);
    expect(await log.newest('r', 3)).toEqual([]);
    await log.put([1, 2, 3, 4, 7].map((s) => message('r', s)));
    expect((await log.newest('r', 3)).map((m) => m.seq)).toEqual([3, 4, 7]);
    expect(await log.lastSeq('r')).toBe(7);
  });

  it('makes a tombstone idempotently, and answers 404 where nothing is stored', async () => {
    await log.put([message('r', 1)]);
    await log.tombstone('r', 1);
    await log.tombstone('r', 1);
    expect(await log.get('r', 1)).toEqual(tombstoneOf(message('r', 1)));
    await expect(log.tombstone('r', 2)).rejects.toMatchObject({ status: 404 });
  });

  it('finds no old-style id in a log that holds none', async () => {
    expect(await log.legacySeqOf('r', 'abcdef')).toBeUndefined();
  });

  it('refuses more than 25 messages in one put', async () => {
    const ms = Array.from({ length: 26 }, (_, i) => message('r', i + 1));
    await expect(log.put(ms)).rejects.toThrow('at most 25');
  });

  it('answers every read as a model of the log would, over random puts and deletes', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ put: fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 25 }) }),
            fc.record({ del: fc.integer({ min: 1, max: 40 }) }),
          ),
          { maxLength: 12 },
        ),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 45 }),
        fc.integer({ min: 1, max: 30 }),
        async (steps, from, to, limit) => {
          const room = `prop-${round++}`;
          const model = new Map<number, StoredMessage>();
          for (const step of steps) {
            if ('put' in step) {
              const ms = step.put.map((s) => message(room, s, { content: `v${round}-${s}` }));
              await log.put(ms);
              for (const m of ms) model.set(m.seq, m);
            } else if (model.has(step.del)) {
              await log.tombstone(room, step.del);
              const was = model.get(step.del);
              if (was) model.set(step.del, tombstoneOf(was));
            } else {
              await expect(log.tombstone(room, step.del)).rejects.toMatchObject({ status: 404 });
            }
          }
          const sorted = [...model.values()].sort((a, b) => a.seq - b.seq);
          const inRange = sorted.filter((m) => m.seq >= from && m.seq <= to);
          expect((await log.range(room, from, to)).messages).toEqual(inRange);
          const cut = await log.range(room, from, to, limit);
          expect(cut.messages).toEqual(inRange.slice(0, limit));
          if (inRange.length > limit) expect(cut.more).toBe(true);
          if (inRange.length < limit) expect(cut.more).toBe(false);
          expect(await log.newest(room, limit)).toEqual(sorted.slice(-limit));
          expect(await log.lastSeq(room)).toBe(sorted.at(-1)?.seq ?? 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('message log in a SQLite file', () => {
  jest.setTimeout(60_000);

  it('is read by another connection, as another process would, the moment a put returns', async () => {
    const file = tempFile();
    const writer = new SqliteMessageLog(file);
    const reader = new SqliteMessageLog(file);
    try {
      await writer.put([message('r', 1), message('r', 2)]);
      expect(await reader.lastSeq('r')).toBe(2);
      await writer.tombstone('r', 1);
      expect(await reader.get('r', 1)).toEqual(tombstoneOf(message('r', 1)));
    } finally {
      writer.close();
      reader.close();
    }
  });

  it('keeps what a process stored when that process is killed with SIGKILL right after', async () => {
    const file = tempFile();
    // A writer in its own process: it puts a batch, says so, then waits to be killed.
    const script = `
      const { SqliteMessageLog } = require(${JSON.stringify(require.resolve('../src/message-log/sqlite'))});
      const log = new SqliteMessageLog(${JSON.stringify(file)});
      const ms = Array.from({ length: 25 }, (_, i) => ({ roomId: 'r', seq: i + 1, messageId: 'm' + i, requestId: 'q' + i,
        sender: { userId: 'u' }, content: 'c' + i, sendTime: new Date().toISOString() }));
      log.put(ms).then(() => { process.stdout.write('stored\\n'); setInterval(() => {}, 1000); });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise((r) => child.once('exit', r));
    await waitFor(() => out.includes('stored'), { timeoutMs: 30_000 });
    child.kill('SIGKILL');
    await exited;
    const log = openMessageLog(`sqlite:${file}`, createDocumentClient({ region: 'us-east-1' }), 'unused');
    try {
      expect(await log.lastSeq('r')).toBe(25);
      expect((await log.range('r', 1, MAX_SEQ)).messages.map((m) => m.content)).toEqual(
        Array.from({ length: 25 }, (_, i) => `c${i}`),
      );
    } finally {
      log.close();
    }
  });

  it('is named by CHAT_MESSAGE_LOG: dynamodb or sqlite:<absolute path>, nothing else', () => {
    const ddb = createDocumentClient({ region: 'us-east-1' });
    expect(openMessageLog('dynamodb', ddb, 't')).toBeInstanceOf(DynamoMessageLog);
    const file = tempFile();
    const log = openMessageLog(`sqlite:${file}`, ddb, 't');
    expect(log).toBeInstanceOf(SqliteMessageLog);
    log.close();
    for (const bad of ['postgres://x', 'sqlite:', 'sqlite:relative.db'])
      expect(() => openMessageLog(bad, ddb, 't')).toThrow(
        expect.objectContaining({
          name: 'ConfigError',
          message: expect.stringContaining('sqlite:<absolute path>'),
        }),
      );
    // A folder that cannot exist or cannot be made: refused at once, naming the setting (a
    // recursive mkdir of /proc/nope never returned).
    for (const file of ['/proc/nope/x.db', '/dev/null/x.db', join(tempFile(), 'missing', 'x.db')])
      expect(() => openMessageLog(`sqlite:${file}`, ddb, 't')).toThrow(
        expect.objectContaining({
          name: 'ConfigError',
          message: expect.stringContaining(`cannot open the SQLite file ${file}`),
        }),
      );
  });

  it('that cannot be opened stops chat-svc at start with exit 78 and the reason, not a crash to restart', async () => {
    await requireRabbit();
    for (const setting of ['sqlite:/proc/nope/x.db', 'sqlite:/dev/null/x.db']) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'services/chat-svc/src/main.ts'], {
        cwd: join(__dirname, '../../..'),
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          PORT: String(await freePort()),
          AMQP_URL,
          BUS_NAMESPACE: `t-log-${Math.random().toString(36).slice(2, 8)}`,
          TABLE_NAME: 'onair-chat-log-open',
          AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          CHAT_MESSAGE_LOG: setting,
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect({ setting, code }).toEqual({ setting, code: 78 });
      expect(err).toContain('CHAT_MESSAGE_LOG: cannot open the SQLite file');
    }
  });
});

describe('where chat-svc says its messages are', () => {
  it('lets a gateway see that it reads another log than chat-svc writes', async () => {
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    const table = `cfg-${Math.random().toString(36).slice(2)}`;
    // No table yet (chat-svc not started) and no record yet: nothing to compare.
    expect(await compareMessageLogSetting(ddb, table, 'dynamodb')).toEqual({});
    await ensureTable(ddb, { name: table, indexes: CHAT_TABLE_INDEXES });
    expect(await compareMessageLogSetting(ddb, table, 'dynamodb')).toEqual({});
    await recordMessageLogSetting(ddb, table, 'sqlite:/tmp/a.sqlite', 'chat-1');
    expect(await compareMessageLogSetting(ddb, table, 'sqlite:/tmp/a.sqlite')).toEqual({});
    expect(await compareMessageLogSetting(ddb, table, 'dynamodb')).toEqual({
      mismatch: 'sqlite:/tmp/a.sqlite',
    });
    ddb.destroy();
  });
});
