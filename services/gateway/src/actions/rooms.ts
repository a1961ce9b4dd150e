// What /v1/rooms and seed 004 both do: name a new LiveKit room and ask stream-svc to create it.
import { randomBytes } from 'node:crypto';
import { type Envelope, RoomCreate } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf, ask } from '../commands';
import { principalOf } from '../http/plugins';
import type { LiveKitApiDeps } from '../livekit/deps';

/** Our room ids, which are also the LiveKit room names: `room-<unix seconds>-<6 chars>` (seed 004's form). */
export function newRoomId(now = new Date()): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const rand = Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join('');
  return `room-${Math.floor(now.getTime() / 1000)}-${rand}`;
}

/** A room's settings as the routes choose them: everything but the new id and the caller. */
export type RoomInput = Omit<Static<typeof RoomCreate.schema>, 'roomId' | 'actor'>;

/**
 * Create a room for the caller (onair.room.create.v1 under a new id; stream-svc makes the
 * command's actor its owner) and wait for stream-svc's answer.
 */
export async function createRoom(
  d: Pick<LiveKitApiDeps, 'bus' | 'timeoutMs'>,
  req: FastifyRequest,
  input: RoomInput,
): Promise<{ roomId: string; reply: Envelope }> {
  const roomId = newRoomId();
  const reply = await ask(d, req, RoomCreate, { ...input, roomId, actor: actorOf(principalOf(req)) });
  return { roomId, reply };
}
