// A gateway with every route registered (streams, chat, history, bans, sockets, LiveKit rooms,
// recordings, seeds) for tests that read its documents: /openapi.json and /asyncapi.json. No
// request reaches a table or a provider, so the read models point at nothing; the bus is the
// in-memory one (the chat sockets consume from it), namespaced.
import type { FastifyInstance } from 'fastify';
import { testBuses } from '../../../test/support';
import { buildDocumentsApp } from '../src/documents';

export async function startDocsGateway(): Promise<{ app: FastifyInstance; stop(): Promise<void> }> {
  const buses = await testBuses({ transport: 'memory' });
  const { app, close } = await buildDocumentsApp({ bus: await buses.make('gateway') });
  return {
    app,
    async stop() {
      await close();
      await buses.cleanup();
    },
  };
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A local JSON pointer (`#/components/schemas/Problem`) in the document, if it points somewhere. */
export function resolve(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(cur) || !(k in cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Every `$ref` in the document, with where it is. */
export function refsOf(v: unknown, at = '#', out: Array<{ at: string; ref: string }> = []) {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) refsOf(x, `${at}/${i}`, out);
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push({ at, ref: x });
      else refsOf(x, `${at}/${k}`, out);
    }
  }
  return out;
}
