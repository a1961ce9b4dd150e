// Public surface of the local EventBridge stand-in.
export type { DeliveryFailure, DeliveryLogger } from './delivery';
export type { EventEnvelope, InjectedEvent } from './events';
export { type CompiledPattern, compilePattern, InvalidEventPatternError, matchesPattern } from './pattern';
export { type EventBridgeStandIn, type EventBridgeStandInOptions, startEventBridgeStandIn } from './server';
