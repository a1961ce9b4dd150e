// Room-composite egress to S3 without a browser or GStreamer: the "recording" is a small committed
// MP4 fixture, uploaded with the request's own S3 settings (endpoint, path style, credentials) when
// the egress is stopped. Status flow and webhooks follow livekit's IOInfoService:
// STARTING (egress_started) -> ACTIVE (egress_updated) -> ENDING (egress_updated)
// -> COMPLETE | FAILED | ABORTED (egress_ended).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  EgressInfo,
  EgressSourceType,
  EgressStatus,
  EncodedFileType,
  type EncodedFileOutput,
  FileInfo,
  ListEgressRequest,
  ListEgressResponse,
  type Room,
  RoomCompositeEgressRequest,
  type S3Upload,
  StopEgressRequest,
} from '@livekit/protocol';
import { type Claims, requireRecord } from './auth';
import type { FaultBook } from './faults';
import type { RoomStore } from './rooms';
import { type TwirpServices, TwirpError, rpc } from './twirp';
import { type WebhookSender, newGuid } from './webhooks';

export const FIXTURE_PATH = join(__dirname, '../../fixtures/egress-sample.mp4');

export interface Recording {
  bytes: Buffer;
  durationNs: bigint;
}

/** Loads the fixture and reads its real duration from the MP4 `mvhd` box, so FileInfo matches the bytes. */
export function loadRecording(path = FIXTURE_PATH): Recording {
  const bytes = readFileSync(path);
  const at = bytes.indexOf('mvhd');
  if (at < 0) throw new Error(`${path}: no mvhd box, not an MP4`);
  const body = at + 8; // skip 'mvhd', version (1 byte) and flags (3 bytes)
  const v1 = bytes[at + 4] === 1; // version 1 has 64-bit times
  const timescale = BigInt(bytes.readUInt32BE(body + (v1 ? 16 : 8)));
  const duration = v1 ? bytes.readBigUInt64BE(body + 20) : BigInt(bytes.readUInt32BE(body + 12));
  return { bytes, durationNs: (duration * 1_000_000_000n) / timescale };
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

interface Job {
  info: EgressInfo;
  output: EncodedFileOutput;
  s3: S3Upload;
  failAtEnd?: string;
}

export class EgressManager {
  private readonly jobs = new Map<string, Job>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly rooms: RoomStore,
    private readonly webhooks: WebhookSender,
    private readonly faults: FaultBook,
    private readonly recording: Recording,
  ) {}

  start(req: RoomCompositeEgressRequest): EgressInfo {
    const room = this.rooms.get(req.roomName);
    if (!room) throw new TwirpError('not_found', 'requested room does not exist');
    const output = pickFileOutput(req);
    const info = new EgressInfo({
      egressId: newGuid('EG_'),
      roomId: room.sid,
      roomName: room.name,
      sourceType: EgressSourceType.WEB, // room composite records a web page of the room
      status: EgressStatus.EGRESS_STARTING,
      updatedAt: nowNs(),
      request: { case: 'roomComposite', value: redact(req) },
    });
    const job: Job = { info, output, s3: output.output.value as S3Upload };
    this.jobs.set(info.egressId, job);
    this.rooms.setActiveRecording(room.name, true);
    this.webhooks.emit({ event: 'egress_started', egressInfo: info });

    const failure = this.faults.takeEgressFailure();
    if (failure?.at === 'end') job.failAtEnd = failure.error;
    // The egress reports ACTIVE (or its failure) after the start call has been answered.
    setImmediate(() => {
      if (info.status !== EgressStatus.EGRESS_STARTING) return;
      if (failure?.at === 'start') return this.finish(job, EgressStatus.EGRESS_FAILED, failure.error);
      info.status = EgressStatus.EGRESS_ACTIVE;
      info.startedAt = info.updatedAt = nowNs();
      this.webhooks.emit({ event: 'egress_updated', egressInfo: info });
    });
    return info.clone();
  }

  stop(egressId: string): EgressInfo {
    const job = this.jobs.get(egressId);
    if (!job) throw new TwirpError('not_found', 'egress does not exist');
    const { info } = job;
    if (info.status === EgressStatus.EGRESS_STARTING) {
      // Stopped before it ever recorded: egress aborts instead of writing an empty file.
      this.finish(job, EgressStatus.EGRESS_ABORTED, 'egress stopped before it started');
      return info.clone();
    }
    if (info.status !== EgressStatus.EGRESS_ACTIVE) {
      throw new TwirpError(
        'failed_precondition',
        `egress with status ${EgressStatus[info.status]} cannot be stopped`,
      );
    }
    info.status = EgressStatus.EGRESS_ENDING;
    info.updatedAt = nowNs();
    this.webhooks.emit({ event: 'egress_updated', egressInfo: info });
    const ending = info.clone();
    const work = this.complete(job).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return ending;
  }

  list(req: ListEgressRequest): EgressInfo[] {
    return [...this.jobs.values()]
      .map((j) => j.info)
      .filter((i) => !req.roomName || i.roomName === req.roomName)
      .filter((i) => !req.egressId || i.egressId === req.egressId)
      .filter((i) => !req.active || i.status < EgressStatus.EGRESS_COMPLETE)
      .map((i) => i.clone());
  }

  /** A closed room ends its recordings normally (the web page they record is gone). */
  stopRoom(roomName: string): void {
    for (const { info } of this.jobs.values()) {
      if (info.roomName === roomName && info.status <= EgressStatus.EGRESS_ACTIVE) this.stop(info.egressId);
    }
  }

  /** Resolves when no upload is in progress. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async complete(job: Job): Promise<void> {
    if (job.failAtEnd) return this.finish(job, EgressStatus.EGRESS_FAILED, job.failAtEnd);
    const room = this.rooms.get(job.info.roomName);
    const key = expandFilepath(job.output.filepath, job.info, room);
    try {
      await upload(job.s3, key, this.recording.bytes);
    } catch (err) {
      return this.finish(job, EgressStatus.EGRESS_FAILED, `upload failed: ${(err as Error).message}`);
    }
    const endedAt = nowNs();
    job.info.fileResults = [
      new FileInfo({
        filename: key,
        location: locationOf(job.s3, key),
        size: BigInt(this.recording.bytes.length),
        // The bytes are the fixture, so its duration (not the wall-clock time) describes the file.
        duration: this.recording.durationNs,
        startedAt: job.info.startedAt,
        endedAt,
      }),
    ];
    // Legacy single-result field, still filled when the request used the legacy `file` output.
    if (job.info.request.case === 'roomComposite' && job.info.request.value.output.case === 'file') {
      job.info.result = { case: 'file', value: job.info.fileResults[0].clone() };
    }
    this.finish(job, EgressStatus.EGRESS_COMPLETE);
  }

  private finish(job: Job, status: EgressStatus, error?: string): void {
    const { info } = job;
    info.status = status;
    info.endedAt = info.updatedAt = nowNs();
    if (error) {
      info.error = error;
      info.errorCode = 500;
    }
    const stillRecording = [...this.jobs.values()].some(
      (j) => j.info.roomName === info.roomName && j.info.status < EgressStatus.EGRESS_COMPLETE,
    );
    this.rooms.setActiveRecording(info.roomName, stillRecording);
    this.webhooks.emit({ event: 'egress_ended', egressInfo: info });
  }
}

/** egress uses `file_outputs` if non-empty, else the legacy `file`; the stand-in only writes MP4 to S3. */
function pickFileOutput(req: RoomCompositeEgressRequest): EncodedFileOutput {
  const files = req.fileOutputs.length
    ? req.fileOutputs
    : req.output.case === 'file'
      ? [req.output.value]
      : [];
  const others = req.streamOutputs.length + req.segmentOutputs.length + req.imageOutputs.length;
  if (files.length > 1) throw new TwirpError('invalid_argument', 'multiple file outputs not supported');
  if (files.length === 0 || others > 0 || (req.output.case && req.output.case !== 'file')) {
    throw new TwirpError('invalid_argument', 'the LiveKit stand-in only records a single file output');
  }
  const [file] = files;
  if (file.fileType !== EncodedFileType.DEFAULT_FILETYPE && file.fileType !== EncodedFileType.MP4) {
    throw new TwirpError('invalid_argument', 'the LiveKit stand-in only records MP4 files');
  }
  if (file.output.case !== 's3') {
    throw new TwirpError('invalid_argument', 'the LiveKit stand-in only uploads to S3 (set an s3 output)');
  }
  if (!file.output.value.bucket) throw new TwirpError('invalid_argument', 'S3 bucket is required');
  return file;
}

/** The request as egress echoes it back: S3 credentials replaced by placeholders (protocol egress/redact.go). */
function redact(req: RoomCompositeEgressRequest): RoomCompositeEgressRequest {
  const copy = req.clone();
  const outputs = [...copy.fileOutputs, ...(copy.output.case === 'file' ? [copy.output.value] : [])];
  for (const file of outputs) {
    if (file.output.case !== 's3') continue;
    const s3 = file.output.value;
    if (s3.accessKey) s3.accessKey = '{access_key}';
    if (s3.secret) s3.secret = '{secret}';
    if (s3.sessionToken) s3.sessionToken = '{session_token}';
  }
  return copy;
}

/**
 * Filepath templates as egress expands them ({room_name}, {room_id}, {time}, {utc}); an empty path or
 * a directory gets `<room>-<time>`, and the extension is forced to .mp4.
 */
export function expandFilepath(
  template: string,
  info: EgressInfo,
  room: Room | undefined,
  now = new Date(),
): string {
  const p2 = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${now.getUTCFullYear()}-${p2(now.getUTCMonth() + 1)}-${p2(now.getUTCDate())}`;
  const clock = `${p2(now.getUTCHours())}${p2(now.getUTCMinutes())}${p2(now.getUTCSeconds())}`;
  const time = `${date}T${clock}`;
  const utc = `${date.replaceAll('-', '')}${clock}${p2(now.getUTCMilliseconds(), 3)}`;
  let path = template
    .replaceAll('{room_name}', info.roomName)
    .replaceAll('{room_id}', room?.sid ?? info.roomId)
    .replaceAll('{time}', time)
    .replaceAll('{utc}', utc)
    .replaceAll('{retry}', '0');
  if (path === '' || path.endsWith('/')) path += `${info.roomName}-${time}`;
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot > slash) path = path.slice(0, dot);
  return `${path}.mp4`;
}

async function upload(s3: S3Upload, key: string, bytes: Buffer): Promise<void> {
  const client = new S3Client({
    region: s3.region || 'us-east-1',
    endpoint: s3.endpoint ? withScheme(s3.endpoint) : undefined,
    forcePathStyle: s3.forcePathStyle,
    credentials: s3.accessKey
      ? { accessKeyId: s3.accessKey, secretAccessKey: s3.secret, sessionToken: s3.sessionToken || undefined }
      : undefined,
    maxAttempts: 2,
  });
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: key,
        Body: bytes,
        ContentType: 'video/mp4',
        Metadata: Object.keys(s3.metadata).length ? s3.metadata : undefined,
        Tagging: s3.tagging || undefined,
        ContentDisposition: s3.contentDisposition || undefined,
      }),
    );
  } finally {
    client.destroy();
  }
}

function withScheme(endpoint: string): string {
  return /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
}

/** The object URL the S3 uploader reports as `location`. */
function locationOf(s3: S3Upload, key: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  if (!s3.endpoint) return `https://${s3.bucket}.s3.${s3.region || 'us-east-1'}.amazonaws.com/${path}`;
  const url = new URL(withScheme(s3.endpoint));
  const base = url.origin + url.pathname.replace(/\/$/, '');
  if (s3.forcePathStyle) return `${base}/${s3.bucket}/${path}`;
  return `${url.protocol}//${s3.bucket}.${url.host}${url.pathname.replace(/\/$/, '')}/${path}`;
}

/** `livekit.Egress`, every method needing the roomRecord grant. */
export function egressService(egress: EgressManager): TwirpServices<Claims> {
  return {
    'livekit.Egress': {
      StartRoomCompositeEgress: rpc(RoomCompositeEgressRequest, async (req, claims: Claims) => {
        requireRecord(claims);
        return egress.start(req);
      }),
      StopEgress: rpc(StopEgressRequest, async (req, claims: Claims) => {
        requireRecord(claims);
        return egress.stop(req.egressId);
      }),
      ListEgress: rpc(ListEgressRequest, async (req, claims: Claims) => {
        requireRecord(claims);
        return new ListEgressResponse({ items: egress.list(req) });
      }),
      StartEgress: null,
      StartWebEgress: null,
      StartParticipantEgress: null,
      StartTrackCompositeEgress: null,
      StartTrackEgress: null,
      UpdateLayout: null,
      UpdateStream: null,
    },
  };
}
