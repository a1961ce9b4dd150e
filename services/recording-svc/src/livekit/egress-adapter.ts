import {
  EgressClient,
  type EgressInfo,
  EncodedFileOutput,
  EncodedFileType,
  S3Upload,
} from 'livekit-server-sdk';
import { fromLiveKit } from './errors';
import { snapshotFromJson } from './egress-json';
import type { EgressSnapshot, LiveKitEgress } from './egress-port';

export interface EgressAdapterOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** Where egress uploads: egress talks to S3 itself, with these settings (it may sit on another network). */
  s3: {
    bucket: string;
    region: string;
    endpoint?: string;
    forcePathStyle: boolean;
    accessKey?: string;
    secret?: string;
  };
}

/** LiveKitEgress over the real EgressClient (docs/protocols/livekit.md#egress). */
export class LiveKitEgressAdapter implements LiveKitEgress {
  private readonly client: EgressClient;

  constructor(private readonly options: EgressAdapterOptions) {
    this.client = new EgressClient(options.url, options.apiKey, options.apiSecret);
  }

  async startRoomRecording(req: { roomName: string; s3Key: string }): Promise<EgressSnapshot> {
    const { s3 } = this.options;
    const file = new EncodedFileOutput({
      fileType: EncodedFileType.MP4,
      filepath: req.s3Key,
      // Our metadata lives in DynamoDB; no manifest JSON next to every file.
      disableManifest: true,
      output: {
        case: 's3',
        value: new S3Upload({
          bucket: s3.bucket,
          region: s3.region,
          endpoint: s3.endpoint ?? '',
          forcePathStyle: s3.forcePathStyle,
          accessKey: s3.accessKey ?? '',
          secret: s3.secret ?? '',
        }),
      },
    });
    try {
      // `{ file }` (not a bare output) so the SDK sends only fileOutputs (reference (a) quirk 1).
      return toSnapshot(
        await this.client.startRoomCompositeEgress(req.roomName, { file }, { layout: 'grid' }),
      );
    } catch (e) {
      throw fromLiveKit(e, 'LiveKit StartRoomCompositeEgress failed');
    }
  }

  async stop(egressId: string): Promise<EgressSnapshot> {
    try {
      return toSnapshot(await this.client.stopEgress(egressId));
    } catch (e) {
      throw fromLiveKit(e, 'LiveKit StopEgress failed');
    }
  }

  async list(filter: { roomName?: string; egressId?: string; active?: boolean }): Promise<EgressSnapshot[]> {
    try {
      return (await this.client.listEgress(filter)).map(toSnapshot);
    } catch (e) {
      throw fromLiveKit(e, 'LiveKit ListEgress failed');
    }
  }
}

/** Through protojson, so API answers and webhook bodies are read by one function. */
function toSnapshot(info: EgressInfo): EgressSnapshot {
  return snapshotFromJson(info.toJson() as Record<string, unknown>);
}
