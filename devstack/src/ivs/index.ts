// Local stand-ins for AWS IVS, IVS Chat and the IVS Chat messaging WebSocket.
// Wire facts: docs/protocols/ivs.md and docs/protocols/ivs-chat.md.
export { startIvsStandIn } from './server';
export type { BroadcastInfo, IvsStandIn, IvsStandInOptions } from './server';
export type { IvsEventBridgeEvent, IvsEventDetailType } from './events';
export type { ActiveFault, FaultSpec } from './faults';
export type { StartBroadcastOptions, StreamHealth } from './channels';
export type { MessageReviewHook, MessageReviewInput, MessageReviewOutput } from './messaging-ws';
export type { Capability } from './chat-rooms';
