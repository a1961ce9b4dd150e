import {
  type ContractDef,
  type Envelope,
  followWith,
  type StreamCreate,
  StreamCreated,
  type StreamDelete,
  StreamDeleted,
  StreamStateChanged,
  type StreamStop,
  type StreamUpdate,
  StreamUpdated,
  ownsOrAdmin,
} from '@onair/contracts';
import { conflict, forbidden, type HandlerOf, type MessageContext, notFound } from '@onair/runtime';
import type { Static, TSchema } from '@sinclair/typebox';
import { compensate, provision, reasonOf, type SagaDeps } from './saga';
import { type StreamRecord, toView } from './store';

type Data<T extends { schema: TSchema }> = Static<T['schema']>;
type Actor = Data<typeof StreamDelete>['actor'];

/** The chat room of a stream gets an id derived from the stream's, so a retried create reuses it. */
export const chatRoomIdFor = (streamId: string) => `chat_${streamId.replace(/^strm_/, '')}`;

/** Ranks order IVS events that share a timestamp (IVS times have whole seconds): end after start. */
export const EVENT_RANK = { reconcile: 0, start: 1, end: 2, failure: 3 } as const;
export const eventKey = (at: Date | string, rank: number) => `${new Date(at).toISOString()}#${rank}`;

/**
 * stream-svc's stream commands. Replies are the stream view: `onair.stream.created.v1` when the
 * create saga finished, `onair.stream.updated.v1` otherwise (a failed create is a reply too, with
 * status `failed` and the reason, never a retried error: the saga has already cleaned up).
 */
export class StreamHandlers {
  constructor(private readonly deps: SagaDeps) {}

  private now(): string {
    return this.deps.now().toISOString();
  }

  /** A message of `def` about stream `streamId`, following `cause`, its data typed by `def`. */
  private event<S extends TSchema>(
    cause: Envelope,
    def: ContractDef<S>,
    streamId: string,
    data: Static<S>,
    idParts: string[] = [],
  ): Envelope<Static<S>> {
    return followWith(def, cause, { source: 'stream-svc', subject: streamId, data, idParts });
  }

  /** The stream, if the actor may manage it; 404 and 403 name the id. */
  private async owned(streamId: string, actor: Actor): Promise<StreamRecord> {
    const r = await this.deps.store.get(streamId);
    if (!r || r.deleting) throw notFound(`Stream ${streamId} not found`);
    if (!ownsOrAdmin(actor, r.ownerId)) throw forbidden(`Stream ${streamId} belongs to another user`);
    return r;
  }

  readonly create: HandlerOf<typeof StreamCreate> = async (cmd, ctx) => {
    const c = cmd.data;
    const now = this.now();
    const rec: StreamRecord = {
      streamId: c.streamId,
      ownerId: c.actor.userId,
      title: c.title,
      status: 'provisioning',
      latencyMode: c.latencyMode,
      channelType: c.channelType,
      chatProvider: c.chatProvider,
      chatRoomId: chatRoomIdFor(c.streamId),
      createdAt: now,
      updatedAt: now,
      createCommandId: cmd.id,
      ...(c.recordingConfigurationArn ? { recordingConfigurationArn: c.recordingConfigurationArn } : {}),
    };
    if (await this.deps.store.putProvisioning(rec)) return this.provisioned(cmd, rec, c.actor, false, ctx);
    const existing = await this.deps.store.get(c.streamId);
    if (!existing || existing.createCommandId !== cmd.id)
      throw conflict(`Stream ${c.streamId} already exists`);
    // A redelivered create: the process that took it first may have died half way (docs/streams.md).
    if (existing.deleting || existing.status === 'failed')
      return this.event(cmd, StreamUpdated, c.streamId, toView(existing)); // final: a delete or a failure owns it
    if (existing.status === 'provisioning') {
      if (existing.failureReason) {
        // It failed and its clean-up did not finish: finish the clean-up, never resume.
        const failed = await compensate(this.deps, existing, existing.failureReason, cmd);
        return this.event(cmd, StreamUpdated, c.streamId, toView(failed));
      }
      ctx.log.info({ streamId: c.streamId }, 'resuming the create saga of a redelivered create');
      return this.provisioned(cmd, existing, c.actor, true, ctx);
    }
    // Provisioned already. A stream still `ready` may have been written so just before a crash
    // that its events were never sent: they go again, with the same ids (consumers skip copies).
    return existing.status === 'ready'
      ? this.announceReady(cmd, existing)
      : this.event(cmd, StreamCreated, c.streamId, toView(existing));
  };

  /** Run (or resume) the saga; answer the ready stream, or the failed one after compensating. */
  private async provisioned(
    cmd: Envelope,
    rec: StreamRecord,
    actor: Actor,
    resuming: boolean,
    ctx: MessageContext,
  ): Promise<Envelope> {
    let ready: StreamRecord;
    try {
      ready = await provision(this.deps, rec, cmd, actor, { resuming });
    } catch (e) {
      ctx.log.warn({ err: e, streamId: rec.streamId }, 'provisioning failed; compensating');
      const latest = (await this.deps.store.get(rec.streamId)) ?? rec;
      const failed = await compensate(this.deps, latest, reasonOf(e), cmd);
      return this.event(cmd, StreamUpdated, rec.streamId, toView(failed));
    }
    if (ready.status !== 'ready' || ready.deleting)
      return this.event(cmd, StreamCreated, rec.streamId, toView(ready)); // a racing run announced it
    const created = await this.announceReady(cmd, ready);
    ctx.log.info({ streamId: rec.streamId, resumed: resuming }, 'stream ready');
    return created;
  }

  /** `onair.stream.created.v1` and the `ready` state change; ids derived from the create's id. */
  private async announceReady(cmd: Envelope, ready: StreamRecord): Promise<Envelope> {
    const created = this.event(cmd, StreamCreated, ready.streamId, toView(ready));
    await this.deps.bus.publish(created);
    await this.deps.bus.publish(
      this.event(cmd, StreamStateChanged, ready.streamId, {
        streamId: ready.streamId,
        chatRoomId: ready.chatRoomId,
        status: 'ready' as const,
        previousStatus: 'provisioning' as const,
        at: ready.updatedAt,
      }),
    );
    return created;
  }

  readonly update: HandlerOf<typeof StreamUpdate> = async (cmd) => {
    const c = cmd.data;
    await this.owned(c.streamId, c.actor);
    const next = await this.deps.store.patch(
      c.streamId,
      { set: { title: c.title }, ifNotDeleting: true },
      this.now(),
    );
    if (!next) throw notFound(`Stream ${c.streamId} not found`);
    const evt = this.event(cmd, StreamUpdated, c.streamId, toView(next));
    await this.deps.bus.publish(evt);
    return evt;
  };

  readonly stop: HandlerOf<typeof StreamStop> = async (cmd) => {
    const c = cmd.data;
    const r = await this.owned(c.streamId, c.actor);
    if (r.status !== 'live' || !r.channelArn)
      throw conflict(
        `Stream ${c.streamId} is not live (it is ${r.status}); only a live stream can be stopped`,
      );
    await this.deps.ivs.stopStream(r.channelArn); // 409 NOT_LIVE when IVS says it is not broadcasting
    // The Stream End event follows; record the end now so a read right after the answer agrees.
    const now = this.deps.now();
    const ended = await this.deps.store.patch(
      c.streamId,
      {
        set: { status: 'ended', previousStatus: 'live', lastEventKey: eventKey(now, EVENT_RANK.end) },
        ifStatus: ['live'],
        ifNotDeleting: true,
        ifEventNewerThan: eventKey(now, EVENT_RANK.end),
      },
      now.toISOString(),
    );
    if (ended) {
      await this.deps.bus.publish(
        this.event(cmd, StreamStateChanged, c.streamId, {
          streamId: c.streamId,
          chatRoomId: ended.chatRoomId,
          status: 'ended' as const,
          previousStatus: 'live' as const,
          reason: 'Stopped by its owner',
          at: now.toISOString(),
        }),
      );
    }
    return this.event(
      cmd,
      StreamUpdated,
      c.streamId,
      toView(ended ?? (await this.deps.store.get(c.streamId)) ?? r),
    );
  };

  readonly remove: HandlerOf<typeof StreamDelete> = async (cmd, ctx) => {
    const c = cmd.data;
    const r = await this.deps.store.get(c.streamId);
    if (r && !ownsOrAdmin(c.actor, r.ownerId))
      throw forbidden(`Stream ${c.streamId} belongs to another user`);
    if (r) {
      // Mark first: from here the saga and IVS events leave this stream alone. Every step below
      // is idempotent, so a failure is retried by the bus from the top.
      await this.deps.store.patch(c.streamId, { set: { deleting: true } }, this.now());
      const arns = new Set(await this.deps.ivs.findChannelsByName(c.streamId));
      if (r.channelArn) arns.add(r.channelArn);
      for (const arn of arns) await this.deps.ivs.deleteChannel(arn);
      await this.deps.chat.remove(r.chatRoomId, c.actor, cmd);
      await this.deps.store.remove(c.streamId);
      ctx.log.info({ streamId: c.streamId }, 'stream deleted');
    }
    const evt = this.event(cmd, StreamDeleted, c.streamId, {
      streamId: c.streamId,
      ...(r ? { chatRoomId: r.chatRoomId } : {}),
    });
    await this.deps.bus.publish(evt);
    return evt;
  };
}
