import {
  type ContractRegistry,
  type Envelope,
  partitionOf,
  partitionTarget,
  SystemError,
} from '@onair/contracts';
import { replyData } from '../contract-data';
import { AppError } from '../errors';
import { toWireJson } from './wire';

/**
 * The queue target of a command: the address the sender gives, else its owner service, or for a
 * partitioned command the owner's partition of its key (`chat-svc.p3`: every command of a room
 * goes to one queue, read by one instance at a time).
 */
export function resolveTarget(registry: ContractRegistry, cmd: Envelope, to?: string): string {
  if (to) return to;
  const def = registry.get(cmd.type);
  if (def?.kind !== 'command') throw new AppError('BUS_UNKNOWN_COMMAND', 500, `${cmd.type} is not a command`);
  if (def.owner === 'addressed' || !def.owner) {
    throw new AppError('BUS_NO_TARGET', 500, `${cmd.type} needs an explicit target (send(..., { to }))`);
  }
  if (!def.partitionBy) return def.owner;
  const key: unknown =
    typeof cmd.data === 'object' && cmd.data !== null ? Reflect.get(cmd.data, def.partitionBy) : undefined;
  if (typeof key !== 'string' || key === '')
    throw new AppError('BUS_INVALID_MESSAGE', 500, `${cmd.type} has no ${def.partitionBy} to partition by`);
  return partitionTarget(def.owner, partitionOf(key));
}

/**
 * Serialize an outgoing message after checking it against its contract: a bug in a producer
 * is caught where it happens, not in some consumer's DLQ. The text is wire-safe JSON (see
 * wire.ts): any valid Unicode in the data crosses every transport, SQS included.
 */
export function outgoingJson(registry: ContractRegistry, env: Envelope, kind: 'command' | 'event'): string {
  const def = registry.get(env.type);
  if (!def || def.kind !== kind)
    throw new AppError('BUS_WRONG_KIND', 500, `${env.type} is not a known ${kind}`);
  const r = registry.validate(env);
  if (!r.ok)
    throw new AppError('BUS_INVALID_MESSAGE', 500, `refusing to send an invalid message: ${r.reason}`);
  return toWireJson(env);
}

/** outgoingJson as the bytes a RabbitMQ message carries. */
export function outgoing(registry: ContractRegistry, env: Envelope, kind: 'command' | 'event'): Buffer {
  return Buffer.from(outgoingJson(registry, env, kind));
}

/** A reply is the result envelope, or a system error turned back into the AppError it was. */
export function replyToResult(reply: Envelope): Envelope {
  if (reply.type === SystemError.type) {
    const d = replyData(SystemError, reply);
    throw new AppError(d.code, d.status, d.message, { details: d.details });
  }
  return reply;
}
