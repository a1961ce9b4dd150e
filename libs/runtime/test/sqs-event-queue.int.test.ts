import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { silentLogger } from '../src/logger';
import { SqsEventQueue } from '../src/sqs-event-queue';
import { type SqsHarness, sqsHarness } from './sqs-harness';
import { waitFor } from './wait-for';

// The loop that reads provider events (IVS state changes) from the SQS queue an EventBridge rule
// targets, here with fauxqs and the EventBridge stand-in: text in any script reaches the handler
// exactly as it was published.
jest.setTimeout(30_000);

let h: SqsHarness;
beforeAll(async () => {
  h = await sqsHarness();
});
afterAll(async () => {
  await h?.cleanup();
});

const TEXT =
  'hi 😀 👩‍👩‍👧 | 안녕하세요 你好 | שלום مرحبا | a\u200bb\u200dc\ufeffd | tab\tnl\n\u0001 | \u0085\ufffd\ufffe\uffff\u{10ffff}';

it('hands every body to the handler unchanged, whatever Unicode it holds', async () => {
  const { sqs, eventBridge } = h.clients();
  const name = `${h.namespace}-ivs-events`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const queueUrl = QueueUrl as string;
  const attrs = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const rule = `${h.namespace}-ivs`;
  await eventBridge.send(
    new PutRuleCommand({ Name: rule, EventPattern: '{"source":["onair.unicode-test"]}' }),
  );
  await eventBridge.send(
    new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'q', Arn: attrs.Attributes?.QueueArn as string }] }),
  );

  const bodies: string[] = [];
  const queue = new SqsEventQueue({
    client: sqs,
    queueUrl,
    waitSeconds: 1,
    logger: silentLogger,
    handle: async (body) => {
      bodies.push(body);
      return 'done';
    },
  });
  queue.start();
  try {
    const detail = { channel_name: TEXT, [TEXT]: [TEXT], lone: '\ud800 \udfff' };
    const put = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'onair.unicode-test',
            DetailType: 'IVS Stream State Change',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    // Straight into the queue too (a body SQS accepts as it is, C1 controls and all).
    const raw = 'not JSON: 안녕 \u0085\u009f\ufffd שלום';
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: raw }));

    await waitFor(() => bodies.length === 2, { what: 'both messages' });
    const event = bodies.map((b) => {
      try {
        return JSON.parse(b) as { detail?: unknown };
      } catch {
        return undefined;
      }
    });
    expect(event.find((e) => e?.detail)?.detail).toEqual(detail);
    expect(bodies).toContain(raw);
  } finally {
    await queue.stop();
  }
});
