// The IVS control plane as stream-svc needs it. sdk-adapter.ts wraps the real
// @aws-sdk/client-ivs (production and integration tests); fake.ts is for unit tests.
// Every method throws AppError, never an SDK error.

export interface IvsChannelInput {
  /** stream-svc names channels after the stream id: IVS events carry the name (`channel_name`). */
  name: string;
  latencyMode: 'LOW' | 'NORMAL';
  type: 'BASIC' | 'STANDARD' | 'ADVANCED_SD' | 'ADVANCED_HD';
  recordingConfigurationArn?: string;
  tags?: Record<string, string>;
}

export interface IvsStreamKey {
  arn: string;
  value: string;
}

export interface IvsChannel {
  arn: string;
  name: string;
  ingestEndpoint: string;
  playbackUrl: string;
}

export interface IvsLiveStream {
  streamId: string;
  state: 'LIVE' | 'OFFLINE';
  startTime?: string;
}

export interface IvsPort {
  /** IVS makes the channel's stream key with it; `streamKey` is absent only if it did not. */
  createChannel(input: IvsChannelInput): Promise<{ channel: IvsChannel; streamKey?: IvsStreamKey }>;
  createStreamKey(channelArn: string): Promise<IvsStreamKey>;
  /** GetChannel: a channel found by name is adopted with its ingest endpoint and playback URL. */
  getChannel(arn: string): Promise<IvsChannel>;
  /**
   * The channel's stream key with its value (ListStreamKeys, then GetStreamKey), or undefined
   * when it has none: a resumed create adopts the key an earlier attempt made.
   */
  findStreamKey(channelArn: string): Promise<IvsStreamKey | undefined>;
  /**
   * Which of these channels no longer exist (BatchGetChannel, 50 per call: the reconciler checks
   * every stream without spending the 5 TPS quota one channel at a time).
   */
  missingChannels(arns: string[]): Promise<Set<string>>;
  /** Channels with exactly this name (a create that timed out may still have made one). */
  findChannelsByName(name: string): Promise<string[]>;
  /** Idempotent: a channel already gone is not an error. Stops a live broadcast first. */
  deleteChannel(arn: string): Promise<void>;
  /** 409 NOT_LIVE when the channel is not broadcasting. */
  stopStream(channelArn: string): Promise<void>;
  /** Every channel broadcasting now (ListStreams), by channel ARN. */
  liveChannels(): Promise<Map<string, IvsLiveStream>>;
}
