import {
  BatchGetChannelCommand,
  type Channel,
  CreateChannelCommand,
  CreateStreamKeyCommand,
  DeleteChannelCommand,
  GetChannelCommand,
  GetStreamKeyCommand,
  IvsClient,
  type IvsClientConfig,
  ListChannelsCommand,
  ListStreamKeysCommand,
  ListStreamsCommand,
  StopStreamCommand,
} from '@aws-sdk/client-ivs';
import { providerCalls } from '@onair/runtime';
import { fromIvsError } from './errors';
import type { IvsChannel, IvsChannelInput, IvsLiveStream, IvsPort, IvsStreamKey } from './port';

const toChannel = (c: Channel | undefined): IvsChannel => ({
  arn: c?.arn ?? '',
  name: c?.name ?? '',
  ingestEndpoint: c?.ingestEndpoint ?? '',
  playbackUrl: c?.playbackUrl ?? '',
});

/**
 * IVS through the real @aws-sdk/client-ivs. The endpoint comes from AWS_ENDPOINT_URL_IVS when set
 * (the SDK reads it natively), which is how the local stand-in is used.
 */
export class SdkIvs implements IvsPort {
  readonly client: IvsClient;
  private readonly call = providerCalls(fromIvsError);

  constructor(config: IvsClientConfig = {}) {
    this.client = new IvsClient(config);
  }

  async createChannel(input: IvsChannelInput) {
    const out = await this.call('CreateChannel', () => this.client.send(new CreateChannelCommand(input)));
    const key =
      out.streamKey?.arn && out.streamKey.value
        ? { arn: out.streamKey.arn, value: out.streamKey.value }
        : undefined;
    return { channel: toChannel(out.channel), ...(key ? { streamKey: key } : {}) };
  }

  async createStreamKey(channelArn: string): Promise<IvsStreamKey> {
    const out = await this.call('CreateStreamKey', () =>
      this.client.send(new CreateStreamKeyCommand({ channelArn })),
    );
    return { arn: out.streamKey?.arn ?? '', value: out.streamKey?.value ?? '' };
  }

  async getChannel(arn: string): Promise<IvsChannel> {
    const out = await this.call('GetChannel', () => this.client.send(new GetChannelCommand({ arn })));
    return toChannel(out.channel);
  }

  async findStreamKey(channelArn: string): Promise<IvsStreamKey | undefined> {
    const list = await this.call('ListStreamKeys', () =>
      this.client.send(new ListStreamKeysCommand({ channelArn, maxResults: 1 })),
    );
    const arn = list.streamKeys?.[0]?.arn;
    if (!arn) return undefined;
    // The summary has no value (docs/protocols/ivs.md#channels-and-stream-keys); GetStreamKey does.
    const out = await this.call('GetStreamKey', () => this.client.send(new GetStreamKeyCommand({ arn })));
    return out.streamKey?.value ? { arn, value: out.streamKey.value } : undefined;
  }

  async missingChannels(arns: string[]): Promise<Set<string>> {
    const missing = new Set<string>();
    for (let i = 0; i < arns.length; i += 50) {
      const out = await this.call('BatchGetChannel', () =>
        this.client.send(new BatchGetChannelCommand({ arns: arns.slice(i, i + 50) })),
      );
      // Only a definite "not found" counts; any other per-channel error means "unknown, keep it".
      for (const e of out.errors ?? [])
        if (e.arn && e.code === 'ResourceNotFoundException') missing.add(e.arn);
    }
    return missing;
  }

  async findChannelsByName(name: string): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.call('ListChannels', () =>
        this.client.send(new ListChannelsCommand({ filterByName: name, nextToken, maxResults: 100 })),
      );
      for (const c of out.channels ?? []) if (c.name === name && c.arn) arns.push(c.arn);
      nextToken = out.nextToken;
    } while (nextToken);
    return arns;
  }

  async deleteChannel(arn: string): Promise<void> {
    try {
      await this.client.send(new DeleteChannelCommand({ arn }));
      return;
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'ResourceNotFoundException') return; // already gone: the goal holds
      if (name !== 'ConflictException') throw fromIvsError(e, 'DeleteChannel');
    }
    // A live channel cannot be deleted (409): end the broadcast, then delete.
    await this.stopStream(arn).catch((e) => {
      if ((e as { code?: string }).code !== 'NOT_LIVE') throw e;
    });
    try {
      await this.client.send(new DeleteChannelCommand({ arn }));
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') throw fromIvsError(e, 'DeleteChannel');
    }
  }

  async stopStream(channelArn: string): Promise<void> {
    await this.call('StopStream', () => this.client.send(new StopStreamCommand({ channelArn })));
  }

  async liveChannels(): Promise<Map<string, IvsLiveStream>> {
    const live = new Map<string, IvsLiveStream>();
    let nextToken: string | undefined;
    do {
      const out = await this.call('ListStreams', () =>
        this.client.send(new ListStreamsCommand({ nextToken, maxResults: 100 })),
      );
      for (const s of out.streams ?? []) {
        if (!s.channelArn) continue;
        live.set(s.channelArn, {
          streamId: s.streamId ?? '',
          state: s.state === 'OFFLINE' ? 'OFFLINE' : 'LIVE',
          ...(s.startTime ? { startTime: s.startTime.toISOString() } : {}),
        });
      }
      nextToken = out.nextToken;
    } while (nextToken);
    return live;
  }

  destroy(): void {
    this.client.destroy();
  }
}
