/**
 * LiveKit egress as recording-svc needs it: room composite to one MP4 in S3, stop, list. The real
 * adapter wraps EgressClient (egress-adapter.ts); egress-fake.ts serves unit tests. Everything is
 * an EgressSnapshot, the same shape whether it came from an API answer or a webhook.
 */
export type EgressState =
  | 'EGRESS_STARTING'
  | 'EGRESS_ACTIVE'
  | 'EGRESS_ENDING'
  | 'EGRESS_COMPLETE'
  | 'EGRESS_FAILED'
  | 'EGRESS_ABORTED'
  | 'EGRESS_LIMIT_REACHED';

export interface EgressSnapshot {
  egressId: string;
  roomName: string;
  /** LiveKit's room sid (RM_…). */
  roomSid?: string;
  status: EgressState;
  startedAtMs?: number;
  endedAtMs?: number;
  error?: string;
  /** The uploaded file, once the egress completed. */
  file?: { key: string; size: number; durationMs: number };
}

export interface LiveKitEgress {
  /** Starts a room composite recording into the configured bucket under `s3Key`. */
  startRoomRecording(o: { roomName: string; s3Key: string }): Promise<EgressSnapshot>;
  stop(egressId: string): Promise<EgressSnapshot>;
  list(filter: { roomName?: string; egressId?: string; active?: boolean }): Promise<EgressSnapshot[]>;
}
