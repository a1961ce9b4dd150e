import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bus } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import { RecordingsReadModel } from '../read-models/recordings';
import { RoomsReadModel } from '../read-models/rooms';
import { type LiveKitGatewayConfig, publicLiveKitUrl } from './config';
import type { LiveKitApiDeps } from './deps';
import { S3RecordingMedia } from './recording-media';
import { LiveKitJoinTokens } from './tokens';
import { LiveKitWebhookVerifier } from './webhooks';

/**
 * The real adapters from config (main.ts). Read models and S3 always exist; tokens and webhook
 * checks need the API key pair, and their routes answer 501 naming the settings without it.
 */
export function liveKitApiDeps(
  c: Static<typeof LiveKitGatewayConfig> & { AWS_REGION: string; REQUEST_TIMEOUT_MS: number },
  o: { bus: Bus; ddb: DynamoDBDocumentClient },
): LiveKitApiDeps {
  const keys =
    c.LIVEKIT_API_KEY && c.LIVEKIT_API_SECRET ? [c.LIVEKIT_API_KEY, c.LIVEKIT_API_SECRET] : undefined;
  return {
    bus: o.bus,
    timeoutMs: c.REQUEST_TIMEOUT_MS,
    rooms: new RoomsReadModel(o.ddb, c.ROOMS_TABLE),
    recordings: new RecordingsReadModel(o.ddb, c.RECORDINGS_TABLE),
    media: new S3RecordingMedia({ region: c.AWS_REGION, forcePathStyle: c.S3_FORCE_PATH_STYLE }),
    ...(keys
      ? {
          tokens: new LiveKitJoinTokens(keys[0], keys[1]),
          webhooks: new LiveKitWebhookVerifier(keys[0], keys[1]),
        }
      : {}),
    livekitUrl: publicLiveKitUrl(c),
    tokenTtlSeconds: c.LIVEKIT_TOKEN_TTL,
    downloadUrlTtlSeconds: c.RECORDING_URL_TTL,
  };
}
