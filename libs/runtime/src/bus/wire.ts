/**
 * What a message body looks like on the wire, on every transport: JSON whose characters are all
 * in SQS's allowed set (#x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD) and printable. Anything
 * else is \u-escaped: astral characters (emoji, as their UTF-16 surrogate pairs), U+FFFE and
 * U+FFFF, and the C0/C1 control characters (JSON.stringify already escapes those below U+0020
 * and any lone surrogate). The result is still valid JSON and parses back to the very same value,
 * so a consumer never knows; a local SQS that refuses astral characters (fauxqs) carries it too.
 */

// Built from code points: Biome refuses control characters in a regex literal.
const range = (from: number, to: number) => `\\u${hex4(from)}-\\u${hex4(to)}`;
const UNSAFE_CLASS = `[${range(0x00, 0x08)}\\u000B\\u000C${range(0x0e, 0x1f)}${range(0x7f, 0x9f)}${range(0xd800, 0xdfff)}\\uFFFE\\uFFFF]`;
const UNSAFE = new RegExp(UNSAFE_CLASS);
const UNSAFE_ALL = new RegExp(UNSAFE_CLASS, 'g');

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

const escapeOne = (c: string): string => `\\u${hex4(c.charCodeAt(0))}`;

/**
 * `text` with every character outside the wire-safe set written as a `\uXXXX` escape (one per
 * UTF-16 code unit). On a JSON text this changes nothing a parser sees, since such characters can
 * only stand inside strings there; on free text (an error message in a message attribute) it keeps
 * the text readable and legal for SQS.
 */
export function wireSafe(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeOne) : text;
}

/** JSON.stringify, then wire-safe: what every transport writes as a message body. */
export function toWireJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('a message body must be a JSON value');
  return wireSafe(json);
}
