import {
  deriveId,
  type Envelope,
  type LiveKitWebhookReceived,
  envelopeOf,
  type RecordingDelete,
  RecordingDeleted,
  type RecordingStart,
  type RecordingStop,
  RecordingUpdated,
  ownsOrAdmin,
} from '@onair/contracts';
import {
  type Bus,
  conflict,
  forbidden,
  type HandlerOf,
  type Logger,
  notFound,
  publishFollowing,
} from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import { snapshotFromJson } from '../livekit/egress-json';
import type { EgressSnapshot, LiveKitEgress } from '../livekit/egress-port';
import type { RecordingObjects } from '../storage/objects-port';
import { applySnapshot, recordingFileName } from './lifecycle';
import { isTerminal, type Recording, type RecordingStore, StaleWrite } from './store';

export interface RecordingDeps {
  bus: Bus;
  store: RecordingStore;
  egress: LiveKitEgress;
  objects: RecordingObjects;
  logger: Logger;
  bucket: string;
  /** Key prefix of recordings in the bucket (RECORDINGS_PATH), e.g. `recordings/`. */
  prefix: string;
}

type Actor = Static<typeof RecordingStart.schema>['actor'];
const SOURCE = 'recording-svc';
/**
 * Who may stop and delete a recording: who started it, the owner of the room recorded (whoever
 * started it: a recording must not lock the owner out of their own room), or an admin. The policy
 * table's `recorder` rule (services/gateway/src/policy.ts).
 */
export const mayManageRecording = (actor: Actor, rec: Pick<Recording, 'ownerId' | 'roomOwnerId'>) =>
  ownsOrAdmin(actor, rec.ownerId) || ownsOrAdmin(actor, rec.roomOwnerId);
const RECORDER = "the room's owner, who started the recording, or an admin";
const notRecording = (room: string) => conflict(`Room ${room} is not being recorded`);
const alreadyRecording = (room: string) => conflict(`Room ${room} is already being recorded`);

/**
 * Apply what LiveKit reported to the stored recording (re-reading on a concurrent change), and
 * release the room's lock once it is finished. Undefined when nothing changed.
 */
export async function recordSnapshot(
  d: Pick<RecordingDeps, 'store'>,
  recordingId: string,
  snap: EgressSnapshot,
): Promise<Recording | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rec = await d.store.get(recordingId);
    if (!rec) return undefined;
    const next = applySnapshot(rec, snap);
    if (!next) return undefined;
    try {
      await d.store.put(next, rec.updatedAt);
    } catch (e) {
      if (e instanceof StaleWrite) continue;
      throw e;
    }
    if (isTerminal(next) && next.roomName) await d.store.unlock(next.roomName, next.recordingId);
    return next;
  }
  throw new Error(`recording ${recordingId} kept changing; will retry`);
}

/** Publish onair.recording.updated.v1 for `rec`, following `cause`; the event is the reply. */
const publishUpdated = (bus: Bus, cause: Envelope, rec: Recording, ...idParts: string[]) =>
  publishFollowing(bus, RecordingUpdated, cause, {
    source: SOURCE,
    subject: rec.recordingId,
    data: rec,
    idParts,
  });

/**
 * onair.recording.start.v1: one recording per room (a lock item; 409 while another is open, and
 * also when LiveKit reports an active egress we did not start), then the egress. A failure before
 * the egress started leaves nothing behind (record and lock removed).
 */
export function startRecording(d: RecordingDeps): HandlerOf<typeof RecordingStart> {
  return async (msg) => {
    const { data } = msg;
    const existing = await d.store.get(data.recordingId);
    if (existing) {
      // Redelivered: publish again (same event id, consumers skip it) in case the first try
      // stopped before publishing.
      return publishUpdated(d.bus, msg, existing);
    }
    const holder = await d.store.lockHolder(data.roomName);
    let stale: string | undefined;
    if (holder && holder !== data.recordingId) {
      const h = await d.store.get(holder);
      if (h && !isTerminal(h)) throw alreadyRecording(data.roomName);
      stale = holder; // a lock left by a finished recording
    }
    if (!(await d.store.lock(data.roomName, data.recordingId, stale))) throw alreadyRecording(data.roomName);

    let egressStarted = false;
    try {
      if ((await d.egress.list({ roomName: data.roomName, active: true })).length > 0)
        throw alreadyRecording(data.roomName);
      const now = new Date();
      const fileName = recordingFileName(data.roomName, now);
      const rec: Recording = {
        recordingId: data.recordingId,
        source: 'livekit',
        roomName: data.roomName,
        roomId: data.roomId ?? data.roomName,
        ownerId: data.actor.userId,
        ...(data.roomOwnerId !== undefined ? { roomOwnerId: data.roomOwnerId } : {}),
        fileName,
        s3Bucket: d.bucket,
        s3Key: `${d.prefix}${fileName}`,
        status: 'starting',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      await d.store.put(rec, null);
      const snap = await d.egress.startRoomRecording({ roomName: data.roomName, s3Key: rec.s3Key });
      egressStarted = true;
      const latest =
        (await recordSnapshot(d, rec.recordingId, snap)) ?? (await d.store.get(rec.recordingId)) ?? rec;
      return await publishUpdated(d.bus, msg, latest);
    } catch (e) {
      if (!egressStarted) {
        await d.store.delete(data.recordingId);
        await d.store.unlock(data.roomName, data.recordingId);
      }
      throw e;
    }
  };
}

/** onair.recording.stop.v1: 409 unless the room is being recorded; for mayManageRecording only. */
export function stopRecording(d: RecordingDeps): HandlerOf<typeof RecordingStop> {
  return async (msg) => {
    const { data } = msg;
    const holder = await d.store.lockHolder(data.roomName);
    if (!holder) throw notRecording(data.roomName);
    if (data.recordingId && data.recordingId !== holder)
      throw conflict(`Recording ${data.recordingId} is not the active recording of room ${data.roomName}`);
    let rec = await d.store.get(holder);
    if (!rec || isTerminal(rec)) {
      await d.store.unlock(data.roomName, holder);
      throw notRecording(data.roomName);
    }
    if (!mayManageRecording(data.actor, rec))
      throw forbidden(`Only ${RECORDER} may stop the recording of room ${data.roomName}`);
    if (rec.status !== 'stopping') {
      const egressId =
        rec.egressId ?? (await d.egress.list({ roomName: data.roomName, active: true }))[0]?.egressId;
      if (!egressId) throw notRecording(data.roomName);
      let snap: EgressSnapshot | undefined;
      try {
        snap = await d.egress.stop(egressId);
      } catch (e) {
        // Already ended (412 failed_precondition -> 409): take LiveKit's word for how it ended.
        if ((e as { status?: number }).status !== 409) throw e;
        [snap] = await d.egress.list({ egressId });
        if (!snap) throw e;
      }
      rec = (await recordSnapshot(d, rec.recordingId, snap)) ?? (await d.store.get(rec.recordingId)) ?? rec;
    }
    return publishUpdated(d.bus, msg, rec);
  };
}

/**
 * onair.recording.delete.v1: the S3 object, then the metadata; 409 while it is still recording,
 * 403 unless mayManageRecording.
 */
export function deleteRecording(d: Omit<RecordingDeps, 'egress'>): HandlerOf<typeof RecordingDelete> {
  return async (msg) => {
    const { data } = msg;
    const rec = await d.store.get(data.recordingId);
    if (!rec) throw notFound(`Recording ${data.recordingId} does not exist`);
    if (!mayManageRecording(data.actor, rec))
      throw forbidden(`Only ${RECORDER} may delete recording ${data.recordingId}`);
    if (!isTerminal(rec)) throw conflict(`Recording ${data.recordingId} is still recording; stop it first`);
    if (rec.s3Prefix) await d.objects.deletePrefix(rec.s3Bucket, rec.s3Prefix);
    else await d.objects.delete(rec.s3Bucket, rec.s3Key);
    await d.store.delete(rec.recordingId);
    return publishFollowing(d.bus, RecordingDeleted, msg, {
      source: SOURCE,
      subject: rec.recordingId,
      data: { recordingId: rec.recordingId },
    });
  };
}

/**
 * egress_started / egress_updated / egress_ended drive the status. The start answer and the first
 * webhooks race: a webhook for an egress we do not know yet is matched through the room's lock.
 */
export function onEgressWebhook(d: RecordingDeps): HandlerOf<typeof LiveKitWebhookReceived> {
  return async (msg, ctx) => {
    const { data } = msg;
    if (!data.event.startsWith('egress_') || !data.egressInfo) return;
    const snap = snapshotFromJson(data.egressInfo);
    let rec = await d.store.byEgress(snap.egressId);
    if (!rec && snap.roomName) {
      const holder = await d.store.lockHolder(snap.roomName);
      const candidate = holder ? await d.store.get(holder) : undefined;
      if (candidate && !candidate.egressId) rec = candidate;
    }
    if (!rec) {
      ctx.log.debug({ egressId: snap.egressId }, 'webhook for an egress onair did not start; ignored');
      return;
    }
    const next = await recordSnapshot(d, rec.recordingId, snap);
    if (next) await publishUpdated(d.bus, msg, next, next.status);
  };
}

/** Egress that LiveKit no longer knows after this long is given up on (it keeps ended ones ~24 h). */
const LOST_AFTER_MS = 5 * 60_000;

/**
 * Webhooks are best effort (docs/protocols/livekit.md#webhook-delivery): every open recording is compared with
 * ListEgress, which repairs a lost or late webhook. Safe on several instances at once.
 */
export async function reconcile(d: RecordingDeps): Promise<number> {
  let repaired = 0;
  for (const rec of await d.store.open()) {
    if (rec.source !== 'livekit') continue; // IVS recordings are not egresses
    const age = Date.now() - Date.parse(rec.createdAt);
    let snap: EgressSnapshot | undefined;
    if (rec.egressId) [snap] = await d.egress.list({ egressId: rec.egressId });
    if (!snap) {
      if (age < LOST_AFTER_MS) continue;
      snap = {
        egressId: rec.egressId ?? '',
        roomName: rec.roomName ?? '',
        status: 'EGRESS_FAILED',
        error: rec.egressId ? 'LiveKit no longer knows this egress' : 'the egress never started',
      };
    }
    const next = await recordSnapshot(d, rec.recordingId, snap);
    if (!next) continue;
    repaired++;
    d.logger.info(
      { recordingId: rec.recordingId, status: next.status },
      'recording reconciled with ListEgress',
    );
    await d.bus.publish(
      envelopeOf(RecordingUpdated, {
        id: deriveId('reconcile', rec.recordingId, next.status),
        source: SOURCE,
        subject: rec.recordingId,
        data: next,
      }),
    );
  }
  return repaired;
}
