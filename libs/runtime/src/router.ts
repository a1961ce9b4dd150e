import { type ContractDef, type Envelope, makeEnvelope, SystemPing, SystemPong } from '@onair/contracts';
import { notImplemented } from './errors';
import type { MessageContext, MessageHandler } from './bus';

/**
 * Dispatches the messages of one queue by type. A type this service has no handler for is
 * answered 501 naming it, never silently dropped.
 */
export class MessageRouter {
  private readonly handlers = new Map<string, MessageHandler>();

  constructor(private readonly service: string) {}

  on(def: ContractDef | string, handler: MessageHandler): this {
    this.handlers.set(typeof def === 'string' ? def : def.type, handler);
    return this;
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }

  /** Answer `onair.system.ping.v1` (the end-to-end wiring check). */
  withPing(instanceId: string): this {
    return this.on(SystemPing, async (msg) =>
      makeEnvelope({
        type: SystemPong.type,
        source: this.service,
        correlationid: msg.correlationid,
        causationid: msg.id,
        data: {
          service: this.service,
          instanceId,
          sentAt: (msg.data as { sentAt: string }).sentAt,
          answeredAt: new Date().toISOString(),
        },
      }),
    );
  }

  readonly handle: MessageHandler = async (msg: Envelope, ctx: MessageContext) => {
    const h = this.handlers.get(msg.type);
    if (!h) throw notImplemented(`${this.service} does not handle ${msg.type} yet`);
    return h(msg, ctx);
  };
}
