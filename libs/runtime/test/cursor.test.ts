import { decodeCursor, encodeCursor, keyAttributes } from '../src/cursor';
import { AppError } from '../src/errors';

const byOwner = { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' };
const shape = { attributes: keyAttributes(byOwner), fixed: { GSI1PK: 'OWNER#alice' } };
const key = { PK: 'STREAM#s1', SK: 'STREAM', GSI1PK: 'OWNER#alice', GSI1SK: '2026-01-01T00:00:00.000Z#s1' };

/** The 400 a bad cursor gets, with the message the client reads. */
function badCursor(cursor: string) {
  try {
    decodeCursor(cursor, shape);
  } catch (e) {
    return e instanceof AppError ? { status: e.status, message: e.message } : e;
  }
  return 'accepted';
}

describe('page cursors', () => {
  it('give back the key they were made of; no cursor is the first page', () => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, shape)).toEqual(key);
    expect(decodeCursor(undefined, shape)).toBeUndefined();
    expect(decodeCursor('', shape)).toBeUndefined();
  });

  it('name the table key, plus the index key when the list reads an index', () => {
    expect(keyAttributes()).toEqual(['PK', 'SK']);
    expect(keyAttributes(byOwner)).toEqual(['PK', 'SK', 'GSI1PK', 'GSI1SK']);
  });

  it.each([
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['not an object', encodeCursor(['PK'] as unknown as Record<string, unknown>)],
    ['a missing attribute', encodeCursor({ PK: key.PK, SK: key.SK, GSI1PK: key.GSI1PK })],
    ['an extra attribute', encodeCursor({ ...key, other: 'x' })],
    ['an attribute of another list', encodeCursor({ PK: key.PK, SK: key.SK, GSI2PK: 'x', GSI2SK: 'y' })],
    ['a number', encodeCursor({ ...key, GSI1SK: 5 })],
    ['an empty value', encodeCursor({ ...key, SK: '' })],
    ['a long value', encodeCursor({ ...key, SK: 'x'.repeat(1025) })],
    ["another owner's list", encodeCursor({ ...key, GSI1PK: 'OWNER#bob' })],
  ])('answer %s with a 400 that says what to do', (_what, cursor) => {
    expect(badCursor(cursor)).toEqual({
      status: 400,
      message: 'The cursor is not one this list gave out; pass nextCursor from the previous page unchanged',
    });
  });
});
