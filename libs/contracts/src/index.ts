import * as chat from './chat';
import * as fanout from './fanout';
import * as recordings from './recordings';
import { type ContractDef, ContractRegistry } from './registry';
import * as rooms from './rooms';
import * as streams from './streams';
import * as system from './system';

export * from './chat';
export * from './common';
export * from './envelope';
export * from './fanout';
export * from './recordings';
export * from './registry';
export * from './rooms';
export * from './streams';
export * from './system';

function defsOf(mod: Record<string, unknown>): ContractDef[] {
  return Object.values(mod).filter(
    (v): v is ContractDef =>
      typeof v === 'object' && v !== null && 'kind' in v && 'type' in v && 'schema' in v,
  );
}

/** Every command and event onair knows, one registry. */
export const ALL_CONTRACTS: ContractDef[] = [system, streams, rooms, chat, fanout, recordings].flatMap((m) =>
  defsOf(m as Record<string, unknown>),
);
export const contracts = new ContractRegistry(ALL_CONTRACTS);
export * as wire from './wire';
