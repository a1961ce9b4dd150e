import { type Envelope, follow, StreamStateChanged } from '@onair/contracts';
import { type Bus, isAppError, type Logger } from '@onair/runtime';
import type { IvsPort } from '../ivs/port';
import type { ChatRoomsPort } from './chat-rooms';
import { type StreamRecord, type StreamStore, toView } from './store';

type Cause = Pick<Envelope, 'id' | 'correlationid'>;

export interface SagaDeps {
  bus: Bus;
  store: StreamStore;
  ivs: IvsPort;
  chat: ChatRoomsPort;
  logger: Logger;
  now: () => Date;
  /** Waits between compensation attempts (tests shorten them). */
  compensationDelaysMs?: number[];
}

/** A step of the saga found the stream deleted (or otherwise moved on) under it. */
export class SagaAborted extends Error {}

export const reasonOf = (e: unknown): string =>
  e instanceof SagaAborted || isAppError(e) ? e.message : 'An unexpected error stopped provisioning';

/**
 * Provision a stream: IVS channel (which comes with its stream key), the key if IVS did not make
 * one, then the chat room. Each result is written to the record before the next step, so whoever
 * compensates (this call, or the reconciler after a crash) knows what exists.
 */
export async function provision(
  d: SagaDeps,
  rec: StreamRecord,
  cause: Cause,
  actor: { userId: string; roles: Array<'viewer' | 'streamer' | 'moderator' | 'admin'> },
): Promise<StreamRecord> {
  const save = async (set: Partial<StreamRecord>) => {
    const next = await d.store.patch(
      rec.streamId,
      { set, ifStatus: ['provisioning'], ifNotDeleting: true },
      d.now().toISOString(),
    );
    if (!next) throw new SagaAborted(`Stream ${rec.streamId} was deleted while it was being created`);
    return next;
  };
  const { channel, streamKey } = await d.ivs.createChannel({
    name: rec.streamId,
    latencyMode: rec.latencyMode,
    type: rec.channelType,
    ...(rec.recordingConfigurationArn ? { recordingConfigurationArn: rec.recordingConfigurationArn } : {}),
    tags: { 'onair:streamId': rec.streamId, 'onair:ownerId': rec.ownerId },
  });
  let cur = await save({
    channelArn: channel.arn,
    playbackUrl: channel.playbackUrl,
    ingestEndpoint: channel.ingestEndpoint,
  });
  const key = streamKey ?? (await d.ivs.createStreamKey(channel.arn));
  cur = await save({ streamKey: key.value, streamKeyArn: key.arn });
  const room = await d.chat.create(
    { roomId: rec.chatRoomId, actor, provider: rec.chatProvider, name: rec.streamId, streamId: rec.streamId },
    cause,
  );
  cur = await save({ ...(room.arn ? { chatRoomArn: room.arn } : {}) });
  const ready = await d.store.patch(
    rec.streamId,
    {
      set: { status: 'ready', previousStatus: 'provisioning' },
      ifStatus: ['provisioning'],
      ifNotDeleting: true,
    },
    d.now().toISOString(),
  );
  if (!ready) throw new SagaAborted(`Stream ${rec.streamId} was deleted while it was being created`);
  return ready ?? cur;
}

/**
 * Undo whatever a failed (or stuck) create made: the chat room (a delete tombstones its id, so a
 * create still in flight cannot bring it back), every channel named after the stream (a create
 * that timed out may still have made one), then the record goes `failed` with the reason.
 * Retried a few times; if it still fails the record stays `provisioning` and the reconciler
 * tries again later. Returns the record as it ends.
 */
export async function compensate(
  d: SagaDeps,
  rec: StreamRecord,
  reason: string,
  cause: Cause,
): Promise<StreamRecord> {
  const delays = d.compensationDelaysMs ?? [200, 1000, 3000];
  const owner = { userId: rec.ownerId, roles: [] };
  let lastError: unknown;
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    try {
      await d.chat.remove(rec.chatRoomId, owner, cause);
      const arns = new Set(await d.ivs.findChannelsByName(rec.streamId));
      if (rec.channelArn) arns.add(rec.channelArn);
      for (const arn of arns) await d.ivs.deleteChannel(arn);
      lastError = undefined;
      break;
    } catch (e) {
      lastError = e;
      d.logger.warn({ err: e, streamId: rec.streamId, attempt }, 'compensation step failed');
      if (attempt < delays.length) await new Promise((r) => setTimeout(r, delays[attempt]));
    }
  }
  const now = d.now().toISOString();
  if (lastError) {
    d.logger.error(
      { err: lastError, streamId: rec.streamId },
      'compensation failed; the reconciler will retry',
    );
    return (
      (await d.store.patch(
        rec.streamId,
        { set: { failureReason: reason }, ifStatus: ['provisioning'] },
        now,
      )) ?? rec
    );
  }
  const failed = await d.store.patch(
    rec.streamId,
    {
      set: {
        status: 'failed',
        previousStatus: 'provisioning',
        failureReason: reason,
        channelArn: null,
        playbackUrl: null,
        ingestEndpoint: null,
        streamKey: null,
        streamKeyArn: null,
        chatRoomArn: null,
      },
      ifStatus: ['provisioning'],
      ifNotDeleting: true,
    },
    now,
  );
  if (!failed) return (await d.store.get(rec.streamId)) ?? rec; // deleted meanwhile: the delete owns it now
  d.logger.warn(
    { streamId: rec.streamId, reason },
    'stream provisioning failed; everything it made was deleted',
  );
  await d.bus.publish(
    follow(cause, {
      type: StreamStateChanged.type,
      source: 'stream-svc',
      subject: rec.streamId,
      idParts: [rec.streamId, 'failed'],
      data: { streamId: rec.streamId, status: 'failed', previousStatus: 'provisioning', reason, at: now },
    }),
  );
  return failed;
}

export { toView };
