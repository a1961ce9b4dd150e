import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  type DeleteCommand,
  type DeleteCommandOutput,
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandOutput,
  paginateQuery,
  type QueryCommandInput,
  type UpdateCommand,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from './aws-config';

/** A global secondary index: its name, and its string partition key and sort key attributes. */
export interface IndexSpec {
  name: string;
  pk: string;
  sk: string;
}

export interface TableSpec {
  name: string;
  /** Global secondary indexes (the table modules declare them, e.g. STREAM_INDEX). */
  indexes?: IndexSpec[];
}

/** A document client; the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB when set (SDK default). */
export function createDocumentClient(opts: { region: string; endpoint?: string }): DynamoDBDocumentClient {
  const client = new DynamoDBClient(awsClientConfig(opts));
  // The SDK's logger middleware copies every input and output through the schema's sensitive-data
  // filter on every call, even for its no-op logger (about 0.3 ms of CPU a BatchWriteItem of 25);
  // onair logs AWS failures itself, so it goes.
  client.middlewareStack.remove('loggerMiddleware');
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * What a store or read model of one table holds: the document client and the table's name, the
 * two things every read (getItem, queryPage, …) and write (conditionalWrite) takes. Extending it
 * spares each such class the same two-field constructor.
 */
export abstract class TableAccess {
  constructor(
    protected readonly ddb: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}
}

/**
 * Create the table (single-table design: string PK and SK) when it does not exist yet, and
 * wait until it is ACTIVE. Safe to call from several instances at once.
 */
export async function ensureTable(ddb: DynamoDBDocumentClient, spec: TableSpec): Promise<void> {
  try {
    await ddb.send(new DescribeTableCommand({ TableName: spec.name }));
  } catch (e) {
    if (!(e instanceof ResourceNotFoundException) && (e as Error).name !== 'ResourceNotFoundException')
      throw e;
    const attrs = new Set(['PK', 'SK', ...(spec.indexes ?? []).flatMap((i) => [i.pk, i.sk])]);
    try {
      await ddb.send(
        new CreateTableCommand({
          TableName: spec.name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: 'PK', KeyType: 'HASH' },
            { AttributeName: 'SK', KeyType: 'RANGE' },
          ],
          ...(spec.indexes?.length
            ? {
                GlobalSecondaryIndexes: spec.indexes.map((i) => ({
                  IndexName: i.name,
                  KeySchema: [
                    { AttributeName: i.pk, KeyType: 'HASH' },
                    { AttributeName: i.sk, KeyType: 'RANGE' },
                  ],
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
        }),
      );
    } catch (ce) {
      if ((ce as Error).name !== 'ResourceInUseException') throw ce; // another instance won the race
    }
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const d = await ddb.send(new DescribeTableCommand({ TableName: spec.name }));
    if (d.Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${spec.name} did not become ACTIVE`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Readiness probe for a table. */
export async function tableReachable(ddb: DynamoDBDocumentClient, name: string): Promise<boolean> {
  try {
    await ddb.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch {
    return false;
  }
}

/** Whether a DynamoDB write failed its ConditionExpression (the expected outcome of a race, not an error). */
export function isConditionFailure(e: unknown): boolean {
  return (e as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

/**
 * Send a write with a ConditionExpression: its output, or undefined when the condition did not
 * hold (a lost race or a state that forbids the write: the caller decides what that means).
 * Every other error is thrown.
 */
export function conditionalWrite(
  ddb: DynamoDBDocumentClient,
  write: PutCommand,
): Promise<PutCommandOutput | undefined>;
export function conditionalWrite(
  ddb: DynamoDBDocumentClient,
  write: UpdateCommand,
): Promise<UpdateCommandOutput | undefined>;
export function conditionalWrite(
  ddb: DynamoDBDocumentClient,
  write: DeleteCommand,
): Promise<DeleteCommandOutput | undefined>;
export async function conditionalWrite(
  ddb: DynamoDBDocumentClient,
  write: PutCommand | UpdateCommand | DeleteCommand,
): Promise<PutCommandOutput | UpdateCommandOutput | DeleteCommandOutput | undefined> {
  // send() is typed per command class and takes no union; the overloads above keep callers exact.
  const send = ddb.send.bind(ddb) as (
    w: PutCommand | UpdateCommand | DeleteCommand,
  ) => Promise<PutCommandOutput | UpdateCommandOutput | DeleteCommandOutput>;
  try {
    return await send(write);
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}

/**
 * Put `item` unless an item with its key is stored already (a create that must not overwrite:
 * a taken id, a redelivered command). Whether it was written.
 */
export async function insertItem(
  ddb: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
): Promise<boolean> {
  const written = await conditionalWrite(
    ddb,
    new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
  );
  return written !== undefined;
}

/** Every item a query matches, page after page (lib-dynamodb's paginator follows LastEvaluatedKey). */
export async function queryAll(
  ddb: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  for await (const page of paginateQuery({ client: ddb }, input)) items.push(...(page.Items ?? []));
  return items;
}

/**
 * An item without its table keys: `PK`, `SK` and the key attributes of `indexes` (as the table
 * module declares them, so a renamed index attribute is stripped where it is written).
 */
export function withoutTableKeys(
  item: Record<string, unknown>,
  indexes: ReadonlyArray<{ pk: string; sk: string }>,
): Record<string, unknown> {
  const keys = new Set(['PK', 'SK', ...indexes.flatMap((i) => [i.pk, i.sk])]);
  return Object.fromEntries(Object.entries(item).filter(([k]) => !keys.has(k)));
}
