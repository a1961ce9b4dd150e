import { badRequest } from './errors';

/**
 * Page cursors: the DynamoDB key a page ended at (its LastEvaluatedKey), as base64url JSON. A
 * cursor comes back from the client, so it is checked before DynamoDB sees it: exactly the key
 * attributes of the list it came from, each a short string, and the partition of this very list
 * (a cursor of another owner's list, or a made-up key, is a 400 instead of a 500 "starting key
 * is invalid").
 */
export interface CursorShape {
  /** The attributes of a key of this list: see keyAttributes(). */
  attributes: readonly string[];
  /** Attributes whose value is fixed for this list (the partition key of the query). */
  fixed: Record<string, string>;
}

/** The attributes of a key a query pages by: the table's PK and SK, plus the index's key, if any. */
export function keyAttributes(index?: { pk: string; sk: string }): string[] {
  return index ? ['PK', 'SK', index.pk, index.sk] : ['PK', 'SK'];
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

const invalid = () =>
  badRequest('The cursor is not one this list gave out; pass nextCursor from the previous page unchanged');

/** The key to continue after (undefined for the first page); a 400 when the cursor is not this list's. */
export function decodeCursor(
  cursor: string | undefined,
  shape: CursorShape,
): Record<string, string> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid();
  const entries = Object.entries(value);
  const wanted = new Set(shape.attributes);
  if (entries.length !== wanted.size) throw invalid();
  const key: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (!wanted.has(k) || typeof v !== 'string' || v.length === 0 || v.length > 1024) throw invalid();
    key[k] = v;
  }
  for (const [k, v] of Object.entries(shape.fixed)) if (key[k] !== v) throw invalid();
  return key;
}
