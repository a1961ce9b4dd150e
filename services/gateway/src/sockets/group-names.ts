import { parseObject } from './chat-commands';
import type { Delivery, Hub } from './hub';

/**
 * The group name each seed 003 group room's members see as `groupId` (fanout writes the room id
 * there), for the rooms this instance holds sockets of; forgotten when the last one leaves.
 */
export class GroupNames {
  private readonly names = new Map<string, string>();

  /** Members of `roomId` see `groupId` as its name. */
  set(roomId: string, groupId: string): void {
    this.names.set(roomId, groupId);
  }

  /** Forget the room's name once no socket of this instance is in it. */
  forgetIfEmpty(roomId: string, hub: Pick<Hub, 'inRoom'>): void {
    if (this.names.has(roomId) && hub.inRoom(roomId).length === 0) this.names.delete(roomId);
  }

  /** A delivery as a group's members see it: the seed 003 frame names the group, not its room. */
  asGroup(d: Delivery): Delivery {
    const name = this.names.get(d.roomId);
    const frame =
      name === undefined || d.frames.seed003 === undefined ? undefined : parseObject(d.frames.seed003);
    if (!frame || typeof frame.groupId !== 'string') return d;
    return { ...d, frames: { ...d.frames, seed003: JSON.stringify({ ...frame, groupId: name }) } };
  }
}
