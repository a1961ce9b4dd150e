import { ChatRoomCreate, ChatRoomCreated, ChatRoomDelete, type Envelope, followWith } from '@onair/contracts';
import { type Bus, replyData } from '@onair/runtime';

type Cause = Pick<Envelope, 'id' | 'correlationid'>;
export interface Actor {
  userId: string;
  roles: Array<'viewer' | 'streamer' | 'moderator' | 'admin'>;
}

/** chat-svc as the stream saga sees it: make the stream's room, or delete it (idempotent). */
export interface ChatRoomsPort {
  create(
    input: { roomId: string; actor: Actor; provider: 'ivs' | 'native'; name: string; streamId: string },
    cause: Cause,
  ): Promise<{ arn?: string }>;
  remove(roomId: string, actor: Actor, cause: Cause): Promise<void>;
}

/**
 * Chat rooms over the bus (request/reply to chat-svc). Command ids are derived from the cause, so
 * a redelivered stream command re-sends the very same chat commands and chat-svc resumes them.
 */
export class BusChatRooms implements ChatRoomsPort {
  constructor(
    private readonly bus: Bus,
    private readonly timeoutMs: number,
  ) {}

  async create(input: Parameters<ChatRoomsPort['create']>[0], cause: Cause) {
    const reply = await this.bus.request(
      followWith(ChatRoomCreate, cause, {
        source: 'stream-svc',
        subject: input.roomId,
        data: { ...input, settings: {} },
      }),
      { timeoutMs: this.timeoutMs },
    );
    return { arn: replyData(ChatRoomCreated, reply).arn };
  }

  async remove(roomId: string, actor: Actor, cause: Cause) {
    await this.bus.request(
      followWith(ChatRoomDelete, cause, {
        source: 'stream-svc',
        subject: roomId,
        data: { roomId, actor },
        idParts: [roomId],
      }),
      { timeoutMs: this.timeoutMs },
    );
  }
}
