// Tiny input checks that answer with ValidationException the way both control planes do.
// Constraints come from the service models summarised in docs/protocols/ivs.md and docs/protocols/ivs-chat.md.
import { ServiceError, validation } from './errors';

export type Input = Record<string, unknown>;

export function requireString(input: Input, field: string, pattern?: RegExp, maxLength?: number): string {
  const value = input[field];
  if (value === undefined || value === null) throw validation(`${field} is required`, field);
  return checkString(value, field, pattern, maxLength);
}

export function optionalString(
  input: Input,
  field: string,
  pattern?: RegExp,
  maxLength?: number,
): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  return checkString(value, field, pattern, maxLength);
}

function checkString(value: unknown, field: string, pattern?: RegExp, maxLength?: number): string {
  if (typeof value !== 'string') throw validation(`${field} must be a string`, field);
  if (maxLength !== undefined && [...value].length > maxLength) {
    throw validation(`${field} must be at most ${maxLength} characters`, field);
  }
  if (pattern && !pattern.test(value)) throw validation(`${field} has an invalid format`, field);
  return value;
}

export function optionalBool(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validation(`${field} must be a boolean`, field);
  return value;
}

export function optionalInt(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(`${field} must be an integer between ${min} and ${max}`, field);
  }
  return value;
}

export function optionalEnum<T extends string>(
  input: Input,
  field: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(input, field);
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw validation(`${field} must be one of ${allowed.join(', ')}`, field);
  return value as T;
}

/** A string-to-string map, such as tags or chat attributes. */
export function optionalStringMap(
  input: Input,
  field: string,
  limits: { maxEntries?: number; maxTotalBytes?: number } = {},
): Record<string, string> | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw validation(`${field} must be a map`, field);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string')) {
    throw validation(`${field} values must be strings`, field);
  }
  if (limits.maxEntries !== undefined && entries.length > limits.maxEntries) {
    throw validation(`${field} has more than ${limits.maxEntries} entries`, field);
  }
  if (limits.maxTotalBytes !== undefined) {
    const bytes = entries.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v as string), 0);
    if (bytes > limits.maxTotalBytes)
      throw validation(`${field} exceeds ${limits.maxTotalBytes} bytes`, field);
  }
  return { ...(value as Record<string, string>) };
}

/** Tags: at most 50, keys 1-128 chars, values up to 256 (both planes). */
export function optionalTags(input: Input, field = 'tags'): Record<string, string> | undefined {
  const tags = optionalStringMap(input, field, { maxEntries: 50 });
  if (!tags) return undefined;
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128 || v.length > 256)
      throw validation(`${field} has an invalid entry`, field);
  }
  return tags;
}

/**
 * Offset pagination with an opaque token. The stand-in's lists are small and in memory, so an
 * offset into the sorted list is enough; the token is base64url so clients cannot rely on it.
 */
export function paginate<T>(
  items: T[],
  nextToken: string | undefined,
  maxResults: number,
): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (nextToken !== undefined) {
    const decoded = /^o(\d+)$/.exec(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!decoded) throw validation('nextToken is invalid', 'nextToken');
    offset = Number(decoded[1]);
  }
  const page = items.slice(offset, offset + maxResults);
  const end = offset + page.length;
  return end < items.length ? { page, nextToken: Buffer.from(`o${end}`).toString('base64url') } : { page };
}

export const isServiceError = (e: unknown): e is ServiceError => e instanceof ServiceError;
