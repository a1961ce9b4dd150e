import type { EgressSnapshot, LiveKitEgress } from './egress-port';

/** In-memory LiveKitEgress for unit tests: egresses go ACTIVE at once and COMPLETE when stopped. */
export class FakeLiveKitEgress implements LiveKitEgress {
  readonly egresses = new Map<string, EgressSnapshot>();
  /** Rooms LiveKit knows; starting an egress elsewhere fails like LiveKit (404 not_found). */
  rooms = new Set<string>(['demo']);
  private seq = 0;

  async startRoomRecording(o: { roomName: string; s3Key: string }): Promise<EgressSnapshot> {
    if (!this.rooms.has(o.roomName))
      throw Object.assign(new Error('requested room does not exist'), { code: 'not_found', status: 404 });
    const snap: EgressSnapshot = {
      egressId: `EG_fake${++this.seq}`,
      roomName: o.roomName,
      roomSid: `RM_${o.roomName}`,
      status: 'EGRESS_ACTIVE',
      startedAtMs: Date.now(),
      file: { key: o.s3Key, size: 0, durationMs: 0 },
    };
    this.egresses.set(snap.egressId, snap);
    return { ...snap };
  }

  async stop(egressId: string): Promise<EgressSnapshot> {
    const snap = this.egresses.get(egressId);
    if (!snap) throw Object.assign(new Error('egress does not exist'), { code: 'not_found', status: 404 });
    Object.assign(snap, { status: 'EGRESS_COMPLETE', endedAtMs: Date.now() });
    if (snap.file) snap.file.size = 1234;
    return { ...snap };
  }

  async list(f: { roomName?: string; egressId?: string; active?: boolean }): Promise<EgressSnapshot[]> {
    return [...this.egresses.values()]
      .filter((e) => !f.roomName || e.roomName === f.roomName)
      .filter((e) => !f.egressId || e.egressId === f.egressId)
      .filter((e) => !f.active || ['EGRESS_STARTING', 'EGRESS_ACTIVE', 'EGRESS_ENDING'].includes(e.status))
      .map((e) => ({ ...e }));
  }
}
