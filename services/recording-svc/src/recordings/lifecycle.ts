import type { EgressSnapshot } from '../livekit/egress-port';
import type { Recording } from './store';

type Status = Recording['status'];

/** Egress status -> ours (docs/protocols/livekit.md#egress-status; LIMIT_REACHED still wrote a file). */
export function statusOf(s: EgressSnapshot): Status {
  switch (s.status) {
    case 'EGRESS_STARTING':
      return 'starting';
    case 'EGRESS_ACTIVE':
      return 'recording';
    case 'EGRESS_ENDING':
      return 'stopping';
    case 'EGRESS_COMPLETE':
      return 'ready';
    case 'EGRESS_LIMIT_REACHED':
      return s.file ? 'ready' : 'failed';
    default:
      return 'failed';
  }
}

const RANK: Record<Status, number> = { starting: 0, recording: 1, stopping: 2, ready: 3, failed: 3 };

/**
 * The recording after LiveKit reported `snap`, or undefined when that changes nothing.
 * Status only moves forward and a finished recording never changes again, so duplicated,
 * late or reordered reports (webhooks, stop answers, ListEgress) are harmless.
 */
export function applySnapshot(rec: Recording, snap: EgressSnapshot, now = new Date()): Recording | undefined {
  if (rec.status === 'ready' || rec.status === 'failed') return undefined;
  const status = statusOf(snap);
  const next: Recording = { ...rec, egressId: snap.egressId };
  if (RANK[status] > RANK[rec.status]) next.status = status;
  if (snap.roomSid) next.roomSid = snap.roomSid;
  if (snap.startedAtMs) next.startedAt = new Date(snap.startedAtMs).toISOString();
  if (next.status === 'ready' || next.status === 'failed') {
    next.endedAt = new Date(snap.endedAtMs ?? now.getTime()).toISOString();
    if (snap.file) {
      next.s3Key = snap.file.key; // what egress actually wrote (templates, extension fix-ups)
      next.size = snap.file.size;
      next.durationMs = snap.file.durationMs;
    }
    if (next.status === 'failed') next.error = snap.error ?? `egress ended ${snap.status}`;
  }
  const changed = (
    ['status', 'egressId', 'roomSid', 'startedAt', 'endedAt', 's3Key', 'size', 'durationMs', 'error'] as const
  ).some((k) => next[k] !== rec[k]);
  if (!changed) return undefined;
  next.updatedAt = now.toISOString();
  return next;
}

/** A file name safe in URLs and S3 keys: the room name's safe characters and the start time. */
export function recordingFileName(roomName: string, at: Date): string {
  const safe = roomName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'room';
  return `${safe}-${at.getTime()}.mp4`;
}
