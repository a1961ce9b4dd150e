/** A byte range to serve, inclusive, already clamped to the object. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * RFC 9110 §14 single byte ranges: `bytes=a-b`, `bytes=a-`, `bytes=-n`.
 * - undefined: no Range, or one we may ignore (bad syntax, several ranges): serve it all (200)
 * - 'unsatisfiable': answer 416 with `Content-Range: bytes * /size`
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined; // invalid: ignored, per RFC
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
