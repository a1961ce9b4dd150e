import { ROUTE_POLICY, type RoutePolicy } from './policy';

const WHO: Record<RoutePolicy['who'], string> = {
  public: 'anyone (no token)',
  'signed-in': 'any signed-in user',
  creator: 'streamer, moderator, admin',
  admin: 'admin',
};

const OBJECT: Record<NonNullable<RoutePolicy['object']>, string> = {
  owner: "the resource's owner or an admin",
  moderator: "the room's owner, a moderator or an admin",
  recorder: "the room's owner, who started the recording, or an admin",
  publisher: 'publish: owner, streamers, moderators, admins; other identities: owner, admins',
  member: 'not banned from the room',
};

/** The role policy table as Markdown (docs/security.md embeds it; a test keeps the two equal). */
export function policyMarkdown(): string {
  const rows = Object.entries(ROUTE_POLICY).map(([route, p]) => {
    const [method, path] = route.split(' ');
    const limit = p.limit === 'token' ? 'tokens' : p.who === 'creator' && method === 'POST' ? 'creates' : '';
    return `| \`${method} ${path}\` | ${WHO[p.who]} | ${p.object ? OBJECT[p.object] : ''} | ${limit} | ${p.note ?? ''} |`;
  });
  return [
    '| route | who may call it | and on the resource itself | stricter limit | note |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
