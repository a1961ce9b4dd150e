import { type Room, RoomServiceClient } from 'livekit-server-sdk';
import { fromLiveKit } from './errors';
import type { LiveKitRoomInfo, LiveKitRoomSpec, LiveKitRooms } from './rooms-port';

export interface LiveKitCredentials {
  /** LIVEKIT_URL: http(s) or ws(s); the SDK rewrites ws to http for Twirp. */
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** LiveKitRooms over the real RoomServiceClient (Twirp JSON, docs/protocols/livekit.md#twirp-wire-format). */
export class LiveKitRoomsAdapter implements LiveKitRooms {
  private readonly client: RoomServiceClient;

  constructor(c: LiveKitCredentials) {
    this.client = new RoomServiceClient(c.url, c.apiKey, c.apiSecret);
  }

  async createRoom(spec: LiveKitRoomSpec): Promise<LiveKitRoomInfo> {
    try {
      const r = await this.client.createRoom({
        name: spec.name,
        emptyTimeout: spec.emptyTimeout,
        maxParticipants: spec.maxParticipants,
        metadata: spec.metadata,
      });
      return toInfo(r);
    } catch (e) {
      throw fromLiveKit(e, 'LiveKit CreateRoom failed');
    }
  }

  async listRooms(names: string[]): Promise<LiveKitRoomInfo[]> {
    try {
      return (await this.client.listRooms(names)).map(toInfo);
    } catch (e) {
      throw fromLiveKit(e, 'LiveKit ListRooms failed');
    }
  }

  async deleteRoom(name: string): Promise<void> {
    try {
      await this.client.deleteRoom(name);
    } catch (e) {
      const err = fromLiveKit(e, 'LiveKit DeleteRoom failed');
      if (err.status !== 404) throw err; // already gone (closed by emptyTimeout): fine
    }
  }
}

function toInfo(r: Room): LiveKitRoomInfo {
  return {
    sid: r.sid,
    name: r.name,
    numParticipants: r.numParticipants,
    creationTimeMs: Number(r.creationTimeMs || r.creationTime * 1000n),
  };
}
