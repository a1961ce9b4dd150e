import { type ContractDef, type Envelope, SystemPing, SystemPong, envelopeOf } from '@onair/contracts';
import type { Static, TSchema } from '@sinclair/typebox';
import { dataOf } from './contract-data';
import { notImplemented } from './errors';
import type { MessageContext, MessageHandler } from './bus';

/** A message of one contract: its `data` has the contract's type. */
export type MessageOf<D extends ContractDef> = Envelope<Static<D['schema']>>;

/** A handler of one contract: its message's `data` has the contract's type. */
export type HandlerOf<D extends ContractDef> = (
  msg: MessageOf<D>,
  ctx: MessageContext,
) => ReturnType<MessageHandler>;

/**
 * A contract's handler as the bus calls it (any envelope): the data is checked against the
 * contract (a 400 naming the field otherwise) and handed over with its type. For `subscribe`
 * and `consumeCommands`, where no router picks the handler by type.
 */
export function handling<S extends TSchema>(
  def: ContractDef<S>,
  handler: HandlerOf<ContractDef<S>>,
): MessageHandler {
  return async (msg, ctx) => handler({ ...msg, data: dataOf(def, msg) }, ctx);
}

/**
 * Dispatches the messages of one queue by type. A type this service has no handler for is
 * answered 501 naming it, never silently dropped. Each handler gets its contract's data type:
 * the bus checked the data against the contract on the way in, and `on` checks it again (a
 * compiled check), so the type is a fact, not a cast.
 */
export class MessageRouter {
  private readonly handlers = new Map<string, MessageHandler>();

  constructor(private readonly service: string) {}

  on<S extends TSchema>(def: ContractDef<S>, handler: HandlerOf<ContractDef<S>>): this {
    this.handlers.set(def.type, handling(def, handler));
    return this;
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }

  /** Answer `onair.system.ping.v1` (the end-to-end wiring check). */
  withPing(instanceId: string): this {
    return this.on(SystemPing, async (msg) =>
      envelopeOf(SystemPong, {
        source: this.service,
        correlationid: msg.correlationid,
        causationid: msg.id,
        data: {
          service: this.service,
          instanceId,
          sentAt: msg.data.sentAt,
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
