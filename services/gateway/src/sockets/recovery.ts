import { wire } from '@onair/contracts';
import type { Logger } from '@onair/runtime';
import type { GroupNames } from './group-names';
import type { Hub, HubConnection, RoomHistory } from './hub';

/**
 * Reads a native room's history (chat-svc's table): recovery after a reconnect, a room's
 * position when its first socket joins, and the gaps in what fanout delivered.
 */
export interface HistoryReader {
  /** Messages with seq > afterSeq, oldest first, at most `limit`; `complete` = nothing newer remains. */
  after(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ frames: Array<{ seq: number; ivs: string; seed003: string }>; complete: boolean }>;
  /** The room's last stored sequence number (0 when none): where a socket joining now starts. */
  lastStoredSeq(roomId: string): Promise<number>;
  /** What is stored with afterSeq < seq <= uptoSeq, deleted messages as a bare seq. */
  between(
    roomId: string,
    afterSeq: number,
    uptoSeq: number,
  ): Promise<Array<{ seq: number; frames?: { ivs: string; seed003: string } }>>;
}

/** Most messages a reconnecting client is sent from history before it is told recovery was partial. */
const RECOVERY_LIMIT = 1000;
/** History reads of one recovery at most, while the room moves on during them. */
const RECOVERY_ROUNDS = 3;

/** The history as the hub reads it (positions and gap fills), with seed 003 group names applied. */
export function roomHistory(history: HistoryReader, groups: GroupNames): RoomHistory {
  return {
    position: (roomId) => history.lastStoredSeq(roomId),
    range: async (roomId, afterSeq, uptoSeq) =>
      (await history.between(roomId, afterSeq, uptoSeq)).map((f) => ({
        seq: f.seq,
        delivery: f.frames && groups.asGroup({ roomId, seq: f.seq, frames: f.frames }),
      })),
  };
}

/**
 * Replay what the client missed (seq > since) from history, then release the live frames that
 * arrived meanwhile (held in `pending`), skipping any the history already covered. History is
 * read once the hub knows where the room stands, and again while the room's live order is past
 * what was read (numbers the room wrote before this socket joined reach it only from history:
 * on a restarted gateway, fanout may still have sent them to the instance that died). IVS
 * clients are then told whether recovery was complete (an `onair:RECOVERY` event).
 */
export async function recover(
  edge: { hub: Hub; history?: HistoryReader; log: Logger },
  c: HubConnection,
  roomId: string,
  since: number,
): Promise<void> {
  const { hub, history } = edge;
  c.lastSeq = since;
  let complete = false;
  try {
    if (!history) throw new Error('this gateway has no history reader');
    await hub.positionKnown(roomId);
    for (let round = 0; round < RECOVERY_ROUNDS; round++) {
      const h = await history.after(roomId, c.lastSeq, RECOVERY_LIMIT);
      for (const f of h.frames) hub.replay(c, f[c.protocol], f.seq);
      complete = h.complete;
      const written = hub.writtenThrough(roomId);
      if (!complete || h.frames.length === 0 || written === undefined || written <= c.lastSeq) break;
    }
  } catch (err) {
    edge.log.warn({ err, roomId }, 'recovery failed');
  }
  if (c.protocol === 'ivs') {
    c.send(
      wire.eventFrame({
        eventName: 'onair:RECOVERY',
        sendTime: new Date().toISOString(),
        attributes: { complete: String(complete), since: String(since), lastSeq: String(c.lastSeq) },
      }),
    );
  }
  hub.flushPending(c);
}
