import { type Bus, notImplemented } from '@onair/runtime';
import type { RecordingsReadModel } from '../read-models/recordings';
import type { RoomsReadModel } from '../read-models/rooms';
import type { MediaUrlSigner } from '../http/signed-media';
import type { RecordingMedia } from './recording-media';
import type { JoinTokens } from './tokens';
import type { WebhookVerifier } from './webhooks';

/** What the rooms / recordings / webhook / seed 001 / seed 004 routes need. */
export interface LiveKitApiDeps {
  bus: Bus;
  /** How long a route waits for the owning service's answer. */
  timeoutMs: number;
  rooms: RoomsReadModel;
  recordings: RecordingsReadModel;
  media: RecordingMedia;
  /** Absent without LIVEKIT_API_KEY / LIVEKIT_API_SECRET: token routes answer 501. */
  tokens?: JoinTokens;
  /** Absent without LIVEKIT_API_KEY / LIVEKIT_API_SECRET: the webhook route answers 501. */
  webhooks?: WebhookVerifier;
  /** The ws(s) URL clients connect to with their token. */
  livekitUrl?: string;
  tokenTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  /** Signs and checks media URLs for `<video src>`; absent: the media-url route answers 501. */
  mediaUrls?: MediaUrlSigner;
}

/** A part that needs configuration, or a 501 naming the settings that are missing. */
export function need<T>(
  part: T | undefined,
  settings = 'LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET',
): T {
  if (part === undefined) throw notImplemented(`LiveKit is not configured in the gateway: set ${settings}`);
  return part;
}
