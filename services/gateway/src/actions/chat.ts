// What /v1/chat/rooms and seed 002 both do: mint a chat token for the caller.
import { Capability, ChatTokenCreate, ChatTokenCreated, IsoTime } from '@onair/contracts';
import { type Bus, replyData } from '@onair/runtime';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf, command } from '../commands';
import { principalOf } from '../http/plugins';
import type { ChatRoomsReadModel } from '../read-models/chat-rooms';

/** What the chat routes need: the bus, the chat rooms read model and the default provider. */
export interface ChatRoutesDeps {
  bus: Bus;
  rooms: ChatRoomsReadModel;
  defaultProvider: 'ivs' | 'native';
  timeoutMs: number;
}

/** A chat token as the API answers it. */
export const ChatToken = Type.Object({
  roomId: Type.String(),
  token: Type.String(),
  tokenExpirationTime: IsoTime,
  sessionExpirationTime: IsoTime,
  capabilities: Type.Array(Capability),
});

/** What the caller may choose about a token; the rest follows their role. */
export interface TokenInput {
  displayName?: string;
  sessionDurationInMinutes?: number;
  attributes?: Record<string, string>;
  defaultCapabilities?: Array<Static<typeof Capability>>;
}

/** onair.chat.token.create.v1 for the caller; `room` is a room id or an IVS Chat room ARN. */
export async function createChatToken(
  deps: Pick<ChatRoutesDeps, 'bus' | 'timeoutMs'>,
  req: FastifyRequest,
  room: string,
  input: TokenInput,
): Promise<Static<typeof ChatToken>> {
  const who = principalOf(req);
  const displayName = input.displayName ?? who.displayName;
  const reply = await deps.bus.request(
    command(req, ChatTokenCreate, room, {
      roomId: room,
      actor: actorOf(who),
      ...(displayName ? { displayName } : {}),
      ...(input.sessionDurationInMinutes ? { sessionDurationInMinutes: input.sessionDurationInMinutes } : {}),
      ...(input.attributes ? { attributes: input.attributes } : {}),
      ...(input.defaultCapabilities ? { defaultCapabilities: input.defaultCapabilities } : {}),
    }),
    { timeoutMs: deps.timeoutMs },
  );
  return replyData(ChatTokenCreated, reply);
}
