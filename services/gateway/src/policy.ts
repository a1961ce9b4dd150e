import { forbidden } from '@onair/runtime';
import type { Principal, RoleName } from './auth';

/**
 * The role policy: who may call each route, in one table. docs/security.md renders it, the
 * gateway refuses to start with a route that is not in it, and the generated auth matrix test
 * checks every route of /openapi.json against it.
 *
 * `who` is enforced by the gateway before the handler runs (function-level authorization):
 *   - public:    anyone, no token (health, docs, the signed LiveKit webhook)
 *   - signed-in: any valid token (every role)
 *   - creator:   streamer, moderator or admin (viewers only watch, read and chat)
 *   - admin:     admin only
 * `object` names the check the handler (or the owning service) makes on the resource itself
 * (object-level authorization), with the status a caller who fails it gets:
 *   - owner:      the resource's owner or an admin (403)
 *   - moderator:  the room's owner, a moderator or an admin (403)
 *   - recorder:   the room's owner, who started the recording, or an admin (403)
 *   - publisher:  publish grants only for the room's owner, streamers, moderators and admins;
 *                 another identity than one's own only for the owner and admins (403)
 *   - member:     not banned from the room (403)
 */
export type Who = 'public' | 'signed-in' | 'creator' | 'admin';
export type ObjectRule = 'owner' | 'moderator' | 'recorder' | 'publisher' | 'member';

export interface RoutePolicy {
  who: Who;
  object?: ObjectRule;
  /** Optional words for docs/security.md. */
  note?: string;
  /** The stricter per-user rate limit this route counts against (creates count as `creator`). */
  limit?: 'token';
}

/** Roles that may create streams, rooms, chat rooms and recordings. */
export const CREATOR_ROLES: readonly RoleName[] = ['streamer', 'moderator', 'admin'];

/** Keys are `METHOD /path` with Fastify's `:param` syntax, as the routes are declared. */
export const ROUTE_POLICY: Record<string, RoutePolicy> = {
  'GET /healthz': { who: 'public' },
  'GET /readyz': { who: 'public' },
  'GET /metrics': { who: 'public', note: 'bind the port privately in production' },
  'GET /openapi.json': { who: 'public' },
  'GET /asyncapi.json': { who: 'public' },
  'GET /console': {
    who: 'public',
    note: 'the web console (static files; it calls the API with its own token)',
  },
  'GET /console/*': { who: 'public', note: 'the web console (static files)' },
  'POST /v1/dev/tokens': {
    who: 'public',
    note: 'development only (DEV_ROUTES=true with the local JWT_SECRET): any user, any roles',
  },
  'POST /v1/dev/streams/:streamId/broadcast': {
    who: 'signed-in',
    object: 'owner',
    note: 'development only: a simulated encoder on the IVS stand-in',
  },
  'GET /v1/system/ping/:service': { who: 'signed-in' },
  'POST /v1/webhooks/livekit': { who: 'public', note: 'signed by LiveKit: JWT with the body hash' },

  // streams (IVS), each with a chat room
  'POST /v1/streams': { who: 'creator' },
  'GET /v1/streams': {
    who: 'signed-in',
    note: "the caller's streams, or `?owner=` another user's (never their keys)",
  },
  'GET /v1/streams/:streamId': {
    who: 'signed-in',
    note: 'ingest endpoint and stream key: owner and admins only',
  },
  'PATCH /v1/streams/:streamId': { who: 'signed-in', object: 'owner' },
  'DELETE /v1/streams/:streamId': { who: 'signed-in', object: 'owner' },
  'POST /v1/streams/:streamId/stop': { who: 'signed-in', object: 'owner' },
  'POST /stream': { who: 'creator', note: 'seed 000' },
  'GET /stream/:streamId': { who: 'signed-in', note: 'seed 000; stream key: owner and admins only' },
  'DELETE /stream/:streamId': { who: 'signed-in', object: 'owner', note: 'seed 000' },
  'POST /stream/:streamId/stop': { who: 'signed-in', object: 'owner', note: 'seed 000' },

  // chat rooms (IVS Chat or native) and their moderation
  'POST /v1/chat/rooms': { who: 'creator', note: 'moderation.reviewWebhookUrl: see "Review webhook URLs"' },
  'GET /v1/chat/rooms': { who: 'signed-in', note: "the caller's own rooms" },
  'GET /v1/chat/rooms/:roomId': { who: 'signed-in' },
  'PATCH /v1/chat/rooms/:roomId': { who: 'signed-in', object: 'owner' },
  'DELETE /v1/chat/rooms/:roomId': { who: 'signed-in', object: 'owner' },
  'POST /v1/chat/rooms/:roomId/tokens': {
    limit: 'token',
    who: 'signed-in',
    object: 'member',
    note: 'capabilities follow the role: viewers read, others send, moderators moderate',
  },
  'GET /v1/chat/rooms/:roomId/messages': { who: 'signed-in', object: 'member' },
  'DELETE /v1/chat/rooms/:roomId/messages/:messageId': { who: 'signed-in', object: 'moderator' },
  'POST /v1/chat/rooms/:roomId/disconnections': { who: 'signed-in', object: 'moderator' },
  'POST /v1/chat/rooms/:roomId/events': { who: 'signed-in', object: 'moderator' },
  'POST /v1/chat/rooms/:roomId/bans': { who: 'signed-in', object: 'moderator' },
  'DELETE /v1/chat/rooms/:roomId/bans/:userId': { who: 'signed-in', object: 'moderator' },
  'POST /api/chat/token': { limit: 'token', who: 'signed-in', object: 'member', note: 'seed 002' },

  // LiveKit rooms and join tokens
  'POST /v1/rooms': { who: 'creator' },
  'GET /v1/rooms': { who: 'signed-in' },
  'GET /v1/rooms/:roomId': { who: 'signed-in' },
  'GET /v1/rooms/:roomId/participants': { who: 'signed-in' },
  'DELETE /v1/rooms/:roomId': { who: 'signed-in', object: 'owner' },
  'POST /v1/rooms/:roomId/tokens': { limit: 'token', who: 'signed-in', object: 'publisher' },
  'GET /api/health': { who: 'public', note: 'seed 004' },
  'POST /api/room/create': { who: 'creator', note: 'seed 004' },
  'POST /api/room/join': {
    limit: 'token',
    who: 'signed-in',
    object: 'publisher',
    note: 'seed 004; identity = the caller (admins: the name field)',
  },
  'POST /api/token': {
    limit: 'token',
    who: 'signed-in',
    object: 'publisher',
    note: 'seed 004; identity = the caller (admins: the name field)',
  },
  'GET /api/room/:roomId': { who: 'signed-in', note: 'seed 004' },
  'GET /api/rooms': { who: 'signed-in', note: 'seed 004' },
  'POST /token': {
    limit: 'token',
    who: 'signed-in',
    object: 'publisher',
    note: 'seed 001; identity = the caller (admins: the name field)',
  },

  // operations: the bus's dead letters (also `npm run dlq`)
  'GET /v1/admin/dead-letters': { who: 'admin' },
  'GET /v1/admin/dead-letters/:id': { who: 'admin' },
  'POST /v1/admin/dead-letters/:id/replay': { who: 'admin', note: 'to its source queue, attempts from 1' },
  'POST /v1/admin/dead-letters/replay': { who: 'admin', note: 'every dead letter, or those of `queue`' },
  'DELETE /v1/admin/dead-letters': { who: 'admin', note: '`?queue=`: one queue at a time' },

  // recordings (LiveKit egress and IVS auto-record)
  'POST /v1/recordings': { who: 'creator', object: 'publisher', note: 'who may publish in the room' },
  'GET /v1/recordings': { who: 'signed-in' },
  'GET /v1/recordings/:recordingId': { who: 'signed-in' },
  'DELETE /v1/recordings/:recordingId': { who: 'signed-in', object: 'recorder' },
  'POST /v1/recordings/:recordingId/stop': { who: 'signed-in', object: 'recorder' },
  'GET /v1/recordings/:recordingId/media': { who: 'signed-in', note: 'or a signed URL from media-url' },
  'HEAD /v1/recordings/:recordingId/media': { who: 'signed-in', note: 'or a signed URL from media-url' },
  'GET /v1/recordings/:recordingId/media-url': {
    who: 'signed-in',
    note: 'signed URLs of both media routes, for `<video src>`',
  },
  'GET /v1/recordings/:recordingId/download-url': { who: 'signed-in' },
  'POST /recordings/start': { who: 'creator', object: 'publisher', note: 'seed 001' },
  'POST /recordings/stop': { who: 'signed-in', object: 'recorder', note: 'seed 001' },
  'GET /recordings': { who: 'signed-in', note: 'seed 001' },
  'GET /recordings/:recordingName': { who: 'signed-in', note: 'seed 001; or a signed URL from media-url' },
  'HEAD /recordings/:recordingName': { who: 'signed-in', note: 'seed 001; or a signed URL from media-url' },
  'DELETE /recordings/:recordingName': { who: 'signed-in', object: 'recorder', note: 'seed 001' },
};

/** The policy of a route, by method and declared URL; undefined when the table lacks it. */
export function policyOf(method: string, url: string): RoutePolicy | undefined {
  return ROUTE_POLICY[`${method} ${url}`];
}

/** Whether a principal passes a route's `who` rule (public and signed-in always do once signed in). */
export function allows(who: Who, p: Principal): boolean {
  if (who === 'public' || who === 'signed-in') return true;
  if (who === 'admin') return p.roles.includes('admin');
  return p.roles.some((r) => CREATOR_ROLES.includes(r));
}

/** The 403 for a caller whose roles do not pass a route's `who` rule. */
export function refuseRole(who: Who): Error {
  return forbidden(
    who === 'admin'
      ? 'Only admins may do this'
      : `Only ${CREATOR_ROLES.join(', ')} roles may create this; your token has none of them`,
  );
}
