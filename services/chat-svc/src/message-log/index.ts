import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoMessageLog } from './dynamo';
import type { MessageLog } from './port';
import { SqliteMessageLog } from './sqlite';

export { DynamoMessageLog, MESSAGES_PER_BATCH } from './dynamo';
export type { MessageLog } from './port';
export { SqliteMessageLog } from './sqlite';

/**
 * The CHAT_MESSAGE_LOG setting (chat-svc and gateway, the same value): `dynamodb` (chat-svc's
 * table) or `sqlite:<file>` (one local file every process of the machine opens).
 */
export const MESSAGE_LOG_PATTERN = '^(dynamodb|sqlite:.+)$';

/** The message log the setting names, in chat-svc's table `table` when it names DynamoDB. */
export function openMessageLog(setting: string, ddb: DynamoDBDocumentClient, table: string): MessageLog {
  if (setting === 'dynamodb') return new DynamoMessageLog(ddb, table);
  if (setting.startsWith('sqlite:')) return new SqliteMessageLog(setting.slice('sqlite:'.length));
  throw new Error(`CHAT_MESSAGE_LOG must be dynamodb or sqlite:<file>, not ${setting}`);
}
