import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from '@onair/runtime';
import { messageLogSettingFromItem, messageLogSettingKey } from '../table';
import { DynamoMessageLog } from './dynamo';
import type { MessageLog } from './port';
import { SqliteMessageLog } from './sqlite';

export { DynamoMessageLog, MESSAGES_PER_BATCH } from './dynamo';
export type { MessageLog } from './port';
export { SqliteMessageLog } from './sqlite';

/**
 * The CHAT_MESSAGE_LOG setting (chat-svc and gateway, the same value): `dynamodb` (chat-svc's
 * table) or `sqlite:<absolute path>` (one local file every process of the machine opens; an
 * absolute path, so that processes started from different folders open the same file).
 */
export const MESSAGE_LOG_PATTERN = '^(dynamodb|sqlite:/.+)$';

/**
 * The message log the setting names, in chat-svc's table `table` when it names DynamoDB. A file
 * that cannot be opened is a ConfigError naming the setting (the service exits 78, and is not
 * restarted as if it had crashed).
 */
export function openMessageLog(setting: string, ddb: DynamoDBDocumentClient, table: string): MessageLog {
  if (setting === 'dynamodb') return new DynamoMessageLog(ddb, table);
  const file = setting.startsWith('sqlite:/') ? setting.slice('sqlite:'.length) : undefined;
  if (!file)
    throw new ConfigError([`CHAT_MESSAGE_LOG must be dynamodb or sqlite:<absolute path>, not '${setting}'`]);
  try {
    return new SqliteMessageLog(file);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ConfigError([
      `CHAT_MESSAGE_LOG: cannot open the SQLite file ${file} (${why}); its folder must exist and be writable`,
    ]);
  }
}

/** chat-svc: record where this instance writes its messages, for gateways to compare with theirs. */
export async function recordMessageLogSetting(
  ddb: DynamoDBDocumentClient,
  table: string,
  setting: string,
  instanceId: string,
): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: table,
      Item: { ...messageLogSettingKey, setting, instanceId, at: new Date().toISOString() },
    }),
  );
}

/**
 * Gateway: whether chat-svc writes its messages where this gateway reads them. `mismatch` is
 * chat-svc's setting when it differs; nothing when they agree or chat-svc has not said yet.
 */
export async function compareMessageLogSetting(
  ddb: DynamoDBDocumentClient,
  table: string,
  mine: string,
): Promise<{ mismatch?: string }> {
  const out = await ddb
    .send(new GetCommand({ TableName: table, Key: messageLogSettingKey }))
    .catch((e: unknown) => {
      // No table yet: chat-svc has not started, so it has not said.
      if (e instanceof Error && e.name === 'ResourceNotFoundException') return { Item: undefined };
      throw e;
    });
  const theirs = messageLogSettingFromItem(out.Item);
  return theirs !== undefined && theirs !== mine ? { mismatch: theirs } : {};
}
