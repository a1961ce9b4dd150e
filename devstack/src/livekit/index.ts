// Local stand-in for livekit-server + egress: see server.ts for the HTTP surface.
export { startLiveKitStandIn } from './server';
export type { LiveKitStandIn, LiveKitStandInOptions } from './server';
export type { Fault, WebhookEventName } from './faults';
export type { SentWebhook, WebhookStatus } from './webhooks';
export { TwirpError } from './twirp';
export type { TwirpCode } from './twirp';
export { FIXTURE_PATH } from './egress';
