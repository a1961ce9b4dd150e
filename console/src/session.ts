// Who the console is signed in as, against which gateway: kept in sessionStorage (this tab only,
// gone when it closes). Everything the console does goes through @onair/client with this token.
import { createOnairClient, type OnairClient } from '@onair/client';

export interface Session {
  /** The gateway, e.g. http://127.0.0.1:8080 (default: this page's origin). */
  apiUrl: string;
  token: string;
  userId: string;
  roles: string[];
  /** Where IVS Chat rooms connect (the local stand-in when the dev token route said so). */
  ivsChatUrl?: string;
}

const KEY = 'onair.console.session';
let current: Session | undefined;
let client: OnairClient | undefined;

export function defaultApiUrl(): string {
  return location.origin;
}

export function session(): Session | undefined {
  if (current) return current;
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    const s: unknown = JSON.parse(raw);
    if (isSession(s)) current = s;
  } catch {
    sessionStorage.removeItem(KEY);
  }
  return current;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function isSession(o: unknown): o is Session {
  if (!isRecord(o)) return false;
  return (
    typeof o.apiUrl === 'string' &&
    typeof o.token === 'string' &&
    typeof o.userId === 'string' &&
    Array.isArray(o.roles)
  );
}

export function signIn(s: Session): void {
  current = s;
  client = undefined;
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function signOut(): void {
  current = undefined;
  client = undefined;
  sessionStorage.removeItem(KEY);
}

/** The typed client of the signed-in session. */
export function api(): OnairClient {
  const s = session();
  if (!s) throw new Error('Sign in first');
  client ??= createOnairClient({ baseUrl: s.apiUrl, token: () => session()?.token });
  return client;
}

export const hasRole = (...roles: string[]) => (session()?.roles ?? []).some((r) => roles.includes(r));

/** Claims of a JWT, read (not verified: the gateway verifies) to show who a pasted token is. */
export function claimsOf(token: string): { sub?: string; roles: string[]; exp?: number } {
  const part = token.split('.')[1];
  if (!part) throw new Error('This is not a JWT (three parts separated by dots)');
  let json: unknown;
  try {
    json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    throw new Error('The token’s payload is not readable JSON');
  }
  const o = isRecord(json) ? json : {};
  const list = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
  const roles = [...list(o.roles), ...list(o['cognito:groups']), ...list(o['custom:role']), ...list(o.role)];
  return {
    sub: typeof o.sub === 'string' ? o.sub : undefined,
    roles: roles.length ? roles : ['viewer'],
    exp: typeof o.exp === 'number' ? o.exp : undefined,
  };
}

/** Whether the gateway has the development routes (its /openapi.json lists them). */
export async function devRoutesOn(apiUrl: string): Promise<boolean> {
  try {
    const r = await fetch(`${apiUrl.replace(/\/+$/, '')}/openapi.json`);
    if (!r.ok) return false;
    const doc: unknown = await r.json();
    const paths = typeof doc === 'object' && doc !== null && 'paths' in doc ? doc.paths : undefined;
    return typeof paths === 'object' && paths !== null && '/v1/dev/tokens' in paths;
  } catch {
    return false;
  }
}
