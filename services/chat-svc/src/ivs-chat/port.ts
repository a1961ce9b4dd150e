// The IVS Chat control plane as chat-svc needs it. The SDK adapter (sdk-adapter.ts) is what
// runs in production and in integration tests; the fake (fake.ts) is for unit tests.
// Every method throws AppError (never an SDK error), so handlers branch on stable codes.

export type IvsCapability = 'SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER';

export interface IvsRoomInput {
  /** The IVS room name; chat-svc uses its own room id so a retry can find a room it created. */
  name: string;
  maximumMessageRatePerSecond?: number;
  maximumMessageLength?: number;
  /** The room's review Lambda; `uri: ""` removes it on update (docs/protocols/ivs-chat.md#control-plane). */
  messageReviewHandler?: { uri: string; fallbackResult: 'ALLOW' | 'DENY' };
  tags?: Record<string, string>;
}

export interface IvsRoom {
  arn: string;
  id: string;
}

export interface IvsChatToken {
  token: string;
  tokenExpirationTime: string;
  sessionExpirationTime: string;
}

export interface IvsChatPort {
  createRoom(input: IvsRoomInput): Promise<IvsRoom>;
  /** The room with this exact name, if one exists (resuming a create that crashed half way). */
  findRoomByName(name: string): Promise<IvsRoom | undefined>;
  updateRoom(arn: string, input: Omit<IvsRoomInput, 'name' | 'tags'> & { name?: string }): Promise<void>;
  /** Idempotent: a room that is already gone is not an error. */
  deleteRoom(arn: string): Promise<void>;
  createChatToken(input: {
    roomArn: string;
    userId: string;
    capabilities: IvsCapability[];
    sessionDurationInMinutes?: number;
    attributes?: Record<string, string>;
  }): Promise<IvsChatToken>;
  sendEvent(roomArn: string, eventName: string, attributes?: Record<string, string>): Promise<string>;
  deleteMessage(roomArn: string, messageId: string, reason?: string): Promise<string>;
  disconnectUser(roomArn: string, userId: string, reason?: string): Promise<void>;
}
