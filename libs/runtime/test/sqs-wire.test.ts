import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { contracts, makeEnvelope } from '@onair/contracts';
import { SqsBus } from '../src/bus';

// What the SQS transport really puts on the wire, on fake clients: every body and every Detail
// holds only characters SQS accepts, and batches are cut on the size of those escaped bodies
// (an emoji takes 4 bytes raw but 12 escaped).
const SQS_ALLOWED = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/;
const MAX_BATCH_BYTES = 256 * 1024;

type Call = { name: string; input: Record<string, unknown> };

function fakeClients() {
  const calls: Call[] = [];
  const sqs = {
    send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = cmd.constructor.name;
      calls.push({ name, input: cmd.input });
      if (name === 'CreateQueueCommand')
        return { QueueUrl: `http://sqs.local/000000000000/${cmd.input.QueueName}` };
      if (name === 'SendMessageBatchCommand')
        return {
          Successful: (cmd.input.Entries as Array<{ Id: string }>).map((e) => ({ Id: e.Id })),
          Failed: [],
        };
      return {};
    },
  };
  const eventBridge = {
    send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = cmd.constructor.name;
      calls.push({ name, input: cmd.input });
      if (name === 'PutEventsCommand')
        return {
          FailedEntryCount: 0,
          Entries: (cmd.input.Entries as unknown[]).map((_e, i) => ({ EventId: `ev-${i}` })),
        };
      return {};
    },
  };
  return {
    calls,
    clients: { sqs: sqs as unknown as SQSClient, eventBridge: eventBridge as unknown as EventBridgeClient },
  };
}

const emoji = (n: number) => '😀'.repeat(n);

describe('sqs transport on the wire', () => {
  it('sends wire-safe bodies, in batches cut on the bytes really sent', async () => {
    const { calls, clients } = fakeClients();
    const bus = new SqsBus(clients, {
      namespace: 'wire',
      service: 'test',
      registry: contracts,
      region: 'us-east-1',
      accountId: '000000000000',
    });
    // 8,000 emoji: 32 KB raw (8 would share one 256 KiB batch), 96 KB escaped (2 per batch).
    const cmds = Array.from({ length: 8 }, () =>
      makeEnvelope({
        type: 'onair.system.ping.v1',
        source: 'test',
        data: { service: emoji(8000), sentAt: new Date().toISOString() },
      }),
    );
    await Promise.all(cmds.map((c) => bus.send(c, { to: 'target' })));
    const events = Array.from({ length: 8 }, (_, i) =>
      makeEnvelope({
        type: 'onair.stream.state-changed.v1',
        source: 'test',
        subject: emoji(8000),
        data: { streamId: `st_${i}`, status: 'live', at: new Date().toISOString() },
      }),
    );
    await Promise.all(events.map((e) => bus.publish(e)));
    await bus.close();

    const batches = calls.filter((c) => c.name === 'SendMessageBatchCommand');
    const bodies = batches.flatMap((b) =>
      (b.input.Entries as Array<{ MessageBody: string }>).map((e) => e.MessageBody),
    );
    expect(bodies).toHaveLength(8);
    for (const b of batches) {
      const entries = b.input.Entries as Array<{ MessageBody: string }>;
      const bytes = entries.reduce((n, e) => n + Buffer.byteLength(e.MessageBody), 0);
      expect(bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(batches.length).toBeGreaterThanOrEqual(4);
    for (const body of bodies) {
      expect(body).toMatch(SQS_ALLOWED);
      expect(body).not.toContain('😀');
    }
    expect(bodies.map((b) => JSON.parse(b)).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [...cmds].sort((a, b) => a.id.localeCompare(b.id)),
    );

    const puts = calls.filter((c) => c.name === 'PutEventsCommand');
    const details = puts.flatMap((p) => (p.input.Entries as Array<{ Detail: string }>).map((e) => e.Detail));
    expect(details).toHaveLength(8);
    for (const p of puts) {
      const entries = p.input.Entries as Array<{ Detail: string }>;
      expect(entries.reduce((n, e) => n + Buffer.byteLength(e.Detail), 0)).toBeLessThanOrEqual(
        MAX_BATCH_BYTES,
      );
    }
    expect(puts.length).toBeGreaterThanOrEqual(4);
    for (const d of details) expect(d).toMatch(SQS_ALLOWED);
    expect(details.map((d) => JSON.parse(d).subject)).toEqual(events.map(() => emoji(8000)));
  });
});
