import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { AppError, publicMessage } from '../src/errors';
import { silentLogger } from '../src/logger';
import { BUS_REFUSED_MESSAGE, SqsBatchers } from '../src/bus/sqs/batchers';

// AWS refuses single entries of a batch call with its own words (which may name queues, accounts,
// limits). What a caller reads is ours; AWS's text stays in the error's cause, for the logs.
const AWS_TEXT = 'arn:aws:sqs:us-east-1:123456789012:secret-queue is over its limit';

function refusingClients() {
  const sqs = {
    send: async (cmd: { input: { Entries: Array<{ Id: string }> } }) => ({
      Successful: [],
      Failed: cmd.input.Entries.map((e) => ({
        Id: e.Id,
        Code: 'InvalidParameterValue',
        Message: AWS_TEXT,
        SenderFault: true,
      })),
    }),
  };
  const eventBridge = {
    send: async (cmd: { input: { Entries: unknown[] } }) => ({
      FailedEntryCount: cmd.input.Entries.length,
      Entries: cmd.input.Entries.map(() => ({ ErrorCode: 'ValidationException', ErrorMessage: AWS_TEXT })),
    }),
  };
  return new SqsBatchers(
    sqs as unknown as SQSClient,
    eventBridge as unknown as EventBridgeClient,
    silentLogger,
  );
}

async function failureOf(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

describe('SQS batch entries AWS refused', () => {
  it('fail with a 503 safe to show, AWS text only in the cause', async () => {
    const batchers = refusingClients();
    const sent = await failureOf(batchers.send('http://sqs.local/000000000000/q', '{}', {}));
    const put = await failureOf(batchers.putEvent('bus', { Detail: '{}', DetailType: 't', Source: 's' }));
    for (const [e, code, op] of [
      [sent, 'BUS_SEND_FAILED', 'SendMessage'],
      [put, 'BUS_PUBLISH_FAILED', 'PutEvents'],
    ] as const) {
      expect(e).toMatchObject({ code, status: 503, message: BUS_REFUSED_MESSAGE });
      expect(publicMessage(e)).toBe(BUS_REFUSED_MESSAGE);
      expect(publicMessage(e)).not.toContain('123456789012');
      expect((e.cause as Error).message).toContain(`${op} failed: `);
      expect((e.cause as Error).message).toContain(AWS_TEXT);
    }
    await batchers.drain();
  });
});
