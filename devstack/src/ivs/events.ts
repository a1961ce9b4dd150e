// The EventBridge envelope IVS publishes (docs/protocols/ivs.md#eventbridge-events). Events go to the injected
// `publishEvent` callback (the devstack wires an EventBridge stand-in there) and are always
// kept in memory as well, so tests can read what was emitted.
import { randomUUID } from 'node:crypto';

export type IvsEventDetailType =
  | 'IVS Stream State Change'
  | 'IVS Stream Health Change'
  | 'IVS Recording State Change'
  | 'IVS Limit Breach';

export interface IvsEventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': IvsEventDetailType;
  source: 'aws.ivs';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** ISO-8601 with `Z` and no milliseconds, as in the documented examples. */
export const eventTime = (d = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventSink {
  readonly events: IvsEventBridgeEvent[] = [];

  constructor(
    private readonly region: string,
    private readonly account: string,
    private readonly publish?: (e: IvsEventBridgeEvent) => Promise<void>,
  ) {}

  /** Records the event and hands it to `publishEvent`; rejects if the callback does. */
  async emit(
    detailType: IvsEventDetailType,
    resources: string[],
    detail: Record<string, unknown>,
  ): Promise<IvsEventBridgeEvent> {
    const event: IvsEventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source: 'aws.ivs',
      account: this.account,
      time: eventTime(),
      region: this.region,
      resources,
      detail,
    };
    this.events.push(event);
    if (this.publish) await this.publish(event);
    return event;
  }
}
