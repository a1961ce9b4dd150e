import { RecordingStart, RecordingView } from '@onair/contracts';
import { randomUUID } from 'node:crypto';
import { AppError } from '@onair/runtime';
import { Value } from '@sinclair/typebox/value';
import type { FastifyRequest } from 'fastify';
import { actorOf, ask } from '../commands';
import { principalOf } from '../http/plugins';
import type { RecordingRecord } from '../read-models/recordings';
import type { LiveKitApiDeps } from './deps';
import { checkMayRecord } from './room-access';

/**
 * Start recording a room, for /v1/recordings and seed 001 alike: `roomRef` is our room id (which
 * is also its LiveKit name) or the name of a LiveKit room onair does not know. Who may start is
 * checked here (checkMayRecord); the room's owner travels in the command so that recording-svc
 * lets them stop and delete the recording too, whoever started it.
 */
export async function startRecording(
  d: Pick<LiveKitApiDeps, 'bus' | 'timeoutMs' | 'rooms'>,
  req: FastifyRequest,
  roomRef: string,
): Promise<RecordingRecord> {
  const room = await d.rooms.get(roomRef);
  checkMayRecord(principalOf(req), room, roomRef);
  const res = await ask(d, req, RecordingStart, {
    actor: actorOf(principalOf(req)),
    recordingId: `rec_${randomUUID()}`,
    roomName: room?.livekitName ?? roomRef,
    roomId: room?.roomId ?? roomRef,
    ...(room ? { roomOwnerId: room.ownerId } : {}),
  });
  return recordingOf(res.data);
}

/** A recording from recording-svc's answer, checked against its contract. */
export function recordingOf(data: unknown): RecordingRecord {
  if (Value.Check(RecordingView, data)) return data;
  throw new AppError('BAD_ANSWER', 502, 'recording-svc answered something that is not a recording');
}
