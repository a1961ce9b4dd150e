// getItem, queryFirst and queryPage against dynalite in-process: records through fromItem, pages
// that filtered items do not shorten, and cursors that only continue the list they came from.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite } from '../../../test/support/dynalite';
import { createDocumentClient, ensureTable } from '../src/dynamo';
import { getItem, type Page, type PageQuery, queryFirst, queryPage } from '../src/dynamo-reads';

const TableName = 'reads';
const BY_OWNER = { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' };
const BY_NAME = { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' };

interface Thing {
  id: string;
  owner: string;
  color: string;
  gone?: boolean;
}
const thingKey = (id: string) => ({ PK: `THING#${id}`, SK: 'THING' });
const fromItem = (item: Record<string, unknown>): Thing => ({
  id: String(item.id),
  owner: String(item.owner),
  color: String(item.color),
  ...(item.gone ? { gone: true } : {}),
});

describe('DynamoDB reads', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let ddb: ReturnType<typeof createDocumentClient>;

  /** Things of owner `a`, t00..t09 by creation, every third red, t04 and t05 `gone`; one of owner `b`. */
  beforeAll(async () => {
    db = await startDynalite();
    ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    await ensureTable(ddb, { name: TableName, indexes: [BY_OWNER, BY_NAME] });
    const things: Thing[] = [
      ...Array.from({ length: 10 }, (_, i) => ({
        id: `t${String(i).padStart(2, '0')}`,
        owner: 'a',
        color: i % 3 === 0 ? 'red' : 'blue',
        ...(i === 4 || i === 5 ? { gone: true } : {}),
      })),
      { id: 'u00', owner: 'b', color: 'red' },
    ];
    for (const t of things) {
      await ddb.send(
        new PutCommand({
          TableName,
          Item: {
            ...thingKey(t.id),
            ...t,
            GSI1PK: `OWNER#${t.owner}`,
            GSI1SK: t.id,
            GSI2PK: `NAME#${t.id}`,
            GSI2SK: 'THING',
          },
        }),
      );
      // The table's own key lists them too: partition ALL, sorted by id.
      await ddb.send(new PutCommand({ TableName, Item: { PK: 'ALL', SK: t.id, ...t } }));
    }
  });
  afterAll(async () => db.close());

  /** Every page of a list, following nextCursor, with the size of each page. */
  async function allPages(page: (cursor?: string) => Promise<Page<Thing>>) {
    const sizes: number[] = [];
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await page(cursor);
      sizes.push(p.items.length);
      ids.push(...p.items.map((t) => t.id));
      cursor = p.nextCursor;
    } while (cursor);
    return { sizes, ids };
  }

  describe('getItem', () => {
    it('answers the record of the item under the key, undefined when there is none', async () => {
      expect(await getItem(ddb, TableName, thingKey('t01'), fromItem)).toEqual({
        id: 't01',
        owner: 'a',
        color: 'blue',
      });
      expect(await getItem(ddb, TableName, thingKey('nope'), fromItem, { consistent: true })).toBeUndefined();
    });

    it('answers undefined when fromItem leaves the item out', async () => {
      const shown = (item: Record<string, unknown>) => (item.gone ? undefined : fromItem(item));
      expect(await getItem(ddb, TableName, thingKey('t04'), shown)).toBeUndefined();
      expect(await getItem(ddb, TableName, thingKey('t03'), shown)).toMatchObject({ id: 't03' });
    });

    it('reads consistently only when asked', async () => {
      const inputs: unknown[] = [];
      const spy = {
        send: async (c: { input: unknown }) => {
          inputs.push(c.input);
          return {};
        },
      };
      const client = spy as unknown as typeof ddb;
      await getItem(client, TableName, thingKey('x'), fromItem);
      await getItem(client, TableName, thingKey('x'), fromItem, { consistent: true });
      expect(inputs).toEqual([
        { TableName, Key: thingKey('x') },
        { TableName, Key: thingKey('x'), ConsistentRead: true },
      ]);
    });
  });

  describe('queryFirst', () => {
    it('answers the first item of an index partition, undefined for an empty one', async () => {
      expect(await queryFirst(ddb, TableName, BY_NAME, 'NAME#t07', fromItem)).toMatchObject({ id: 't07' });
      expect(await queryFirst(ddb, TableName, BY_NAME, 'NAME#none', fromItem)).toBeUndefined();
    });
  });

  describe('queryPage', () => {
    const owned = (o: Partial<PageQuery<Thing>> = {}) => ({
      table: TableName,
      index: BY_OWNER,
      partition: 'OWNER#a',
      limit: 3,
      fromItem,
      ...o,
    });

    it('pages an index partition in sort order, newest first when asked, to the last page', async () => {
      const asc = await allPages((cursor) => queryPage(ddb, owned({ cursor })));
      expect(asc.ids).toEqual(['t00', 't01', 't02', 't03', 't04', 't05', 't06', 't07', 't08', 't09']);
      expect(asc.sizes.slice(0, 3)).toEqual([3, 3, 3]);
      const desc = await allPages((cursor) => queryPage(ddb, owned({ cursor, newestFirst: true })));
      expect(desc.ids).toEqual([...asc.ids].reverse());
    });

    it('fills a filtered page: where, without and fromItem leave items out, never places', async () => {
      const red = await allPages((cursor) =>
        queryPage(ddb, owned({ cursor, limit: 2, where: { color: 'red' } })),
      );
      expect(red.ids).toEqual(['t00', 't03', 't06', 't09']);
      expect(red.sizes.slice(0, 2)).toEqual([2, 2]);
      const kept = await allPages((cursor) => queryPage(ddb, owned({ cursor, without: ['gone'] })));
      expect(kept.ids).toEqual(['t00', 't01', 't02', 't03', 't06', 't07', 't08', 't09']);
      expect(kept.sizes.slice(0, 2)).toEqual([3, 3]);
      const notGone = (item: Record<string, unknown>) => (item.gone ? undefined : fromItem(item));
      const same = await allPages((cursor) => queryPage(ddb, owned({ cursor, fromItem: notGone })));
      expect(same).toEqual(kept);
    });

    it('an undefined where value is no filter; where and without combine', async () => {
      const all = await queryPage(ddb, owned({ limit: 20, where: { color: undefined } }));
      expect(all.items).toHaveLength(10);
      const both = await queryPage(ddb, owned({ limit: 20, where: { color: 'blue' }, without: ['gone'] }));
      expect(both.items.map((t) => t.id)).toEqual(['t01', 't02', 't07', 't08']);
    });

    it('pages the table key when no index is given', async () => {
      const q = { table: TableName, partition: 'ALL', limit: 4, fromItem };
      const pages = await allPages((cursor) => queryPage(ddb, { ...q, cursor }));
      expect(pages.ids).toEqual([
        ...['t00', 't01', 't02', 't03', 't04', 't05', 't06', 't07', 't08', 't09'],
        'u00',
      ]);
      expect(pages.sizes.slice(0, 2)).toEqual([4, 4]);
    });

    it('refuses a cursor of another list, of another key shape, or made up: a 400', async () => {
      const first = await queryPage(ddb, owned());
      expect(first.nextCursor).toBeDefined();
      const bad = expect.objectContaining({ status: 400, code: 'BAD_REQUEST' });
      await expect(queryPage(ddb, owned({ partition: 'OWNER#b', cursor: first.nextCursor }))).rejects.toEqual(
        bad,
      );
      const tablePage = await queryPage(ddb, { table: TableName, partition: 'ALL', limit: 1, fromItem });
      await expect(queryPage(ddb, owned({ cursor: tablePage.nextCursor }))).rejects.toEqual(bad);
      await expect(queryPage(ddb, owned({ cursor: 'not a cursor!' }))).rejects.toEqual(bad);
      // The first page again for an empty cursor, as for none.
      expect(await queryPage(ddb, owned({ cursor: '' }))).toEqual(first);
    });
  });
});
