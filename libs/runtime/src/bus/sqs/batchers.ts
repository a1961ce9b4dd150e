import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { Batcher, type EntryResult } from '../../batcher';
import { isTransient } from './aws-errors';
import { MAX_BATCH_BYTES, PUBLISH_TIMEOUT_MS } from './names';

/**
 * The three batch calls of the SQS transport: SendMessageBatch (commands, replies, dead letters),
 * PutEvents (events) and DeleteMessageBatch (acks), each entry settling with its own outcome.
 */
export class SqsBatchers {
  private readonly sends: Batcher<SendMessageBatchRequestEntry>;
  private readonly events: Batcher<PutEventsRequestEntry>;
  private readonly deletes: Batcher<string>;

  constructor(
    private readonly sqs: SQSClient,
    private readonly eb: EventBridgeClient,
    log: Logger,
  ) {
    const common = {
      maxBytes: MAX_BATCH_BYTES,
      retryForMs: PUBLISH_TIMEOUT_MS,
      isRetryable: isTransient,
      // The error itself, so the log shows its cause too (AWS's own words, see entryRefused).
      onRetry: (key: string, tries: number, err: Error) =>
        log.debug({ key, tries, err }, 'batch entry failed; retrying'),
    };
    this.sends = new Batcher<SendMessageBatchRequestEntry>({
      ...common,
      sizeOf: (e) => Buffer.byteLength(e.MessageBody ?? '') + attributesSize(e.MessageAttributes),
      flush: (queueUrl, entries) => this.sendBatch(queueUrl, entries),
    });
    this.events = new Batcher<PutEventsRequestEntry>({
      ...common,
      sizeOf: (e) =>
        Buffer.byteLength(e.Detail ?? '') +
        Buffer.byteLength(e.DetailType ?? '') +
        Buffer.byteLength(e.Source ?? ''),
      flush: (_bus, entries) => this.putEvents(entries),
    });
    this.deletes = new Batcher<string>({
      ...common,
      flush: (queueUrl, handles) => this.deleteBatch(queueUrl, handles),
    });
  }

  /** Send one message to a queue; it shares a batch call with others to that queue. */
  send(
    queueUrl: string,
    body: string,
    attrs: Record<string, MessageAttributeValue>,
    retryForMs?: number,
  ): Promise<void> {
    return this.sends.add(queueUrl, { Id: '', MessageBody: body, MessageAttributes: attrs }, retryForMs);
  }

  /** Put one event on an event bus, batched with the others to that bus. */
  putEvent(eventBusName: string, entry: PutEventsRequestEntry, retryForMs?: number): Promise<void> {
    return this.events.add(eventBusName, entry, retryForMs);
  }

  /** Delete a received message (batched with the other acks of the same queue). */
  delete(queueUrl: string, receiptHandle: string): Promise<void> {
    return this.deletes.add(queueUrl, receiptHandle);
  }

  drain(): Promise<unknown> {
    return Promise.all([this.sends.drain(), this.events.drain(), this.deletes.drain()]);
  }

  private async sendBatch(
    queueUrl: string,
    entries: SendMessageBatchRequestEntry[],
  ): Promise<Array<EntryResult<void>>> {
    const r = await this.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map((e, i) => ({ ...e, Id: String(i) })),
      }),
    );
    const failed = new Map((r.Failed ?? []).map((f) => [f.Id, f]));
    return entries.map((_e, i) => {
      const f = failed.get(String(i));
      if (!f) return { ok: true, value: undefined };
      return {
        ok: false,
        error: entryRefused('BUS_SEND_FAILED', `SendMessage failed: ${f.Code}: ${f.Message ?? ''}`),
        retryable: !f.SenderFault,
      };
    });
  }

  private async putEvents(entries: PutEventsRequestEntry[]): Promise<Array<EntryResult<void>>> {
    const r = await this.eb.send(new PutEventsCommand({ Entries: entries }));
    return entries.map((_e, i) => {
      const res = r.Entries?.[i];
      if (res?.EventId && !res.ErrorCode) return { ok: true, value: undefined };
      const code = res?.ErrorCode ?? 'Unknown';
      return {
        ok: false,
        error: entryRefused('BUS_PUBLISH_FAILED', `PutEvents failed: ${code}: ${res?.ErrorMessage ?? ''}`),
        retryable: /Internal|Throttl|Unavailable|Unknown/i.test(code),
      };
    });
  }

  private async deleteBatch(queueUrl: string, handles: string[]): Promise<Array<EntryResult<void>>> {
    const r = await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })),
      }),
    );
    const failed = new Map((r.Failed ?? []).map((f) => [f.Id, f]));
    return handles.map((_h, i) => {
      const f = failed.get(String(i));
      if (!f) return { ok: true, value: undefined };
      return {
        ok: false,
        error: new Error(`DeleteMessage failed: ${f.Code}: ${f.Message ?? ''}`),
        retryable: !f.SenderFault,
      };
    });
  }
}

/** What a caller reads when AWS refused a batch entry: safe to show (publicMessage shows a 503). */
export const BUS_REFUSED_MESSAGE = 'The message bus did not take the message; try again shortly';

/**
 * The error of a batch entry AWS refused: a 503 whose message is safe to show a caller, with
 * AWS's own `Operation failed: Code: Message` as its cause, for our logs only.
 */
export function entryRefused(code: 'BUS_SEND_FAILED' | 'BUS_PUBLISH_FAILED', aws: string): AppError {
  return new AppError(code, 503, BUS_REFUSED_MESSAGE, { cause: new Error(aws) });
}

function attributesSize(attrs: Record<string, MessageAttributeValue> | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(attrs ?? {}))
    n += Buffer.byteLength(k) + Buffer.byteLength(v.DataType ?? '') + Buffer.byteLength(v.StringValue ?? '');
  return n;
}
