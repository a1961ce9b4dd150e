// conditionalWrite against dynalite in-process: a failed condition is an answer, other errors throw.
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite } from '../../../test/support/dynalite';
import {
  conditionalWrite,
  createDocumentClient,
  ensureTable,
  insertItem,
  TableAccess,
  withoutTableKeys,
} from '../src/dynamo';

describe('conditionalWrite', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let ddb: ReturnType<typeof createDocumentClient>;
  const TableName = 'conditional';

  beforeAll(async () => {
    db = await startDynalite();
    ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    await ensureTable(ddb, { name: TableName });
  });
  afterAll(async () => db.close());

  const putNew = (id: string, n: number) =>
    new PutCommand({
      TableName,
      Item: { PK: id, SK: 'X', n },
      ConditionExpression: 'attribute_not_exists(PK)',
    });

  it('answers the output when the condition held, undefined when it did not', async () => {
    expect(await conditionalWrite(ddb, putNew('a', 1))).toBeDefined();
    expect(await conditionalWrite(ddb, putNew('a', 2))).toBeUndefined();
    const updated = await conditionalWrite(
      ddb,
      new UpdateCommand({
        TableName,
        Key: { PK: 'a', SK: 'X' },
        UpdateExpression: 'SET n = :n',
        ConditionExpression: 'n = :was',
        ExpressionAttributeValues: { ':n': 3, ':was': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(updated?.Attributes).toEqual({ PK: 'a', SK: 'X', n: 3 });
    const removed = await conditionalWrite(
      ddb,
      new DeleteCommand({
        TableName,
        Key: { PK: 'a', SK: 'X' },
        ConditionExpression: 'n = :was',
        ExpressionAttributeValues: { ':was': 1 },
      }),
    );
    expect(removed).toBeUndefined(); // n is 3 now: the item stays
  });

  it('insertItem writes an item whose key is free, and leaves a stored one as it is', async () => {
    expect(await insertItem(ddb, TableName, { PK: 'i', SK: 'X', n: 1 })).toBe(true);
    expect(await insertItem(ddb, TableName, { PK: 'i', SK: 'X', n: 2 })).toBe(false);
    expect(await insertItem(ddb, TableName, { PK: 'i', SK: 'Y', n: 3 })).toBe(true);
    const stored = await ddb.send(new GetCommand({ TableName, Key: { PK: 'i', SK: 'X' } }));
    expect(stored.Item).toEqual({ PK: 'i', SK: 'X', n: 1 });
    await expect(insertItem(ddb, 'no-such-table', { PK: 'i', SK: 'X' })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('throws every error that is not a failed condition', async () => {
    await expect(
      conditionalWrite(
        ddb,
        new PutCommand({
          TableName: 'no-such-table',
          Item: { PK: 'a', SK: 'X' },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      conditionalWrite(
        ddb,
        new UpdateCommand({
          TableName,
          Key: { PK: 'b', SK: 'X' },
          UpdateExpression: 'SET n = :n',
          ConditionExpression: 'n = :missing', // a value never given: a validation error
          ExpressionAttributeValues: { ':n': 1 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('TableAccess', () => {
  it('gives a store the client and the table name it was made with', () => {
    class Store extends TableAccess {
      client() {
        return this.ddb;
      }
    }
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' });
    const store = new Store(ddb, 'things');
    expect(store.client()).toBe(ddb);
    expect(store.tableName).toBe('things');
  });
});

describe('withoutTableKeys', () => {
  it('drops PK, SK and the key attributes of the indexes given, and nothing else', () => {
    const item = { PK: 'A#1', SK: 'A', OWNPK: 'O#1', OWNSK: 't#1', GSI1PK: 'kept', name: 'n', n: 2 };
    expect(withoutTableKeys(item, [{ pk: 'OWNPK', sk: 'OWNSK' }])).toEqual({
      GSI1PK: 'kept',
      name: 'n',
      n: 2,
    });
  });
});
