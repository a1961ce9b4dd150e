import { type ContractDef, type Envelope, envelopeOf } from '@onair/contracts';
import type { Bus } from '@onair/runtime';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './auth';

/**
 * How the gateway builds every message it sends, in one place: REST routes, the chat sockets,
 * presence and pings all go through `gatewayMessage`. The data is typed by the message's
 * contract, so a contract change fails to compile here; the actor of a command always comes from
 * the token (`actorOf`), ids from the path.
 */
export const actorOf = (p: Principal) => ({ userId: p.userId, roles: [...p.roles] });

/** A message of `def` from the gateway; `correlationid` ties it to what caused it (a request). */
export function gatewayMessage<S extends TSchema>(
  def: ContractDef<S>,
  m: { data: Static<S>; subject?: string; correlationid?: string },
): Envelope<Static<S>> {
  return envelopeOf(def, {
    source: 'gateway',
    ...(m.correlationid === undefined ? {} : { correlationid: m.correlationid }),
    ...(m.subject === undefined ? {} : { subject: m.subject }),
    data: m.data,
  });
}

/** A command of `def` caused by `req` (its request id is the correlation id), about `subject`. */
export function command<S extends TSchema>(
  req: FastifyRequest,
  def: ContractDef<S>,
  subject: string | undefined,
  data: Static<S>,
): Envelope<Static<S>> {
  return gatewayMessage(def, { correlationid: req.id, subject, data });
}

/** Send a command on behalf of the caller and wait for its answer (the routes' timeout). */
export async function ask<S extends TSchema>(
  deps: { bus: Bus; timeoutMs: number },
  req: FastifyRequest,
  def: ContractDef<S>,
  data: Static<S>,
): Promise<Envelope> {
  return deps.bus.request(command(req, def, undefined, data), { timeoutMs: deps.timeoutMs });
}
