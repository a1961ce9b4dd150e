// The web console's built files (console/, built into console/dist by `npm start`), served at
// /console: public, like any static page; everything the console does goes through the API with
// the token it signs in with. Paths without a file extension are the console's own pages and get
// index.html; a missing asset is a 404. Before the console is built, /console says how to build it.
import { existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import { notFound } from '@onair/runtime';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Where the console is built: console/dist from the sources (`npm start` builds it there), or
 * dist/console beside the compiled gateway (dist/gateway/main.js; `npm run build`, the image).
 */
export const DEFAULT_CONSOLE_DIR =
  [resolve(__dirname, '../../../../console/dist'), resolve(__dirname, '../console')].find((dir) =>
    existsSync(join(dir, 'index.html')),
  ) ?? resolve(__dirname, '../../../../console/dist');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>onair console</title></head>
<body><main><h1>The onair console is not built</h1>
<p><code>npm start</code> builds it before the stack starts; or run <code>npm run build -w console</code>, then reload.</p>
</main></body></html>
`;

export async function consoleRoutes(app: FastifyInstance, o: { dir: string }): Promise<void> {
  const root = resolve(o.dir);
  await app.register(async (scope) => {
    // serve: false — these two routes decide what is served (and the policy table lists them).
    await scope.register(fastifyStatic, { root, serve: false, suppressWarning: true });

    const page = (reply: FastifyReply) => {
      if (!existsSync(join(root, 'index.html')))
        return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
      // The page names its hashed assets: always revalidate it, so a rebuild shows at once.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    };

    scope.get('/console', { schema: { hide: true } }, async (_req, reply) => page(reply));
    scope.get<{ Params: { '*': string } }>('/console/*', { schema: { hide: true } }, async (req, reply) => {
      const rel = normalize(req.params['*'] || '');
      const file = join(root, rel);
      if (rel.startsWith('..') || (file !== root && !file.startsWith(root + sep)))
        throw notFound('No such file');
      if (rel !== '.' && rel !== '' && existsSync(file) && statSync(file).isFile()) {
        // Built assets carry a content hash in their name: they never change.
        if (rel.startsWith(`assets${sep}`))
          reply.header('cache-control', 'public, max-age=31536000, immutable');
        return reply.sendFile(rel);
      }
      if (extname(rel) !== '') throw notFound(`The console has no file ${rel}`);
      return page(reply);
    });
  });
}
