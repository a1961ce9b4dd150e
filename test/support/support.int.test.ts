import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, ensureTable } from '@onair/runtime';
import { startDynalite } from '.';

describe('test support: dynalite', () => {
  it('serves DynamoDB, and ensureTable creates a table once and is idempotent', async () => {
    const db = await startDynalite();
    try {
      const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
      const spec = { name: 'onair-test', indexes: [{ name: 'byOwner', pk: 'GSI1PK', sk: 'GSI1SK' }] };
      await ensureTable(ddb, spec);
      await ensureTable(ddb, spec);
      const tables = await ddb.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual(['onair-test']);
    } finally {
      await db.close();
    }
  });
});
