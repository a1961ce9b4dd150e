import { type Envelope, followWith, StreamStateChanged } from '@onair/contracts';
import { type Bus, isAppError, type Logger } from '@onair/runtime';
import type { IvsChannel, IvsPort, IvsStreamKey } from '../ivs/port';
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

/** Another run of the same create (a redelivery racing it) finished the saga first. */
class FinishedElsewhere extends Error {
  constructor(readonly record: StreamRecord) {
    super(`Stream ${record.streamId} was provisioned by another run of its create`);
  }
}

export const reasonOf = (e: unknown): string =>
  e instanceof SagaAborted || isAppError(e) ? e.message : 'An unexpected error stopped provisioning';

type Actor = { userId: string; roles: Array<'viewer' | 'streamer' | 'moderator' | 'admin'> };

export interface ProvisionOptions {
  /**
   * A redelivered create: an earlier run may have died between a provider call and the write
   * that records its result, so what is not in the record is looked for before it is made.
   */
  resuming: boolean;
}

/**
 * Provision a stream: IVS channel (which comes with its stream key), the key if IVS did not make
 * one, the chat room, then `ready`. Each step first takes what the record already holds, else
 * looks for what an earlier run of this create made without saving it (a channel named after the
 * stream, the channel's stream key, the chat room by its id and this command's id), makes only
 * what is missing, and writes its result before the next step. A redelivered create therefore
 * resumes from the last saved step and never makes a second channel, key or room. Whoever
 * compensates (this call, or the reconciler) knows what exists from the record and the names.
 */
export async function provision(
  d: SagaDeps,
  rec: StreamRecord,
  cause: Cause,
  actor: Actor,
  opts: ProvisionOptions = { resuming: false },
): Promise<StreamRecord> {
  try {
    const { rec: withChannel, madeKey } = await channelStep(d, rec, opts.resuming);
    const withKey = await streamKeyStep(d, withChannel, madeKey);
    const withRoom = await chatRoomStep(d, withKey, cause, actor);
    return await save(d, withRoom.streamId, { status: 'ready', previousStatus: 'provisioning' });
  } catch (e) {
    if (e instanceof FinishedElsewhere) return e.record;
    throw e;
  }
}

/**
 * One progress write: only while the stream is `provisioning`, no delete is in progress and no
 * compensation has begun (it records the failure reason first). When
 * that does not hold, the record says why: deleted or failed (abort), or already provisioned by a
 * racing run of the same create. A refused channel claim returns the record with the winner's
 * channel.
 */
async function save(
  d: SagaDeps,
  streamId: string,
  set: Partial<StreamRecord>,
  claim: { ifNoOtherChannel?: string } = {},
): Promise<StreamRecord> {
  const next = await d.store.patch(
    streamId,
    { set, ifStatus: ['provisioning'], ifNotDeleting: true, ifNotFailing: true, ...claim },
    d.now().toISOString(),
  );
  if (next) return next;
  const now = await d.store.get(streamId);
  if (!now || now.deleting)
    throw new SagaAborted(`Stream ${streamId} was deleted while it was being created`);
  if (now.status === 'failed' || (now.status === 'provisioning' && now.failureReason))
    throw new SagaAborted(now.failureReason ?? `Stream ${streamId} failed while it was being created`);
  if (now.status !== 'provisioning') throw new FinishedElsewhere(now);
  return now;
}

/** The channel: the saved one, else one an earlier run made (found by name), else a new one. */
async function channelStep(
  d: SagaDeps,
  rec: StreamRecord,
  resuming: boolean,
): Promise<{ rec: StreamRecord; madeKey?: IvsStreamKey }> {
  if (rec.channelArn) return { rec };
  const named = resuming ? await d.ivs.findChannelsByName(rec.streamId) : [];
  let channel: IvsChannel;
  let madeKey: IvsStreamKey | undefined;
  if (named[0]) {
    channel = await d.ivs.getChannel(named[0]);
    d.logger.info(
      { streamId: rec.streamId, channelArn: channel.arn },
      'adopting the channel an earlier run made',
    );
  } else {
    const made = await d.ivs.createChannel({
      name: rec.streamId,
      latencyMode: rec.latencyMode,
      type: rec.channelType,
      ...(rec.recordingConfigurationArn ? { recordingConfigurationArn: rec.recordingConfigurationArn } : {}),
      tags: { 'onair:streamId': rec.streamId, 'onair:ownerId': rec.ownerId },
    });
    channel = made.channel;
    madeKey = made.streamKey;
  }
  // Claimed only if no other run saved a channel first; a channel that lost is deleted.
  const saved = await save(
    d,
    rec.streamId,
    { channelArn: channel.arn, playbackUrl: channel.playbackUrl, ingestEndpoint: channel.ingestEndpoint },
    { ifNoOtherChannel: channel.arn },
  );
  for (const arn of new Set([...named, channel.arn]))
    if (arn !== saved.channelArn) await d.ivs.deleteChannel(arn);
  return { rec: saved, ...(saved.channelArn === channel.arn && madeKey ? { madeKey } : {}) };
}

/** The stream key: the saved one, the one CreateChannel returned, the channel's own, or a new one. */
async function streamKeyStep(
  d: SagaDeps,
  rec: StreamRecord,
  madeKey: IvsStreamKey | undefined,
): Promise<StreamRecord> {
  if (rec.streamKey) return rec;
  const channelArn = rec.channelArn;
  if (!channelArn) throw new SagaAborted(`Stream ${rec.streamId} has no channel to make a stream key for`);
  const key = madeKey ?? (await d.ivs.findStreamKey(channelArn)) ?? (await d.ivs.createStreamKey(channelArn));
  return save(d, rec.streamId, { streamKey: key.value, streamKeyArn: key.arn });
}

/**
 * The chat room: chat-svc's create is idempotent by room id (derived from the stream id) and
 * command id (derived from this create's id), so asking again answers the room it made.
 */
async function chatRoomStep(
  d: SagaDeps,
  rec: StreamRecord,
  cause: Cause,
  actor: Actor,
): Promise<StreamRecord> {
  if (rec.chatRoomArn) return rec;
  const room = await d.chat.create(
    { roomId: rec.chatRoomId, actor, provider: rec.chatProvider, name: rec.streamId, streamId: rec.streamId },
    cause,
  );
  return room.arn ? save(d, rec.streamId, { chatRoomArn: room.arn }) : rec;
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
  // Fence first: from this write on, a saga still running (a slow one the reconciler gave up on,
  // or a racing run) can save nothing more, so it cannot make the stream `ready` after the clean-up
  // below has deleted its channel. A stream that got there first is left as it is.
  const fenced = await d.store.patch(
    rec.streamId,
    { set: { failureReason: rec.failureReason ?? reason }, ifStatus: ['provisioning'] },
    d.now().toISOString(),
  );
  if (!fenced) {
    const latest = await d.store.get(rec.streamId);
    if (latest && !latest.deleting && latest.status !== 'failed') return latest; // it finished: nothing to undo
  }
  rec = fenced ?? rec;
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
    followWith(StreamStateChanged, cause, {
      source: 'stream-svc',
      subject: rec.streamId,
      idParts: [rec.streamId, 'failed'],
      data: { streamId: rec.streamId, status: 'failed', previousStatus: 'provisioning', reason, at: now },
    }),
  );
  return failed;
}

export { toView };
