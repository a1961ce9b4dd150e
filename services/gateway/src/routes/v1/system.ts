import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { SERVICE_NAMES, type ServiceName, SystemPing, SystemPong } from '@onair/contracts';
import { type Bus, replyData } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { command } from '../../commands';
import { errorResponses, SIGNED_IN, useProblemSchema } from '../../http/responses';

/** GET /v1/system/ping/{service}: a real request/reply through the bus, for wiring checks. */
export function systemRoutes(app: FastifyInstance, deps: { bus: Bus; timeoutMs: number }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  const services = SERVICE_NAMES.filter((s) => s !== 'gateway');
  api.get(
    '/v1/system/ping/:service',
    {
      schema: {
        tags: ['system'],
        summary: 'Ping a service through the bus',
        // A string enum (a union of literals would render as an anyOf of one-value enums).
        params: Type.Object({
          service: Type.Unsafe<Exclude<ServiceName, 'gateway'>>({ type: 'string', enum: services }),
        }),
        response: {
          200: Type.Object({ service: Type.String(), instanceId: Type.String(), roundTripMs: Type.Number() }),
          ...errorResponses({
            ...SIGNED_IN,
            '5xx': 'A failure on our side; 504 when the service did not answer in time',
          }),
        },
      },
    },
    async (req) => {
      const { service } = req.params;
      const started = performance.now();
      const reply = await deps.bus.request(
        command(req, SystemPing, undefined, { service, sentAt: new Date().toISOString() }),
        { to: service, timeoutMs: deps.timeoutMs },
      );
      const d = replyData(SystemPong, reply);
      return {
        service: d.service,
        instanceId: d.instanceId,
        roundTripMs: Math.round((performance.now() - started) * 10) / 10,
      };
    },
  );
}
