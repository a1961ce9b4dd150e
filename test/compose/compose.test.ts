// Static checks of docker-compose.yml (Docker does not run in CI, so the stack is never started
// here): the file must be valid against the Compose Specification JSON schema, and must keep the
// wiring the onair services rely on.
//
// compose-spec.json (next to this file) is the Compose Specification schema (draft-07, as
// published by the compose-spec project, Apache-2.0), vendored verbatim from the npm package
// dclint@3.1.0, file schemas/compose.schema.json
// (sha256 46b7d35f19dd93a05f8fea530291bf84d881c1791ec167ecf0e6fb94e639d496). It is only a test
// fixture: no runtime or dev dependency on dclint. To refresh it:
//   npm pack dclint@<version> && tar xzf dclint-*.tgz package/schemas/compose.schema.json

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const vendored = JSON.parse(readFileSync(join(__dirname, 'compose-spec.json'), 'utf8'));

// The vendored file names its meta-schema as "https://json-schema.org/draft-07/schema", an alias
// ajv does not register; ajv's default export is draft-07 already, so drop the pointer.
const { $schema: _metaSchema, ...schema } = vendored;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

// `merge: true` resolves `<<:` merge keys the way Compose does.
const loadCompose = (text: string) => parse(text, { merge: true });

const ONAIR_SERVICES = {
  gateway: 8080,
  'stream-svc': 8081,
  'chat-svc': 8082,
  'recording-svc': 8083,
  'fanout-svc': 8084,
} as const;

type Service = {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> | string[] };
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: unknown[];
  restart?: string;
};
type Compose = { services: Record<string, Service> } & Record<string, unknown>;

const compose = loadCompose(composeText) as Compose;
const services = compose.services;

function envOf(s: Service): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(s.environment)) {
    for (const entry of s.environment) {
      const i = entry.indexOf('=');
      out[i < 0 ? entry : entry.slice(0, i)] = i < 0 ? '' : entry.slice(i + 1);
    }
  } else {
    for (const [k, v] of Object.entries(s.environment ?? {})) out[k] = v === null ? '' : String(v);
  }
  return out;
}

function dependsOn(s: Service): Record<string, string> {
  if (!s.depends_on) return {};
  if (Array.isArray(s.depends_on)) return Object.fromEntries(s.depends_on.map((d) => [d, 'service_started']));
  return Object.fromEntries(
    Object.entries(s.depends_on).map(([d, v]) => [d, v?.condition ?? 'service_started']),
  );
}

function schemaErrors(doc: unknown): string {
  return validate(doc) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}

describe('docker-compose.yml against the Compose Specification schema', () => {
  it('is valid', () => {
    expect(schemaErrors(compose)).toBe('');
  });

  it('has no `$` that Compose would interpolate from the host environment', () => {
    // Compose substitutes $VAR / ${VAR} in every value; a literal dollar must be written `$$`.
    expect(composeText.replace(/\$\$/g, '')).not.toContain('$');
  });

  it('has no obsolete top-level `version:` key', () => {
    expect(compose).not.toHaveProperty('version');
  });

  it('rejects an unknown service key (so this test can fail)', () => {
    const broken = loadCompose(composeText) as Compose;
    (broken.services.gateway as Record<string, unknown>).restart_policy_typo = 'always';
    expect(schemaErrors(broken)).toMatch(/additional properties/i);
  });

  it('rejects ports of the wrong type', () => {
    const broken = loadCompose(composeText) as Compose;
    (broken.services.gateway as Record<string, unknown>).ports = 8080;
    expect(schemaErrors(broken)).toMatch(/ports/);
  });

  it('rejects an unknown depends_on condition', () => {
    const broken = loadCompose(composeText) as Compose;
    broken.services.gateway.depends_on = { rabbitmq: { condition: 'service_ready' } };
    expect(schemaErrors(broken)).not.toBe('');
  });
});

describe('onair wiring', () => {
  it('defines exactly the five onair services plus the infrastructure', () => {
    expect(Object.keys(services).sort()).toEqual(
      [...Object.keys(ONAIR_SERVICES), 'rabbitmq', 'dynamodb', 'minio', 'minio-setup', 'livekit'].sort(),
    );
  });

  it('every depends_on target exists', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const target of Object.keys(dependsOn(s))) {
        expect({ service: name, dependsOn: target, exists: target in services }).toEqual({
          service: name,
          dependsOn: target,
          exists: true,
        });
      }
    }
  });

  it('every healthy / completed condition points at a service that can satisfy it', () => {
    for (const s of Object.values(services)) {
      for (const [target, condition] of Object.entries(dependsOn(s))) {
        if (condition === 'service_healthy') expect(services[target].healthcheck?.test).toBeDefined();
        if (condition === 'service_completed_successfully') expect(target).toBe('minio-setup');
      }
    }
  });

  // One-shot jobs run to completion once (others wait for service_completed_successfully); with
  // `unless-stopped` they would be started again after every successful exit.
  const ONE_SHOT = ['minio-setup'];

  it('every long-running service restarts unless stopped; one-shot jobs do not restart', () => {
    const policies = Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.restart]));
    const expected = Object.fromEntries(
      Object.keys(services).map((name) => [name, ONE_SHOT.includes(name) ? 'no' : 'unless-stopped']),
    );
    expect(policies).toEqual(expected);
  });

  it('rejects a restart policy of the wrong type (the schema checks the key, this file its value)', () => {
    const broken = loadCompose(composeText) as Compose;
    (broken.services.gateway as Record<string, unknown>).restart = 5;
    expect(schemaErrors(broken)).toMatch(/restart/);
  });

  it('pins every image to a version (no floating or latest tag)', () => {
    const images = Object.entries(services).filter(([, s]) => s.image);
    expect(images.length).toBeGreaterThan(0);
    for (const [name, s] of images) {
      const tag = /:([^:/]+)$/.exec(s.image ?? '')?.[1];
      expect({ name, tag }).toEqual({ name, tag: expect.stringMatching(/\d/) });
      expect(tag).not.toBe('latest');
    }
  });

  it('infrastructure that others wait on has a healthcheck', () => {
    expect(services.rabbitmq.healthcheck?.test).toEqual(['CMD', 'rabbitmq-diagnostics', '-q', 'ping']);
    expect(services.dynamodb.healthcheck?.test).toBeDefined();
    expect(services.minio.healthcheck?.test).toBeDefined();
  });

  describe.each(Object.entries(ONAIR_SERVICES))('%s', (name, port) => {
    const s = services[name];

    it('builds from the one Dockerfile with its SERVICE arg', () => {
      expect(s.image).toBeUndefined();
      expect(s.build?.context).toBe('.');
      expect(s.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(s.build?.args).toEqual({ SERVICE: name });
    });

    it('has a healthcheck on /healthz', () => {
      expect(s.healthcheck?.disable).not.toBe(true);
      expect(JSON.stringify(s.healthcheck?.test)).toContain('/healthz');
    });

    it('waits for RabbitMQ and DynamoDB to be healthy', () => {
      expect(dependsOn(s)).toMatchObject({ rabbitmq: 'service_healthy', dynamodb: 'service_healthy' });
    });

    it('sets the shared environment, its PORT and HOST', () => {
      const env = envOf(s);
      expect(env).toMatchObject({
        AMQP_URL: 'amqp://guest:guest@rabbitmq:5672',
        BUS_NAMESPACE: 'onair',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://dynamodb:8000',
        LOG_LEVEL: 'info',
        PORT: String(port),
        HOST: '0.0.0.0',
      });
      expect(env.AWS_ACCESS_KEY_ID).toBeTruthy();
      expect(env.AWS_SECRET_ACCESS_KEY).toBeTruthy();
      expect(env).not.toHaveProperty(['<<']);
    });
  });

  it('gateway: publishes 8080 and gets JWT, LiveKit (browser URL), S3 and CORS settings', () => {
    const env = envOf(services.gateway);
    expect(services.gateway.ports).toContain('8080:8080');
    expect(env.JWT_SECRET).toBeTruthy();
    expect(env).toMatchObject({
      LIVEKIT_URL: 'ws://localhost:7880',
      LIVEKIT_API_KEY: 'devkey',
      LIVEKIT_API_SECRET: 'secret',
      AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      S3_BUCKET: 'onair-recordings',
      S3_FORCE_PATH_STYLE: 'true',
      CORS_ORIGINS: '*',
    });
    // Only the gateway is reachable from the host.
    for (const name of Object.keys(ONAIR_SERVICES).filter((n) => n !== 'gateway')) {
      expect(services[name].ports).toBeUndefined();
    }
  });

  it('stream-svc and chat-svc default to native chat; IVS endpoints stay unset (real AWS)', () => {
    for (const name of ['stream-svc', 'chat-svc']) {
      const env = envOf(services[name]);
      expect(env.CHAT_DEFAULT_PROVIDER).toBe('native');
      expect(env).not.toHaveProperty('AWS_ENDPOINT_URL_IVS');
      expect(env).not.toHaveProperty('AWS_ENDPOINT_URL_IVSCHAT');
    }
    expect(envOf(services['stream-svc'])).toMatchObject({
      LIVEKIT_URL: 'http://livekit:7880',
      LIVEKIT_API_KEY: 'devkey',
      LIVEKIT_API_SECRET: 'secret',
    });
  });

  it('recording-svc: LiveKit inside the network, MinIO bucket and credentials', () => {
    expect(envOf(services['recording-svc'])).toMatchObject({
      LIVEKIT_URL: 'http://livekit:7880',
      LIVEKIT_API_KEY: 'devkey',
      LIVEKIT_API_SECRET: 'secret',
      AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      S3_BUCKET: 'onair-recordings',
      S3_FORCE_PATH_STYLE: 'true',
      RECORDINGS_PATH: 'recordings/',
      AWS_ACCESS_KEY_ID: 'minioadmin',
      AWS_SECRET_ACCESS_KEY: 'minioadmin',
    });
    expect(dependsOn(services['recording-svc'])['minio-setup']).toBe('service_completed_successfully');
    expect(dependsOn(services.gateway)['minio-setup']).toBe('service_completed_successfully');
  });

  it('minio-setup creates the onair-recordings bucket', () => {
    expect(services['minio-setup'].image).toMatch(/^minio\/mc:/);
    expect(JSON.stringify(services['minio-setup'])).toContain('local/onair-recordings');
  });

  it('livekit runs in dev mode and sends webhooks to the gateway, signed with devkey', () => {
    const lk = services.livekit as Service & { command?: string[] };
    expect(lk.command).toEqual(['--dev', '--bind', '0.0.0.0']);
    const config = parse(envOf(lk).LIVEKIT_CONFIG);
    expect(config.webhook).toEqual({ api_key: 'devkey', urls: ['http://gateway:8080/v1/webhooks/livekit'] });
    expect(config.keys).toEqual({ devkey: 'secret' });
  });
});

describe('Dockerfile', () => {
  const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);

  it('pins its base image to an exact Node 24 version in every stage', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^node:24\.\d+\.\d+-slim$/);
  });

  it('compiles in a build stage and ships production dependencies only', () => {
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/src\/dist \.\/dist$/m);
    // The runtime stage copies node_modules from the production-only stage, not the build stage.
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^COPY --from=deps \/app\/node_modules \.\/node_modules$/m);
    expect(runtime).not.toMatch(/COPY --from=build \/src\/node_modules/);
    expect(runtime).not.toMatch(/^COPY \. /m);
  });

  it('runs node on the compiled entry directly (no npx, no tsx), as the node user', () => {
    const cmd = dockerfile.match(/^CMD .*$/m)?.[0] ?? '';
    expect(cmd).toMatch(/exec node\b.*dist\/\$\{SERVICE\}\/main\.js/);
    expect(cmd).not.toMatch(/npx|tsx/);
    expect(dockerfile).toMatch(/^ARG SERVICE\b/m);
    expect(dockerfile).toMatch(/^ENV SERVICE=\$\{SERVICE\}/m);
    expect(dockerfile).toMatch(/^USER node\s*$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK\b[\s\S]*\/healthz/m);
  });

  it('installs dependencies before ARG SERVICE, so the five images share the npm ci layers', () => {
    const npmCi = dockerfile.search(/^RUN npm ci\b/m);
    const argService = dockerfile.search(/^ARG SERVICE\b/m);
    expect(npmCi).toBeGreaterThan(0);
    expect(npmCi).toBeLessThan(argService);
  });

  it('accepts exactly the five service names', () => {
    for (const name of Object.keys(ONAIR_SERVICES)) expect(dockerfile).toContain(name);
  });
});
