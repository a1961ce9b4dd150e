import { Type } from '@sinclair/typebox';

/**
 * Request schemas shared by the rooms, recordings and seed routes. Lengths stay within what the
 * bus contracts (libs/contracts/src/rooms.ts, recordings.ts), DynamoDB keys and LiveKit take, so
 * a bad input is a 400 here and never a 500 from further down.
 */

/** Characters that have no place in a name or an id: C0 controls and DEL. */
export const NO_CONTROLS = '^[^\\u0000-\\u001f\\u007f]*$';
/** Free text may have tabs and line breaks, but no other control characters. */
const TEXT = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';

/** What the patterns above ask for, in words (the seed error handlers say this, not the regex). */
export const PATTERN_WORDS: Record<string, string> = {
  [NO_CONTROLS]: 'must not contain control characters',
  [TEXT]: 'must not contain control characters other than tabs and line breaks',
};

/** The longest LiveKit room name, participant identity or display name onair accepts. */
export const NAME_MAX = 128;

/**
 * A LiveKit room name or identity: 1-128 characters, no control characters. `optionalEmpty`
 * lets an empty string through for the seed routes, whose handlers answer a missing or empty
 * field with the seed's documented message.
 */
export const LiveKitName = (o: { description?: string; optionalEmpty?: boolean } = {}) =>
  Type.String({
    ...(o.optionalEmpty ? {} : { minLength: 1 }),
    maxLength: NAME_MAX,
    pattern: NO_CONTROLS,
    ...(o.description ? { description: o.description } : {}),
  });

/** A display name (LiveKit `name`, seed 004 `userName`). */
export const DisplayName = (description?: string) =>
  Type.String({ maxLength: NAME_MAX, pattern: NO_CONTROLS, ...(description ? { description } : {}) });

/** Room topic and description, as long as the room contract allows. */
export const Topic = Type.String({ maxLength: 200, pattern: TEXT });
export const Description = Type.String({ maxLength: 2000, pattern: TEXT });

/** Opaque paging cursors from a previous page. */
export const Cursor = Type.String({ maxLength: 2000, pattern: '^[A-Za-z0-9_-]*$' });
