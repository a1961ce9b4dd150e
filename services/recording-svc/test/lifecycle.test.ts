import { snapshotFromJson } from '../src/livekit/egress-json';
import { applySnapshot, recordingFileName } from '../src/recordings/lifecycle';
import type { Recording } from '../src/recordings/store';

const t0 = '2026-11-22T10:00:00.000Z';
const rec: Recording = {
  recordingId: 'rec-1',
  source: 'livekit',
  roomName: 'demo',
  fileName: 'demo-1.mp4',
  s3Bucket: 'b',
  s3Key: 'recordings/demo-1.mp4',
  status: 'starting',
  createdAt: t0,
  updatedAt: t0,
};
const now = new Date('2026-11-22T10:05:00.000Z');

describe('egress webhook JSON -> snapshot', () => {
  it('reads the protojson LiveKit sends (docs/protocols/livekit.md#webhooks example)', () => {
    const s = snapshotFromJson({
      egressId: 'EG_xyz',
      roomId: 'RM_abc123',
      status: 'EGRESS_COMPLETE',
      startedAt: '1760000000000000000',
      endedAt: '1760000060000000000',
      roomName: 'demo-room',
      fileResults: [{ filename: 'recordings/demo-room.mp4', size: '7340032', duration: '60000000000' }],
      somethingNew: { ignored: true },
    });
    expect(s).toEqual({
      egressId: 'EG_xyz',
      roomName: 'demo-room',
      roomSid: 'RM_abc123',
      status: 'EGRESS_COMPLETE',
      startedAtMs: 1760000000000,
      endedAtMs: 1760000060000,
      file: { key: 'recordings/demo-room.mp4', size: 7340032, durationMs: 60000 },
    });
  });
  it('treats a missing status as EGRESS_STARTING (zero values are omitted)', () => {
    expect(snapshotFromJson({ egressId: 'EG_1', roomName: 'r' }).status).toBe('EGRESS_STARTING');
  });
});

describe('applySnapshot', () => {
  const snap = (status: string, extra: object = {}) =>
    snapshotFromJson({ egressId: 'EG_1', roomName: 'demo', roomId: 'RM_1', status, ...extra });

  it('moves forward through the lifecycle and records the file at the end', () => {
    const active = applySnapshot(rec, snap('EGRESS_ACTIVE', { startedAt: '1763805600000000000' }), now)!;
    expect(active).toMatchObject({
      status: 'recording',
      egressId: 'EG_1',
      roomSid: 'RM_1',
      updatedAt: now.toISOString(),
    });
    const done = applySnapshot(
      active,
      snap('EGRESS_COMPLETE', {
        endedAt: '1763805660000000000',
        fileResults: [{ filename: 'recordings/x.mp4', size: '10', duration: '3000000000' }],
      }),
      now,
    )!;
    expect(done).toMatchObject({ status: 'ready', s3Key: 'recordings/x.mp4', size: 10, durationMs: 3000 });
    expect(done.endedAt).toBe(new Date(1763805660000).toISOString());
  });

  it('ignores what would move it backwards, repeats, and anything after the end', () => {
    const stopping = { ...rec, status: 'stopping' as const, egressId: 'EG_1', roomSid: 'RM_1' };
    expect(applySnapshot(stopping, snap('EGRESS_ACTIVE'), now)).toBeUndefined();
    expect(applySnapshot(stopping, snap('EGRESS_ENDING'), now)).toBeUndefined();
    const failed = { ...rec, status: 'failed' as const };
    expect(applySnapshot(failed, snap('EGRESS_COMPLETE'), now)).toBeUndefined();
  });

  it('fails with the egress error; LIMIT_REACHED with a file is still a recording', () => {
    expect(applySnapshot(rec, snap('EGRESS_FAILED', { error: 'boom' }), now)).toMatchObject({
      status: 'failed',
      error: 'boom',
    });
    expect(applySnapshot(rec, snap('EGRESS_ABORTED'), now)).toMatchObject({
      status: 'failed',
      error: 'egress ended EGRESS_ABORTED',
    });
    expect(
      applySnapshot(
        rec,
        snap('EGRESS_LIMIT_REACHED', { fileResults: [{ filename: 'k.mp4', size: '5' }] }),
        now,
      ),
    ).toMatchObject({ status: 'ready', size: 5 });
  });

  it('names files after the room, safely', () => {
    expect(recordingFileName('my room/../x', new Date(1000))).toBe('my_room____x-1000.mp4');
  });
});
