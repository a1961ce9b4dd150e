import { randomBytes } from 'node:crypto';
import { AppError, ScriptedFake } from '@onair/runtime';
import type { IvsChannel, IvsChannelInput, IvsLiveStream, IvsPort, IvsStreamKey } from './port';

/** In-memory IVS for unit tests: the adapter's contract, with failures on demand. */
export class FakeIvs extends ScriptedFake implements IvsPort {
  readonly channels = new Map<string, IvsChannel & { live?: IvsLiveStream }>();
  /** Channel ARN -> its stream key (IVS allows one per channel). */
  readonly streamKeys = new Map<string, IvsStreamKey>();
  /** When true, CreateChannel answers without a stream key (so the saga must make one). */
  omitStreamKey = false;

  private key(channelArn: string): IvsStreamKey {
    if (this.streamKeys.has(channelArn))
      throw new AppError(
        'PROVIDER_QUOTA_EXCEEDED',
        429,
        'IVS CreateStreamKey failed: one stream key per channel',
      );
    const key = {
      arn: `${channelArn.replace(':channel/', ':stream-key/')}k`,
      value: `sk_us-east-1_${randomBytes(12).toString('hex')}`,
    };
    this.streamKeys.set(channelArn, key);
    return key;
  }

  async createChannel(input: IvsChannelInput) {
    this.step('CreateChannel');
    const id = randomBytes(6).toString('hex');
    const channel = {
      arn: `arn:aws:ivs:us-east-1:123456789012:channel/${id}`,
      name: input.name,
      ingestEndpoint: `${id}.global-contribute.live-video.net`,
      playbackUrl: `https://${id}.us-east-1.playback.live-video.net/api/video/v1/us-east-1.123456789012.channel.${id}.m3u8`,
    };
    this.channels.set(channel.arn, channel);
    return { channel, ...(this.omitStreamKey ? {} : { streamKey: this.key(channel.arn) }) };
  }

  async createStreamKey(channelArn: string) {
    this.step('CreateStreamKey');
    return this.key(channelArn);
  }

  async getChannel(arn: string) {
    this.step('GetChannel');
    const c = this.channels.get(arn);
    if (!c) throw new AppError('NOT_FOUND', 404, `IVS GetChannel failed: Channel ${arn} not found`);
    const { live: _live, ...channel } = c;
    return channel;
  }

  async findStreamKey(channelArn: string) {
    this.step('ListStreamKeys');
    return this.streamKeys.get(channelArn);
  }

  async missingChannels(arns: string[]) {
    this.step('BatchGetChannel');
    return new Set(arns.filter((a) => !this.channels.has(a)));
  }

  async findChannelsByName(name: string) {
    this.step('ListChannels');
    return [...this.channels.values()].filter((c) => c.name === name).map((c) => c.arn);
  }

  async deleteChannel(arn: string) {
    this.step('DeleteChannel');
    this.channels.delete(arn);
    this.streamKeys.delete(arn);
  }

  async stopStream(channelArn: string) {
    this.step('StopStream');
    const c = this.channels.get(channelArn);
    if (!c?.live)
      throw new AppError('NOT_LIVE', 409, `IVS StopStream failed: Channel ${channelArn} is not live`);
    c.live = undefined;
  }

  async liveChannels() {
    this.step('ListStreams');
    const live = new Map<string, IvsLiveStream>();
    for (const c of this.channels.values()) if (c.live) live.set(c.arn, c.live);
    return live;
  }
}
