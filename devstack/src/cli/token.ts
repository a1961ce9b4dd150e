// npm run -s token -- --user alice --role streamer [--role moderator] [--ttl 2h]
// Prints a development bearer token the local gateway (npm start) accepts. When stdout is not a
// terminal (`TOKEN=$(npm run -s token)`), it prints the token alone; `-s` keeps npm's own banner
// out of the capture. `--help` lists the options.
import { DEV_JWT_SECRET, mintDevToken, ROLES } from '@onair/runtime';
import { type CliSpec, parseCli, usageError } from './args';

const spec = {
  usage: 'npm run -s token -- [options]',
  description:
    'Print a development bearer token the local gateway (npm start) accepts, signed with JWT_SECRET\n' +
    "(default: the development secret npm start gives the gateway). Piped or captured, it prints\nthe token alone; use `npm run -s` so npm's banner stays out of the capture.",
  options: {
    user: { type: 'string', default: 'dev-user', value: 'NAME', help: 'the user id (sub) and name' },
    role: {
      type: 'string',
      multiple: true,
      value: 'ROLE',
      help: `a role, repeat for several: ${ROLES.join(', ')}`,
      shownDefault: 'streamer',
    },
    ttl: { type: 'string', default: '12h', value: 'DURATION', help: 'lifetime, e.g. 30m, 2h, 7d' },
  },
  examples: [
    'export TOKEN=$(npm run -s token -- --user alice --role viewer)',
    'npm run -s token -- --user mod --role moderator --role streamer --ttl 2h',
  ],
} satisfies CliSpec<Record<string, import('./args').CliOption>>;

const values = parseCli(spec);
const roles = values.role?.length ? values.role : ['streamer'];
const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (bad.length > 0) usageError(spec, `unknown role ${bad.join(', ')}; use one of ${ROLES.join(', ')}`);
const user = values.user ?? 'dev-user';
const ttl = values.ttl ?? '12h';

mintDevToken({ user, roles, ttl, secret: process.env.JWT_SECRET ?? DEV_JWT_SECRET }).then(
  (token) => {
    if (process.stdout.isTTY)
      process.stdout.write(
        `Development token for ${user} (roles ${roles.join('+')}, valid ${ttl}):\n${token}\n`,
      );
    else process.stdout.write(`${token}\n`);
  },
  () => usageError(spec, `invalid --ttl '${ttl}': use a duration like 30m, 2h or 7d`),
);
