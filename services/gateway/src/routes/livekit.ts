import type { FastifyInstance } from 'fastify';
import { recordingRoutes } from './v1/recordings';
import { roomRoutes } from './v1/rooms';
import { seed001Routes } from './seed/seed001';
import { seed004Routes } from './seed/seed004';
import { webhookRoutes } from './v1/webhooks';
import type { LiveKitApiDeps } from '../livekit/deps';

/** Rooms, tokens, recordings, the LiveKit webhook, and the seed 001 / seed 004 routes. */
export async function registerLiveKitApi(app: FastifyInstance, d: LiveKitApiDeps): Promise<void> {
  await webhookRoutes(app, d);
  roomRoutes(app, d);
  recordingRoutes(app, d);
  await seed001Routes(app, d);
  await seed004Routes(app, d);
}
