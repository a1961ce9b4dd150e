import { followWith, StreamStateChanged } from '@onair/contracts';
import type { Bus, Logger } from '@onair/runtime';
import { EVENT_RANK, eventKey } from './handlers';
import type { Status, StreamStore } from './store';

/**
 * What became of one IVS event: applied; not for us or not a state change; older than what we
 * know; or the copy of the event applied last (its state change is published again, same id).
 */
export type EventOutcome = 'applied' | 'ignored' | 'stale' | 'republished';

interface IvsEvent {
  id: string;
  time: string;
  'detail-type': string;
  source: string;
  resources: string[];
  detail: { event_name?: string; channel_name?: string; stream_id?: string; reason?: string };
}

const TRANSITIONS: Record<string, { status: Status; rank: number }> = {
  'Stream Start': { status: 'live', rank: EVENT_RANK.start },
  'Stream End': { status: 'ended', rank: EVENT_RANK.end },
  'Stream Failure': { status: 'failed', rank: EVENT_RANK.failure },
};

function parse(body: string): IvsEvent | string {
  let e: unknown;
  try {
    e = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  const ev = e as Partial<IvsEvent>;
  if (typeof ev !== 'object' || ev === null) return 'not an object';
  if (typeof ev.id !== 'string' || typeof ev.time !== 'string' || Number.isNaN(Date.parse(ev.time)))
    return 'no id or time';
  if (typeof ev['detail-type'] !== 'string' || typeof ev.detail !== 'object' || ev.detail === null)
    return 'no detail-type or detail';
  if (!Array.isArray(ev.resources)) return 'no resources';
  return ev as IvsEvent;
}

/**
 * Applies IVS EventBridge events (docs/protocols/ivs.md#eventbridge-events) to streams. Delivery is best effort: events come
 * twice, late or out of order. Each stream keeps the (time, rank) of the newest event applied and
 * a conditional write refuses anything not newer, so duplicates and stale events change nothing.
 * The stream is found by the channel name (stream-svc names channels after stream ids) and the
 * channel ARN must match, so events of channels that are not ours are ignored.
 * Throws only on transient trouble (store, bus): the queue then redelivers the message.
 */
export function ivsEventHandler(d: { store: StreamStore; bus: Bus; logger: Logger; now: () => Date }) {
  return async (body: string): Promise<EventOutcome> => {
    const ev = parse(body);
    if (typeof ev === 'string') {
      d.logger.warn({ reason: ev }, 'unreadable IVS event; dropping it');
      return 'ignored';
    }
    const t =
      ev.source === 'aws.ivs' && ev['detail-type'] === 'IVS Stream State Change'
        ? TRANSITIONS[ev.detail.event_name ?? '']
        : undefined;
    const streamId = ev.detail.channel_name;
    const channelArn = ev.resources[0];
    if (!t || !streamId || !channelArn) return 'ignored';
    const before = await d.store.get(streamId);
    if (!before || before.channelArn !== channelArn) return 'ignored';
    const key = eventKey(ev.time, t.rank);
    const at = new Date(ev.time).toISOString();
    const reason = t.status === 'failed' ? (ev.detail.reason ?? 'The broadcast failed') : undefined;
    const after = await d.store.patch(
      streamId,
      {
        set: {
          status: t.status,
          previousStatus: before.status,
          lastEventKey: key,
          lastEventId: ev.id,
          ...(ev.detail.stream_id ? { ivsStreamId: ev.detail.stream_id } : {}),
          failureReason: reason ?? null,
        },
        ifStatus: ['ready', 'live', 'ended', 'failed'],
        ifNotDeleting: true,
        ifEventNewerThan: key,
        ifChannel: channelArn,
      },
      d.now().toISOString(),
    );
    let changed = after && after.previousStatus !== after.status ? after : undefined;
    if (!after) {
      // Not newer. If it is the very event we applied last, its publish may not have happened
      // (crash in between): publish again with the same derived id; consumers skip copies.
      const cur = await d.store.get(streamId);
      if (cur?.lastEventId !== ev.id || cur.previousStatus === cur.status) {
        d.logger.debug(
          { streamId, event: ev.detail.event_name, time: ev.time },
          'stale or duplicate IVS event',
        );
        return 'stale';
      }
      changed = cur;
    }
    const outcome: EventOutcome = after ? 'applied' : 'republished';
    if (changed) {
      await d.bus.publish(
        followWith(
          StreamStateChanged,
          { id: ev.id, correlationid: ev.id },
          {
            source: 'stream-svc',
            subject: streamId,
            data: {
              streamId,
              chatRoomId: changed.chatRoomId,
              status: changed.status,
              ...(changed.previousStatus ? { previousStatus: changed.previousStatus } : {}),
              ...(reason ? { reason } : {}),
              at,
            },
          },
        ),
      );
      d.logger.info(
        { streamId, status: changed.status, previous: changed.previousStatus },
        'stream status changed',
      );
    }
    return outcome;
  };
}
