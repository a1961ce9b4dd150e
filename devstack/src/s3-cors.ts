// CORS on the local S3 (fauxqs), as a production bucket's CORS rule would answer it, so a page on
// another origin (the console at the gateway's /console) can fetch recordings through presigned
// URLs: preflights are answered, and every answer names the origin and exposes the headers a
// player or a download needs. docs/console.md has the rule for a real bucket.

/** The part of a Fastify instance this needs (fauxqs' app is one). */
interface HookHost {
  addHook(
    name: 'onRequest',
    hook: (
      req: { method: string; headers: Record<string, string | string[] | undefined> },
      reply: {
        header(name: string, value: string): unknown;
        code(status: number): { send(body?: string): unknown };
      },
    ) => Promise<void>,
  ): unknown;
}

export const S3_CORS_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];
export const S3_CORS_EXPOSED = [
  'ETag',
  'Content-Length',
  'Content-Range',
  'Content-Type',
  'Accept-Ranges',
  'Last-Modified',
];

/** Answers CORS for every origin on the local S3 (it listens on this machine only by default). */
export function allowS3Cors(app: HookHost): void {
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string') return;
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', S3_CORS_EXPOSED.join(', '));
    const preflight =
      req.method === 'OPTIONS' && typeof req.headers['access-control-request-method'] === 'string';
    if (!preflight) return;
    reply.header('access-control-allow-methods', S3_CORS_METHODS.join(', '));
    const asked = req.headers['access-control-request-headers'];
    if (typeof asked === 'string') reply.header('access-control-allow-headers', asked);
    reply.header('access-control-max-age', '600');
    await reply.code(204).send();
  });
}
