// The reads every store and read model makes of its table: one item by key, the first item of an
// index partition, and one cursor-paged list of a partition. Each takes the owning service's
// `fromItem` (item -> record), so keys and stored shapes stay spelled in the table modules.
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, keyAttributes } from './cursor';
import type { IndexSpec } from './dynamo';

type Item = Record<string, unknown>;

/** One page of a list; `nextCursor` continues it (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * The item stored under `key`, through `fromItem`; undefined when there is none (or when
 * `fromItem` says the item is not one for this reader). `consistent` reads what was written last.
 */
export async function getItem<T>(
  ddb: DynamoDBDocumentClient,
  table: string,
  key: Item,
  fromItem: (item: Item) => T | undefined,
  opts: { consistent?: boolean } = {},
): Promise<T | undefined> {
  const out = await ddb.send(
    new GetCommand({ TableName: table, Key: key, ...(opts.consistent ? { ConsistentRead: true } : {}) }),
  );
  return out.Item && fromItem(out.Item);
}

/** The first item of an index partition (a lookup by a unique attribute), through `fromItem`. */
export async function queryFirst<T>(
  ddb: DynamoDBDocumentClient,
  table: string,
  index: IndexSpec,
  partition: string,
  fromItem: (item: Item) => T | undefined,
): Promise<T | undefined> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: table,
      IndexName: index.name,
      KeyConditionExpression: `${index.pk} = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
      Limit: 1,
    }),
  );
  const item = out.Items?.[0];
  return item && fromItem(item);
}

/** What queryPage lists: one partition of the table or of an index, and how to page and filter it. */
export interface PageQuery<T> {
  table: string;
  /** The index to list; the table's own key (PK, SK) when left out. */
  index?: IndexSpec;
  /** The partition key's value: the list this is. A cursor of any other list is a 400. */
  partition: string;
  limit: number;
  /** nextCursor of the previous page; undefined (or '') for the first page. */
  cursor?: string;
  /** Sort key descending (ScanIndexForward: false); ascending when left out. */
  newestFirst?: boolean;
  /** Only items whose attribute equals the value; attributes given as undefined are no filter. */
  where?: Record<string, string | undefined>;
  /** Only items that do not have these attributes. */
  without?: string[];
  /** Item -> record; an item it answers undefined for is left out of the page. */
  fromItem: (item: Item) => T | undefined;
}

/**
 * One page of a partition, in sort-key order: up to `limit` records and the cursor after the last
 * one. Filtered items take no place: it keeps querying (asking only for what is still missing, so
 * it never reads past the page) until the page is full or the partition ends. The cursor is
 * checked against the list's key attributes and partition (decodeCursor).
 */
export async function queryPage<T>(ddb: DynamoDBDocumentClient, q: PageQuery<T>): Promise<Page<T>> {
  const pk = q.index?.pk ?? 'PK';
  const filter = filterOf(q.where ?? {}, q.without ?? []);
  const items: T[] = [];
  let start: Item | undefined = decodeCursor(q.cursor, {
    attributes: keyAttributes(q.index),
    fixed: { [pk]: q.partition },
  });
  do {
    const out = await ddb.send(
      new QueryCommand({
        TableName: q.table,
        ...(q.index ? { IndexName: q.index.name } : {}),
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pk, ...filter.names },
        ExpressionAttributeValues: { ':pk': q.partition, ...filter.values },
        ...(filter.expression ? { FilterExpression: filter.expression } : {}),
        ...(q.newestFirst ? { ScanIndexForward: false } : {}),
        Limit: q.limit - items.length,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const record = q.fromItem(item);
      if (record !== undefined) items.push(record);
    }
    start = out.LastEvaluatedKey;
  } while (start && items.length < q.limit);
  return { items, ...(start ? { nextCursor: encodeCursor(start) } : {}) };
}

/** The FilterExpression of `where` and `without`, with placeholder names so any attribute works. */
function filterOf(where: Record<string, string | undefined>, without: string[]) {
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  const terms: string[] = [];
  Object.entries(where).forEach(([attr, value], i) => {
    if (value === undefined) return;
    names[`#w${i}`] = attr;
    values[`:w${i}`] = value;
    terms.push(`#w${i} = :w${i}`);
  });
  without.forEach((attr, i) => {
    names[`#n${i}`] = attr;
    terms.push(`attribute_not_exists(#n${i})`);
  });
  return { names, values, expression: terms.join(' AND ') };
}
