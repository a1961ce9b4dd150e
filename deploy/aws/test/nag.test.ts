// cdk-nag's AwsSolutions pack over the whole stack: no finding may stay open, and every
// acknowledgement carries its reason in code. Two synthesized variants: the defaults (SQS +
// EventBridge bus, no domain) and an existing RabbitMQ (Amazon MQ) as the bus.
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgements } from '../src/nag';
import { nagFindings } from '../src/app';
import { propsOf, resourcesOf, type Synthesized, synthesize } from './synth';

let defaults: Synthesized;
let rabbit: Synthesized;
beforeAll(() => {
  defaults = synthesize();
  rabbit = synthesize({ rabbitmqUrlSecret: 'onair/amqp-url', redisUrlSecret: 'onair/redis-url' });
}, 180_000);
afterAll(() => {
  defaults?.cleanup();
  rabbit?.cleanup();
});

describe('cdk-nag AwsSolutions', () => {
  it('has no open finding with the default settings', () => {
    expect(nagFindings(defaults.stack)).toEqual([]);
  });

  it('has no open finding with RabbitMQ as the bus', () => {
    expect(nagFindings(rabbit.stack)).toEqual([]);
  });

  it('acknowledges each finding with a reason, on a named construct', () => {
    expect(acknowledgements.length).toBeGreaterThan(10);
    for (const a of acknowledgements) {
      expect(a.id).toMatch(/^AwsSolutions-[A-Z0-9]+(\[.+\])?$/);
      expect({ id: a.id, long: a.reason.trim().length > 30 }).toEqual({ id: a.id, long: true });
      expect(a.path).toMatch(/^onair\//);
    }
  });

  it('reports a finding nobody acknowledged (the check is live)', () => {
    const stack = new Stack(new App(), 'Probe');
    new s3.Bucket(stack, 'Plain');
    expect(nagFindings(stack).join('\n')).toMatch(/AwsSolutions-S1|AwsSolutions-S10/);
  });
});

describe('RabbitMQ as the bus', () => {
  it('creates no bus queues, event bus or bus rules: only the IVS event queues', () => {
    const queues = resourcesOf(rabbit, 'AWS::SQS::Queue').map(([, q]) => String(q.Properties?.QueueName));
    expect(queues.sort()).toEqual([
      'onair-ivs-events',
      'onair-ivs-events-dlq',
      'onair-ivs-recording-events',
      'onair-ivs-recording-events-dlq',
    ]);
    expect(resourcesOf(rabbit, 'AWS::Events::EventBus')).toHaveLength(0);
  });

  it('gives every service AMQP_URL (and gateway and chat-svc REDIS_URL) as secrets, no EventBridge rights', () => {
    for (const [, td] of resourcesOf(rabbit, 'AWS::ECS::TaskDefinition')) {
      const c = (
        propsOf(td).ContainerDefinitions as Array<{
          Name: string;
          Secrets: Array<{ Name: string }>;
        }>
      )[0];
      const names = c.Secrets.map((x) => x.Name);
      expect(names).toContain('AMQP_URL');
      expect(names.includes('REDIS_URL')).toBe(c.Name === 'gateway' || c.Name === 'chat-svc');
    }
    const policies = JSON.stringify(resourcesOf(rabbit, 'AWS::IAM::Policy'));
    expect(policies).not.toContain('events:');
    expect(policies).not.toContain('sqs:CreateQueue');
  });

  it('without a certificate, serves HTTP on 80 and HS256 tokens from a generated secret', () => {
    rabbit.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
    });
    const gw = resourcesOf(rabbit, 'AWS::ECS::TaskDefinition')
      .map(
        ([, td]) =>
          (
            propsOf(td).ContainerDefinitions as Array<{
              Name: string;
              Secrets: Array<{ Name: string }>;
            }>
          )[0],
      )
      .find((c) => c.Name === 'gateway');
    expect(gw?.Secrets.map((x) => x.Name)).toContain('JWT_SECRET');
  });
});
