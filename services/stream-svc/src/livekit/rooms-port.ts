/**
 * The LiveKit room API as stream-svc needs it. The real adapter wraps livekit-server-sdk's
 * RoomServiceClient (rooms-adapter.ts); an in-memory fake (rooms-fake.ts) serves unit tests.
 * Times are plain numbers (ms) here: the SDK's bigint fields stop at the adapter.
 */
export interface LiveKitRoomSpec {
  /** The LiveKit room name; onair uses its own room id. */
  name: string;
  emptyTimeout: number;
  maxParticipants: number;
  metadata: string;
}

export interface LiveKitRoomInfo {
  sid: string;
  name: string;
  numParticipants: number;
  creationTimeMs: number;
}

export interface LiveKitRooms {
  /** Idempotent: LiveKit answers the existing room when the name is taken. */
  createRoom(spec: LiveKitRoomSpec): Promise<LiveKitRoomInfo>;
  /** Resolves also when the room is already gone (deleting is idempotent for us). */
  deleteRoom(name: string): Promise<void>;
  /** The rooms LiveKit has open now among `names` (closed ones are simply absent). */
  listRooms(names: string[]): Promise<LiveKitRoomInfo[]>;
}
