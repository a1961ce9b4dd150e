import type { FastifyInstance } from 'fastify';
import { recordingRoutes } from '../http/recordings';
import { roomRoutes } from '../http/rooms';
import { seed001Routes } from '../http/seed001';
import { seed004Routes } from '../http/seed004';
import { webhookRoutes } from '../http/webhooks';
import type { LiveKitApiDeps } from './deps';

/** Rooms, tokens, recordings, the LiveKit webhook, and the seed 001 / seed 004 routes. */
export async function registerLiveKitApi(app: FastifyInstance, d: LiveKitApiDeps): Promise<void> {
  await webhookRoutes(app, d);
  roomRoutes(app, d);
  recordingRoutes(app, d);
  await seed001Routes(app, d);
  await seed004Routes(app, d);
}
