// npm run token -- --user alice --role streamer [--role moderator] [--ttl 2h]
// Prints a development bearer token the local gateway (npm start) accepts.
import { parseArgs } from 'node:util';
import { mintDevToken, ROLES } from '../dev-auth';

const { values } = parseArgs({
  options: {
    user: { type: 'string', default: 'dev-user' },
    role: { type: 'string', multiple: true },
    ttl: { type: 'string', default: '12h' },
  },
});
const roles = values.role?.length ? values.role : ['streamer'];
const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (bad.length > 0) {
  process.stderr.write(`unknown role ${bad.join(', ')}; use one of ${ROLES.join(', ')}\n`);
  process.exit(2);
}
void mintDevToken({ user: values.user as string, roles, ttl: values.ttl }).then((t) =>
  process.stdout.write(`${t}\n`),
);
