// IVS low-latency control plane: channels, stream keys and streams (docs/protocols/ivs.md#operations), plus the
// simulated broadcasts that drive GetStream/ListStreams and the EventBridge events (part d).
import { ServiceError, notFound, validation } from './errors';
import type { EventSink } from './events';
import { hostPrefix, opaqueToken, randomAlnum, recordingSessionId, resourceId, streamId } from './ids';
import {
  type Input,
  optionalBool,
  optionalEnum,
  optionalInt,
  optionalString,
  optionalTags,
  paginate,
  requireString,
} from './validate';

const CHANNEL_ARN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:channel\/[a-zA-Z0-9-]+$/;
const STREAM_KEY_ARN = /^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stream-key\/[a-zA-Z0-9-]+$/;
const NAME = /^[a-zA-Z0-9-_]*$/;
const optionalArn = (kind: string) => new RegExp(`^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:${kind}/[a-zA-Z0-9-]+$`);
const RECORDING_CONFIGURATION_ARN = optionalArn('recording-configuration');
const PLAYBACK_RESTRICTION_POLICY_ARN = optionalArn('playback-restriction-policy');
const AD_CONFIGURATION_ARN = optionalArn('ad-configuration');

const LATENCY_MODES = ['NORMAL', 'LOW'] as const;
const CHANNEL_TYPES = ['BASIC', 'STANDARD', 'ADVANCED_SD', 'ADVANCED_HD'] as const;
const PRESETS = ['HIGHER_BANDWIDTH_DELIVERY', 'CONSTRAINED_BANDWIDTH_DELIVERY'] as const;
const CONTAINER_FORMATS = ['TS', 'FRAGMENTED_MP4'] as const;
const HEALTHS = ['HEALTHY', 'STARVING', 'UNKNOWN'] as const;

export type StreamHealth = (typeof HEALTHS)[number];

interface MultitrackInputConfiguration {
  enabled: boolean;
  policy: string;
  maximumResolution: string;
}

interface RecordingSession {
  id: string;
  bucket: string;
  keyPrefix: string;
  startedAt: number;
}

interface LiveStream {
  streamId: string;
  startTime: string;
  health: StreamHealth;
  viewerCount: number;
  recording?: RecordingSession;
}

interface ChannelRecord {
  seq: number;
  id: string;
  arn: string;
  name: string;
  latencyMode: string;
  type: string;
  authorized: boolean;
  recordingConfigurationArn: string;
  tags: Record<string, string>;
  insecureIngest: boolean;
  preset: string;
  playbackRestrictionPolicyArn: string;
  multitrackInputConfiguration: MultitrackInputConfiguration;
  containerFormat: string;
  adConfigurationArn: string;
  ingestEndpoint: string;
  playbackUrl: string;
  srt: { endpoint: string; passphrase: string };
  stream?: LiveStream;
}

interface StreamKeyRecord {
  seq: number;
  arn: string;
  value: string;
  channelArn: string;
  tags: Record<string, string>;
}

export interface IvsChannelsOptions {
  region: string;
  accountId: string;
  events: EventSink;
  /** Channels per account before CreateChannel answers ServiceQuotaExceededException (402). */
  maxChannels: number;
  /** S3 bucket named in Recording State Change events for a recording configuration. */
  recordingBucketFor: (recordingConfigurationArn: string) => string;
}

export interface StartBroadcastOptions {
  viewerCount?: number;
  health?: StreamHealth;
}

export class IvsChannels {
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly streamKeys = new Map<string, StreamKeyRecord>();
  private seq = 0;

  constructor(private readonly opts: IvsChannelsOptions) {}

  // ---- channels -------------------------------------------------------------------------------

  createChannel(input: Input) {
    const fields = this.channelFields(input);
    const tags = optionalTags(input) ?? {};
    if (this.channels.size >= this.opts.maxChannels) {
      throw new ServiceError('ServiceQuotaExceededException', 'Channel quota exceeded');
    }
    const { region, accountId } = this.opts;
    const id = resourceId();
    const prefix = hostPrefix();
    const channel: ChannelRecord = {
      seq: ++this.seq,
      id,
      arn: `arn:aws:ivs:${region}:${accountId}:channel/${id}`,
      name: '',
      latencyMode: 'LOW',
      type: 'STANDARD',
      authorized: false,
      recordingConfigurationArn: '',
      insecureIngest: false,
      preset: '',
      playbackRestrictionPolicyArn: '',
      multitrackInputConfiguration: { enabled: false, policy: 'ALLOW', maximumResolution: 'FULL_HD' },
      containerFormat: 'TS',
      adConfigurationArn: '',
      ...fields,
      tags,
      ingestEndpoint: `${prefix}.global-contribute.live-video.net`,
      playbackUrl: `https://${prefix}.${region}.playback.live-video.net/api/video/v1/${region}.${accountId}.channel.${id}.m3u8`,
      srt: { endpoint: `${prefix}.srt.live-video.net`, passphrase: opaqueToken(24) },
    };
    this.channels.set(channel.arn, channel);
    const streamKey = this.newStreamKey(channel.arn, {});
    return { channel: channelOut(channel), streamKey: streamKeyOut(streamKey) };
  }

  getChannel(input: Input) {
    return { channel: channelOut(this.channel(requireString(input, 'arn', CHANNEL_ARN))) };
  }

  batchGetChannel(input: Input) {
    const arns = input.arns;
    if (
      !Array.isArray(arns) ||
      arns.length < 1 ||
      arns.length > 50 ||
      arns.some((a) => typeof a !== 'string')
    ) {
      throw validation('arns must be a list of 1 to 50 channel ARNs', 'arns');
    }
    const channels = [];
    const errors = [];
    for (const arn of arns as string[]) {
      const channel = this.channels.get(arn);
      if (channel) channels.push(channelOut(channel));
      else errors.push({ arn, code: 'ResourceNotFoundException', message: `Channel ${arn} not found` });
    }
    return { channels, errors };
  }

  updateChannel(input: Input) {
    const channel = this.channel(requireString(input, 'arn', CHANNEL_ARN));
    const fields = this.channelFields(input);
    if (channel.stream)
      throw new ServiceError('ConflictException', 'Cannot update a channel while it is live');
    Object.assign(channel, fields);
    return { channel: channelOut(channel) };
  }

  deleteChannel(input: Input): void {
    const channel = this.channel(requireString(input, 'arn', CHANNEL_ARN));
    // The model docs: deleting a live channel is a 409 (docs/protocols/ivs.md#operations).
    if (channel.stream) throw new ServiceError('ConflictException', 'Cannot delete a live channel');
    this.channels.delete(channel.arn);
    for (const key of this.streamKeys.values())
      if (key.channelArn === channel.arn) this.streamKeys.delete(key.arn);
  }

  listChannels(input: Input) {
    const filterByName = optionalString(input, 'filterByName', NAME, 128);
    const byRecording = optionalString(
      input,
      'filterByRecordingConfigurationArn',
      RECORDING_CONFIGURATION_ARN,
    );
    const byPolicy = optionalString(
      input,
      'filterByPlaybackRestrictionPolicyArn',
      PLAYBACK_RESTRICTION_POLICY_ARN,
    );
    const byAd = optionalString(input, 'filterByAdConfigurationArn', AD_CONFIGURATION_ARN);
    const maxResults = optionalInt(input, 'maxResults', 1, 100) ?? 100;
    const nextToken = optionalString(input, 'nextToken');
    // The docs: combining the name and recording-configuration filters is a 409.
    if (filterByName && byRecording) {
      throw new ServiceError(
        'ConflictException',
        'Cannot filter by name and recording configuration together',
      );
    }
    const matching = [...this.channels.values()]
      // "Filters the channel list to match the specified name": taken as an exact match.
      .filter((c) => !filterByName || c.name === filterByName)
      .filter((c) => !byRecording || c.recordingConfigurationArn === byRecording)
      .filter((c) => !byPolicy || c.playbackRestrictionPolicyArn === byPolicy)
      .filter((c) => !byAd || c.adConfigurationArn === byAd)
      .sort((a, b) => a.seq - b.seq);
    const { page, nextToken: next } = paginate(matching, nextToken, maxResults);
    return { channels: page.map(channelSummaryOut), ...(next ? { nextToken: next } : {}) };
  }

  // ---- stream keys ----------------------------------------------------------------------------

  createStreamKey(input: Input) {
    const channel = this.channel(requireString(input, 'channelArn', CHANNEL_ARN));
    const tags = optionalTags(input) ?? {};
    // One stream key per channel (docs/protocols/ivs.md#operations): the modeled candidate is a 402.
    if ([...this.streamKeys.values()].some((k) => k.channelArn === channel.arn)) {
      throw new ServiceError('ServiceQuotaExceededException', 'Stream key quota exceeded for this channel');
    }
    return { streamKey: streamKeyOut(this.newStreamKey(channel.arn, tags)) };
  }

  getStreamKey(input: Input) {
    return { streamKey: streamKeyOut(this.streamKey(requireString(input, 'arn', STREAM_KEY_ARN))) };
  }

  listStreamKeys(input: Input) {
    const channel = this.channel(requireString(input, 'channelArn', CHANNEL_ARN));
    const maxResults = optionalInt(input, 'maxResults', 1, 50) ?? 1;
    const nextToken = optionalString(input, 'nextToken');
    const keys = [...this.streamKeys.values()]
      .filter((k) => k.channelArn === channel.arn)
      .sort((a, b) => a.seq - b.seq);
    const { page, nextToken: next } = paginate(keys, nextToken, maxResults);
    return {
      streamKeys: page.map((k) => ({ arn: k.arn, channelArn: k.channelArn, tags: { ...k.tags } })),
      ...(next ? { nextToken: next } : {}),
    };
  }

  deleteStreamKey(input: Input): void {
    this.streamKeys.delete(this.streamKey(requireString(input, 'arn', STREAM_KEY_ARN)).arn);
  }

  // ---- streams --------------------------------------------------------------------------------

  getStream(input: Input) {
    const channel = this.channel(requireString(input, 'channelArn', CHANNEL_ARN));
    const stream = this.live(channel);
    return {
      stream: {
        channelArn: channel.arn,
        streamId: stream.streamId,
        playbackUrl: channel.playbackUrl,
        startTime: stream.startTime,
        state: 'LIVE',
        health: stream.health,
        viewerCount: stream.viewerCount,
      },
    };
  }

  listStreams(input: Input) {
    const filterBy = input.filterBy;
    if (
      filterBy !== undefined &&
      filterBy !== null &&
      (typeof filterBy !== 'object' || Array.isArray(filterBy))
    ) {
      throw validation('filterBy must be an object', 'filterBy');
    }
    const health = filterBy ? optionalEnum(filterBy as Input, 'health', HEALTHS) : undefined;
    const maxResults = optionalInt(input, 'maxResults', 1, 100) ?? 100;
    const nextToken = optionalString(input, 'nextToken');
    const live = [...this.channels.values()]
      .filter((c) => c.stream && (!health || c.stream.health === health))
      .sort((a, b) => a.seq - b.seq);
    const { page, nextToken: next } = paginate(live, nextToken, maxResults);
    return {
      streams: page.map((c) => {
        const s = c.stream!;
        return {
          channelArn: c.arn,
          streamId: s.streamId,
          state: 'LIVE',
          health: s.health,
          viewerCount: s.viewerCount,
          startTime: s.startTime,
        };
      }),
      ...(next ? { nextToken: next } : {}),
    };
  }

  async stopStream(input: Input): Promise<Record<string, never>> {
    const channel = this.channel(requireString(input, 'channelArn', CHANNEL_ARN));
    this.live(channel);
    // A stopped stream ends like any other broadcast. Event delivery is best effort on real IVS,
    // so a failing publisher must not fail the API call.
    await this.endBroadcast(channel.arn).catch((err) => {
      console.error('[ivs stand-in] publishing Stream End failed', err);
    });
    return {};
  }

  putMetadata(input: Input): void {
    const channel = this.channel(requireString(input, 'channelArn', CHANNEL_ARN));
    requireString(input, 'metadata', undefined, 1024);
    this.live(channel);
  }

  // ---- simulated broadcasts (dev control) -----------------------------------------------------

  /** An encoder connected: the channel goes LIVE; Stream Start (+ Recording Start) are emitted. */
  async startBroadcast(channelArn: string, options: StartBroadcastOptions = {}) {
    const channel = this.devChannel(channelArn);
    if (channel.stream) throw new ServiceError('ConflictException', `Channel ${channelArn} is already live`);
    const stream: LiveStream = {
      streamId: streamId(),
      startTime: new Date().toISOString(),
      health: options.health ?? 'HEALTHY',
      viewerCount: options.viewerCount ?? 0,
    };
    if (channel.recordingConfigurationArn) {
      const now = new Date();
      stream.recording = {
        id: recordingSessionId(),
        bucket: this.opts.recordingBucketFor(channel.recordingConfigurationArn),
        // ivs/v1/{account}/{channelId}/{yyyy}/{m}/{d}/{H}/{M}/{random}, unpadded (docs/protocols/ivs.md#recording-state-change).
        keyPrefix: [
          'ivs/v1',
          this.opts.accountId,
          channel.id,
          now.getUTCFullYear(),
          now.getUTCMonth() + 1,
          now.getUTCDate(),
          now.getUTCHours(),
          now.getUTCMinutes(),
          randomAlnum(12),
        ].join('/'),
        startedAt: now.getTime(),
      };
    }
    channel.stream = stream;
    await this.stateChange(channel, stream.streamId, 'Stream Start');
    if (stream.recording) await this.recordingChange(channel, stream, 'Recording Start');
    return { channelArn: channel.arn, streamId: stream.streamId, startTime: stream.startTime };
  }

  /** The encoder disconnected (or StopStream): Stream End (+ Recording End). */
  async endBroadcast(channelArn: string): Promise<void> {
    const channel = this.devChannel(channelArn);
    const stream = this.live(channel);
    channel.stream = undefined;
    await this.stateChange(channel, stream.streamId, 'Stream End');
    if (stream.recording) await this.recordingChange(channel, stream, 'Recording End');
  }

  /**
   * The stream failed. If the channel was live it goes offline (and its recording ends);
   * if not, this models a broadcast that failed to start.
   */
  async failBroadcast(channelArn: string, reason = 'Stream failed'): Promise<void> {
    const channel = this.devChannel(channelArn);
    const stream = channel.stream;
    channel.stream = undefined;
    await this.stateChange(channel, stream?.streamId ?? streamId(), 'Stream Failure', { reason });
    if (stream?.recording) await this.recordingChange(channel, stream, 'Recording End');
  }

  /** STARVING emits Starvation Start; back to HEALTHY from STARVING emits Starvation End. */
  async setStreamHealth(channelArn: string, health: StreamHealth): Promise<void> {
    if (!HEALTHS.includes(health)) throw validation(`health must be one of ${HEALTHS.join(', ')}`, 'health');
    const channel = this.devChannel(channelArn);
    const stream = this.live(channel);
    const before = stream.health;
    stream.health = health;
    const eventName =
      health === 'STARVING' && before !== 'STARVING'
        ? 'Starvation Start'
        : before === 'STARVING' && health !== 'STARVING'
          ? 'Starvation End'
          : undefined;
    if (eventName) {
      await this.opts.events.emit('IVS Stream Health Change', [channel.arn], {
        event_name: eventName,
        channel_name: channel.name,
        stream_id: stream.streamId,
      });
    }
  }

  setViewerCount(channelArn: string, viewerCount: number): void {
    this.live(this.devChannel(channelArn)).viewerCount = viewerCount;
  }

  /** For TagResource & co.: the tag map of a channel or stream key, if the ARN names one. */
  taggable(arn: string): { tags: Record<string, string> } | undefined {
    return this.channels.get(arn) ?? this.streamKeys.get(arn);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private channelFields(input: Input): Partial<ChannelRecord> {
    const fields: Partial<ChannelRecord> = {};
    const set = <K extends keyof ChannelRecord>(key: K, value: ChannelRecord[K] | undefined) => {
      if (value !== undefined) fields[key] = value;
    };
    set('name', optionalString(input, 'name', NAME, 128));
    set('latencyMode', optionalEnum(input, 'latencyMode', LATENCY_MODES));
    set('type', optionalEnum(input, 'type', CHANNEL_TYPES));
    set('authorized', optionalBool(input, 'authorized'));
    set(
      'recordingConfigurationArn',
      optionalString(input, 'recordingConfigurationArn', RECORDING_CONFIGURATION_ARN, 128),
    );
    set('insecureIngest', optionalBool(input, 'insecureIngest'));
    const preset = optionalString(input, 'preset');
    if (preset !== undefined && preset !== '' && !PRESETS.includes(preset as (typeof PRESETS)[number])) {
      throw validation(`preset must be one of ${PRESETS.join(', ')}`, 'preset');
    }
    set('preset', preset);
    set(
      'playbackRestrictionPolicyArn',
      optionalString(input, 'playbackRestrictionPolicyArn', PLAYBACK_RESTRICTION_POLICY_ARN, 128),
    );
    set('containerFormat', optionalEnum(input, 'containerFormat', CONTAINER_FORMATS));
    set('adConfigurationArn', optionalString(input, 'adConfigurationArn', AD_CONFIGURATION_ARN, 128));
    const multitrack = input.multitrackInputConfiguration;
    if (multitrack !== undefined && multitrack !== null) {
      if (typeof multitrack !== 'object' || Array.isArray(multitrack)) {
        throw validation('multitrackInputConfiguration must be an object', 'multitrackInputConfiguration');
      }
      const m = multitrack as Input;
      fields.multitrackInputConfiguration = {
        enabled: optionalBool(m, 'enabled') ?? false,
        policy: optionalEnum(m, 'policy', ['ALLOW', 'REQUIRE'] as const) ?? 'ALLOW',
        maximumResolution:
          optionalEnum(m, 'maximumResolution', ['SD', 'HD', 'FULL_HD'] as const) ?? 'FULL_HD',
      };
    }
    return fields;
  }

  private newStreamKey(channelArn: string, tags: Record<string, string>): StreamKeyRecord {
    const { region, accountId } = this.opts;
    const key: StreamKeyRecord = {
      seq: ++this.seq,
      arn: `arn:aws:ivs:${region}:${accountId}:stream-key/${resourceId()}`,
      value: `sk_${region}_${resourceId()}_${randomAlnum(12)}`,
      channelArn,
      tags,
    };
    this.streamKeys.set(key.arn, key);
    return key;
  }

  private channel(arn: string): ChannelRecord {
    const channel = this.channels.get(arn);
    if (!channel) throw notFound(arn, 'CHANNEL');
    return channel;
  }

  private streamKey(arn: string): StreamKeyRecord {
    const key = this.streamKeys.get(arn);
    if (!key) throw notFound(arn, 'STREAM_KEY');
    return key;
  }

  private devChannel(arn: unknown): ChannelRecord {
    if (typeof arn !== 'string' || !CHANNEL_ARN.test(arn))
      throw validation('channelArn is invalid', 'channelArn');
    return this.channel(arn);
  }

  /** A channel that is not live answers ChannelNotBroadcasting (404), never state OFFLINE. */
  private live(channel: ChannelRecord): LiveStream {
    if (!channel.stream)
      throw new ServiceError('ChannelNotBroadcasting', `Channel ${channel.arn} is not live`);
    return channel.stream;
  }

  private stateChange(channel: ChannelRecord, streamId: string, eventName: string, extra: Input = {}) {
    return this.opts.events.emit('IVS Stream State Change', [channel.arn], {
      event_name: eventName,
      channel_name: channel.name,
      stream_id: streamId,
      ...extra,
    });
  }

  private recordingChange(
    channel: ChannelRecord,
    stream: LiveStream,
    status: 'Recording Start' | 'Recording End',
  ) {
    const recording = stream.recording!;
    return this.opts.events.emit('IVS Recording State Change', [channel.arn], {
      channel_name: channel.name,
      stream_id: stream.streamId,
      recording_status: status,
      recording_status_reason: '',
      recording_s3_bucket_name: recording.bucket,
      recording_s3_key_prefix: recording.keyPrefix,
      recording_duration_ms: status === 'Recording Start' ? 0 : Date.now() - recording.startedAt,
      recording_session_id: recording.id,
      ...(status === 'Recording End' ? { recording_session_stream_ids: [stream.streamId] } : {}),
    });
  }
}

function channelOut(c: ChannelRecord) {
  return {
    arn: c.arn,
    name: c.name,
    latencyMode: c.latencyMode,
    type: c.type,
    recordingConfigurationArn: c.recordingConfigurationArn,
    ingestEndpoint: c.ingestEndpoint,
    playbackUrl: c.playbackUrl,
    authorized: c.authorized,
    tags: { ...c.tags },
    insecureIngest: c.insecureIngest,
    preset: c.preset,
    srt: { ...c.srt },
    playbackRestrictionPolicyArn: c.playbackRestrictionPolicyArn,
    multitrackInputConfiguration: { ...c.multitrackInputConfiguration },
    containerFormat: c.containerFormat,
    adConfigurationArn: c.adConfigurationArn,
  };
}

/** ChannelSummary has no ingestEndpoint or playbackUrl (docs/protocols/ivs.md#channels-and-stream-keys). */
function channelSummaryOut(c: ChannelRecord) {
  return {
    arn: c.arn,
    name: c.name,
    latencyMode: c.latencyMode,
    authorized: c.authorized,
    recordingConfigurationArn: c.recordingConfigurationArn,
    tags: { ...c.tags },
    insecureIngest: c.insecureIngest,
    type: c.type,
    preset: c.preset,
    playbackRestrictionPolicyArn: c.playbackRestrictionPolicyArn,
    adConfigurationArn: c.adConfigurationArn,
  };
}

function streamKeyOut(k: StreamKeyRecord) {
  return { arn: k.arn, value: k.value, channelArn: k.channelArn, tags: { ...k.tags } };
}
