import './formats';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { type Envelope, type EnvelopeInit, EnvelopeSchema, follow, makeEnvelope } from './envelope';

/** The services that own commands. A command is handled by exactly one of them. */
export type ServiceName = 'gateway' | 'stream-svc' | 'chat-svc' | 'recording-svc' | 'fanout-svc';
export const SERVICE_NAMES: readonly ServiceName[] = [
  'gateway',
  'stream-svc',
  'chat-svc',
  'recording-svc',
  'fanout-svc',
];

export interface ContractDef<S extends TSchema = TSchema> {
  type: string;
  kind: 'command' | 'event';
  /** For commands: the service whose queue receives it. `addressed` = the sender names the target. */
  owner?: ServiceName | 'addressed';
  description: string;
  schema: S;
  /**
   * For commands: the data field whose value picks one of the owner's partition queues (see
   * partitionTarget). Every command of one key (one room) goes to the same queue, which one
   * instance of the owner reads at a time: that instance owns the key.
   */
  partitionBy?: 'roomId';
  /**
   * For events: durable elsewhere already (a chat message is in the table before its event is
   * published, and readers fill gaps from there), so the broker may keep it in memory only
   * (RabbitMQ: not persisted to disk). What it buys is broker CPU per message.
   */
  live?: boolean;
}

export function command<S extends TSchema>(
  type: string,
  owner: ServiceName | 'addressed',
  description: string,
  schema: S,
  opts: { partitionBy?: 'roomId' } = {},
): ContractDef<S> {
  return { type, kind: 'command', owner, description, schema, ...opts };
}

/**
 * How many partition queues a service's partitioned commands spread over. Fixed: senders and
 * every instance of the owner must agree, and changing it moves keys between queues (drain
 * the queues first). 16 lets up to 16 instances share the work.
 */
export const PARTITIONS = 16;

/** The partition (0 .. PARTITIONS-1) of a key: FNV-1a of its UTF-16 code units, stable everywhere. */
export function partitionOf(key: string, partitions = PARTITIONS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/** The queue target of partition `i` of `owner` (`chat-svc.p3`). */
export function partitionTarget(owner: string, i: number): string {
  return `${owner}.p${i}`;
}

/** Every partition target of `owner`, for its consumers. */
export function partitionTargets(owner: string, partitions = PARTITIONS): string[] {
  return Array.from({ length: partitions }, (_, i) => partitionTarget(owner, i));
}

export function event<S extends TSchema>(
  type: string,
  description: string,
  schema: S,
  opts: { live?: boolean } = {},
): ContractDef<S> {
  return { type, kind: 'event', description, schema, ...opts };
}

export interface ValidationResult {
  ok: boolean;
  /** A one-line, human-readable reason when not ok. */
  reason?: string;
}

const envelopeCheck = TypeCompiler.Compile(EnvelopeSchema);

function firstError(check: TypeCheck<TSchema>, value: unknown, prefix: string): string {
  const e = check.Errors(value).First();
  return e ? `${prefix}${e.path || '/'}: ${e.message}` : `${prefix}: invalid`;
}

/**
 * Every known contract by type, compiled once. Unknown fields are tolerated (schemas only
 * grow within a version), unknown types are rejected: a consumer cannot act on them.
 */
export class ContractRegistry {
  private readonly defs = new Map<string, { def: ContractDef; check: TypeCheck<TSchema> }>();

  constructor(defs: ContractDef[]) {
    for (const def of defs) {
      if (this.defs.has(def.type)) throw new Error(`duplicate contract type ${def.type}`);
      this.defs.set(def.type, { def, check: TypeCompiler.Compile(def.schema) });
    }
  }

  get(type: string): ContractDef | undefined {
    return this.defs.get(type)?.def;
  }

  all(): ContractDef[] {
    return [...this.defs.values()].map((d) => d.def);
  }

  /**
   * The command queue targets `service` reads: its own, and its partition queues when any of
   * its commands is partitioned (`partitionBy`).
   */
  targetsOf(service: string): string[] {
    const partitioned = this.all().some((d) => d.kind === 'command' && d.owner === service && d.partitionBy);
    return partitioned ? [service, ...partitionTargets(service)] : [service];
  }

  validate(message: unknown): ValidationResult {
    if (!envelopeCheck.Check(message))
      return { ok: false, reason: firstError(envelopeCheck, message, 'envelope') };
    const env = message as Envelope;
    const entry = this.defs.get(env.type);
    if (!entry) return { ok: false, reason: `unknown message type ${env.type}` };
    if (!entry.check.Check(env.data))
      return { ok: false, reason: firstError(entry.check, env.data, `${env.type} data`) };
    return { ok: true };
  }
}

/**
 * An envelope of one contract, its data typed by the contract's schema: what every sender
 * builds, so a change to a contract fails to compile where messages of it are made.
 */
export function envelopeOf<S extends TSchema>(
  def: ContractDef<S>,
  init: Omit<EnvelopeInit<Static<S>>, 'type'>,
): Envelope<Static<S>> {
  return makeEnvelope({ ...init, type: def.type });
}

/**
 * A message of one contract caused by `cause` (see follow: same correlation, derived id), its
 * data typed by the contract's schema: how services build their events, replies and commands.
 */
export function followWith<S extends TSchema>(
  def: ContractDef<S>,
  cause: Pick<Envelope, 'id' | 'correlationid'>,
  init: Omit<EnvelopeInit<Static<S>>, 'type' | 'correlationid' | 'causationid'> & { idParts?: string[] },
): Envelope<Static<S>> {
  return follow(cause, { ...init, type: def.type });
}
