import type { LiveKitRoomInfo, LiveKitRoomSpec, LiveKitRooms } from './rooms-port';

/** In-memory LiveKitRooms for unit tests; `fail` makes the next call throw. */
export class FakeLiveKitRooms implements LiveKitRooms {
  readonly rooms = new Map<string, LiveKitRoomInfo & { spec: LiveKitRoomSpec }>();
  fail?: Error;
  private seq = 0;

  async createRoom(spec: LiveKitRoomSpec): Promise<LiveKitRoomInfo> {
    this.throwIfFailing();
    const existing = this.rooms.get(spec.name);
    if (existing) return existing;
    const info = {
      sid: `RM_fake${++this.seq}`,
      name: spec.name,
      numParticipants: 0,
      creationTimeMs: Date.now(),
    };
    this.rooms.set(spec.name, { ...info, spec });
    return info;
  }

  async deleteRoom(name: string): Promise<void> {
    this.throwIfFailing();
    this.rooms.delete(name);
  }

  async listRooms(names: string[]): Promise<LiveKitRoomInfo[]> {
    this.throwIfFailing();
    return [...this.rooms.values()].filter((r) => names.includes(r.name));
  }

  private throwIfFailing(): void {
    const f = this.fail;
    this.fail = undefined;
    if (f) throw f;
  }
}
