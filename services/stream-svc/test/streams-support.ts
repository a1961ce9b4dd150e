// Fakes for stream-svc unit tests: a bus that records what is published (validated against the
// contracts), and chat rooms that live in a map and fail on demand.
import { contracts, type Envelope } from '@onair/contracts';
import type { AppError, Bus } from '@onair/runtime';
import type { ChatRoomsPort } from '../src/streams/chat-rooms';

export function recordingBus(): Bus & { published: Envelope[] } {
  const published: Envelope[] = [];
  const nothing = async () => ({ stop: async () => {} });
  return {
    instanceId: 'test',
    published,
    start: async () => {},
    send: async () => {},
    publish: async (e: Envelope) => {
      const check = contracts.validate(e);
      if (!check.ok) throw new Error(check.reason);
      published.push(e);
    },
    request: async () => {
      throw new Error('not used');
    },
    consumeCommands: nothing,
    subscribe: nothing,
    isReady: async () => true,
    close: async () => {},
  };
}

export class FakeChatRooms implements ChatRoomsPort {
  readonly rooms = new Map<string, { arn?: string }>();
  readonly removed: string[] = [];
  failCreate?: AppError;
  failRemoveTimes = 0;
  /** Runs inside create, before it answers (to interleave another command mid-saga). */
  during?: () => Promise<unknown>;

  async create(input: Parameters<ChatRoomsPort['create']>[0]) {
    if (this.failCreate) throw this.failCreate;
    await this.during?.();
    const room =
      input.provider === 'ivs' ? { arn: `arn:aws:ivschat:us-east-1:123456789012:room/${input.roomId}` } : {};
    this.rooms.set(input.roomId, room);
    return room;
  }

  async remove(roomId: string) {
    if (this.failRemoveTimes > 0) {
      this.failRemoveTimes--;
      throw new Error('chat-svc unreachable');
    }
    this.removed.push(roomId);
    this.rooms.delete(roomId);
  }
}
