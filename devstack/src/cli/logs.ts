// How `npm start` shows a service's output: pino JSON lines as one readable line each.

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * One line of a service's output, prefixed by the service: the level, the message (a request's
 * is `GET /v1/streams 200 3.1 ms`) and the error's message when there is one. A line that is not
 * a pino record (a warning Node prints) is shown as it is.
 */
export function formatLogLine(svc: string, line: string): string {
  const prefix = `  ${svc.padEnd(13)}`;
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch {
    return `${prefix} ${line}`;
  }
  if (!j || typeof j !== 'object' || typeof (j as { level?: unknown }).level !== 'number')
    return `${prefix} ${line}`;
  const r = j as { level: number; msg?: unknown; err?: { message?: unknown } };
  const msg = typeof r.msg === 'string' ? r.msg : '';
  const errMessage = typeof r.err?.message === 'string' ? r.err.message : '';
  const extra = errMessage && errMessage !== msg ? ` (${errMessage})` : '';
  return `${prefix} ${LEVELS[r.level] ?? r.level} ${msg}${extra}`;
}
