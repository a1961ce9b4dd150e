// Sign in: paste a JWT (any deployment), or, when the gateway has the development routes
// (npm start), pick a user and roles and get a token from POST /v1/dev/tokens.
import { createOnairClient, ok } from '@onair/client';
import type { Page } from '../main';
import { claimsOf, defaultApiUrl, devRoutesOn, session, signIn } from '../session';
import { action, errorSlot, field, h } from '../ui';

const ROLES = ['viewer', 'streamer', 'moderator', 'admin'] as const;

export const signInPage: Page = (main) => {
  const apiUrl = h('input', {
    type: 'url',
    name: 'api',
    required: true,
    value: session()?.apiUrl ?? defaultApiUrl(),
    autocomplete: 'url',
  });
  const errors = errorSlot();

  // Paste a token.
  const token = h('textarea', { name: 'token', rows: 4, spellcheck: 'false', autocomplete: 'off' });
  const useToken = h('button', { type: 'button' }, 'Sign in with this token');
  action(useToken, errors, async () => {
    const raw = token.value.trim();
    if (!raw) throw new Error('Paste a bearer token (a JWT) first');
    const claims = claimsOf(raw);
    const base = apiUrl.value.replace(/\/+$/, '');
    // The gateway decides: a token it refuses is a 401 with the reason.
    await ok(
      createOnairClient({ baseUrl: base, token: raw }).GET('/v1/streams', {
        params: { query: { limit: 1 } },
      }),
    );
    signIn({ apiUrl: base, token: raw, userId: claims.sub ?? '(no sub)', roles: claims.roles });
    location.hash = '#/streams';
  });

  // Development sign-in.
  const dev = h('section', { 'aria-labelledby': 'dev-h', hidden: true });
  const user = h('input', { name: 'user', value: 'dev-user', required: true, autocomplete: 'username' });
  const roleBoxes = ROLES.map((r) =>
    h('input', {
      type: 'checkbox',
      name: 'roles',
      value: r,
      id: `role-${r}`,
      checked: r === 'streamer' || r === 'moderator',
    }),
  );
  const getToken = h('button', { type: 'button', class: 'primary' }, 'Sign in as this user');
  action(getToken, errors, async () => {
    const roles = roleBoxes.filter((b) => b.checked).map((b) => b.value);
    if (roles.length === 0) throw new Error('Pick at least one role');
    const base = apiUrl.value.replace(/\/+$/, '');
    const anonymous = createOnairClient({ baseUrl: base });
    const t = await ok(
      anonymous.POST('/v1/dev/tokens', {
        body: {
          userId: user.value.trim(),
          roles: roles.filter((r): r is (typeof ROLES)[number] => ROLES.some((x) => x === r)),
        },
      }),
    );
    signIn({ apiUrl: base, token: t.token, userId: t.userId, roles: t.roles, ivsChatUrl: t.ivsChatUrl });
    location.hash = '#/streams';
  });
  dev.append(
    h('h2', { id: 'dev-h' }, 'Development sign-in'),
    h('p', {}, 'This gateway runs with the local development secret: pick any user and roles.'),
    field('User id', user),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Roles'),
      ...roleBoxes.map((b) => h('label', { class: 'check', for: b.id }, b, ` ${b.value}`)),
    ),
    getToken,
  );

  const checkDev = async () => {
    dev.hidden = !(await devRoutesOn(apiUrl.value));
  };
  apiUrl.addEventListener('change', () => void checkDev());
  void checkDev();

  main.append(
    h('h1', {}, 'Sign in'),
    errors.el,
    h(
      'section',
      { 'aria-labelledby': 'api-h' },
      h('h2', { id: 'api-h' }, 'Gateway'),
      field('API URL', apiUrl, 'The onair gateway this console talks to'),
    ),
    dev,
    h(
      'section',
      { 'aria-labelledby': 'jwt-h' },
      h('h2', { id: 'jwt-h' }, 'Paste a token'),
      field(
        'Bearer token (JWT)',
        token,
        'From your identity provider (e.g. Cognito), or `npm run -s token` locally',
      ),
      useToken,
    ),
  );
  return undefined;
};
