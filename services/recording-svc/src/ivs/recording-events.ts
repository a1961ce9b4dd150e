import { deriveId, envelopeOf, RecordingUpdated } from '@onair/contracts';
import type { Bus, Logger } from '@onair/runtime';
import { isTerminal, type Recording, type RecordingStore, StaleWrite } from '../recordings/store';

/**
 * IVS auto-recordings (a channel with a recording configuration records every broadcast to S3 by
 * itself). IVS reports them as EventBridge `IVS Recording State Change` events
 * (docs/protocols/ivs.md#recording-state-change); they become recordings with source `ivs` in the same table and
 * list, keyed by the recording session id so copies of an event land on the same record.
 */
export type IvsOutcome = 'applied' | 'ignored' | 'stale';

interface IvsRecordingEvent {
  id: string;
  time: string;
  'detail-type': string;
  source: string;
  detail: {
    channel_name?: string;
    stream_id?: string;
    recording_status?: string;
    recording_status_reason?: string;
    recording_s3_bucket_name?: string;
    recording_s3_key_prefix?: string;
    recording_duration_ms?: number;
    recording_session_id?: string;
  };
}

const STATUS: Record<string, Recording['status']> = {
  'Recording Start': 'recording',
  'Recording End': 'ready',
  'Recording Start Failure': 'failed',
  'Recording End Failure': 'failed',
};

/** The id of the recording an IVS session becomes. */
export const ivsRecordingId = (sessionId: string) => `ivs_${sessionId.replace(/[^A-Za-z0-9_.:-]/g, '_')}`;

function parse(body: string): IvsRecordingEvent | undefined {
  try {
    const e = JSON.parse(body) as IvsRecordingEvent;
    if (e?.source !== 'aws.ivs' || e['detail-type'] !== 'IVS Recording State Change') return undefined;
    if (typeof e.id !== 'string' || Number.isNaN(Date.parse(e.time)) || typeof e.detail !== 'object')
      return undefined;
    return e;
  } catch {
    return undefined;
  }
}

export function ivsRecordingHandler(d: { store: RecordingStore; bus: Bus; logger: Logger }) {
  return async (body: string): Promise<IvsOutcome> => {
    const ev = parse(body);
    const status = ev && STATUS[ev.detail.recording_status ?? ''];
    const session = ev?.detail.recording_session_id;
    if (!ev || !status || !session) return 'ignored';
    const id = ivsRecordingId(session);
    const at = new Date(ev.time).toISOString();
    const prefix = ev.detail.recording_s3_key_prefix ?? '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await d.store.get(id);
      // Forward only: an End that came first is not undone by a late Start; a finished one stays.
      if (before && (isTerminal(before) || before.status === status)) return 'stale';
      const channel = ev.detail.channel_name || 'channel';
      const next: Recording = {
        ...(before ?? {
          recordingId: id,
          source: 'ivs',
          // stream-svc names IVS channels after its stream ids.
          ...(ev.detail.channel_name ? { streamId: ev.detail.channel_name } : {}),
          fileName: `${channel.replace(/[^A-Za-z0-9_-]/g, '_')}-${session}`,
          createdAt: at,
        }),
        status,
        s3Bucket: ev.detail.recording_s3_bucket_name || before?.s3Bucket || '',
        s3Prefix: prefix || before?.s3Prefix || '',
        s3Key: prefix ? `${prefix}/media/hls/master.m3u8` : (before?.s3Key ?? ''),
        updatedAt: new Date().toISOString(),
      } as Recording;
      if (status === 'recording') next.startedAt = at;
      if (status === 'ready' || status === 'failed') {
        next.endedAt = at;
        next.startedAt ??= at;
        if (typeof ev.detail.recording_duration_ms === 'number')
          next.durationMs = ev.detail.recording_duration_ms;
      }
      if (status === 'failed') next.error = ev.detail.recording_status_reason || ev.detail.recording_status;
      try {
        await d.store.put(next, before ? before.updatedAt : null);
      } catch (e) {
        if (e instanceof StaleWrite) continue;
        throw e;
      }
      await d.bus.publish(
        envelopeOf(RecordingUpdated, {
          id: deriveId('ivs-event', ev.id),
          source: 'recording-svc',
          subject: id,
          data: next,
        }),
      );
      return 'applied';
    }
    throw new Error(`recording ${id} kept changing; SQS will redeliver the event`);
  };
}
