import type { EgressSnapshot, EgressState } from './egress-port';

const STATES: readonly EgressState[] = [
  'EGRESS_STARTING',
  'EGRESS_ACTIVE',
  'EGRESS_ENDING',
  'EGRESS_COMPLETE',
  'EGRESS_FAILED',
  'EGRESS_ABORTED',
  'EGRESS_LIMIT_REACHED',
];

const num = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};
/** int64 nanoseconds (a string in protojson) to ms; 0 means "not set" in proto3. */
const nsToMs = (v: unknown): number | undefined => {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const ms = Number(BigInt(v) / 1_000_000n);
  return ms > 0 ? ms : undefined;
};

/**
 * An EgressInfo in protojson (webhook bodies, and EgressInfo.toJson() from the SDK): camelCase,
 * int64 as strings, enums as names, zero values absent (so no `status` means EGRESS_STARTING,
 * docs/protocols/livekit.md#egress-status). Unknown fields are ignored.
 */
export function snapshotFromJson(info: Record<string, unknown>): EgressSnapshot {
  const status =
    typeof info.status === 'string' && (STATES as readonly string[]).includes(info.status)
      ? (info.status as EgressState)
      : typeof info.status === 'number'
        ? (STATES[info.status] ?? 'EGRESS_STARTING')
        : 'EGRESS_STARTING';
  const files = (info.fileResults as Array<Record<string, unknown>> | undefined) ?? [];
  const legacy = info.file as Record<string, unknown> | undefined;
  const f = files[0] ?? legacy;
  const snap: EgressSnapshot = {
    egressId: String(info.egressId ?? ''),
    roomName: String(info.roomName ?? ''),
    status,
  };
  if (typeof info.roomId === 'string' && info.roomId) snap.roomSid = info.roomId;
  const started = nsToMs(info.startedAt);
  const ended = nsToMs(info.endedAt);
  if (started) snap.startedAtMs = started;
  if (ended) snap.endedAtMs = ended;
  if (typeof info.error === 'string' && info.error) snap.error = info.error;
  if (f && typeof f.filename === 'string' && f.filename) {
    snap.file = {
      key: f.filename,
      size: num(f.size) ?? 0,
      durationMs: nsToMs(f.duration) ?? 0,
    };
  }
  return snap;
}
