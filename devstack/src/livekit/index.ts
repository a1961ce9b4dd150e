// Local stand-in for livekit-server + egress (wire facts: docs/protocols/livekit.md).
//
//   const lk = await startLiveKitStandIn({ apiKey, apiSecret, webhookUrl });
//   new RoomServiceClient(lk.url, apiKey, apiSecret); new EgressClient(lk.url, apiKey, apiSecret);
//
// HTTP surface (server.ts):
//   POST /twirp/livekit.RoomService/{CreateRoom,ListRooms,DeleteRoom,ListParticipants,GetParticipant,
//        RemoveParticipant,UpdateRoomMetadata}           (rooms.ts)
//   POST /twirp/livekit.Egress/{StartRoomCompositeEgress,StopEgress,ListEgress}   (egress.ts)
//   GET  /                         -> "OK" (health, as livekit-server)
//   POST /_dev/join   {token}      -> {room, participant}   (what a client's /rtc connect would do)
//   POST /_dev/leave  {room, identity} -> {}
//   GET  /_dev/webhooks            -> {webhooks: SentWebhook[]}
//   POST /_dev/webhook-url {url}   -> {url}
//   GET|POST|DELETE /_dev/faults   (POST body = a Fault, see faults.ts)
export { startLiveKitStandIn } from './server';
export type { LiveKitStandIn, LiveKitStandInOptions } from './server';
export type { Fault, WebhookEventName } from './faults';
export type { SentWebhook, WebhookStatus } from './webhooks';
export { TwirpError } from './twirp';
export type { TwirpCode } from './twirp';
export { FIXTURE_PATH } from './egress';
