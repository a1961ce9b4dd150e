import type { Logger } from '@onair/runtime';
import type { ChatAccess } from './access';
import type { ChatCommandContext } from './chat-commands';
import type { WsConnection } from './connection';
import type { GroupNames } from './group-names';
import type { Hub, HubConnection } from './hub';
import type { PublishPresence } from './presence';
import type { HistoryReader } from './recovery';

/** What the protocol openers share: one per registered chat edge (registerChatSockets). */
export interface ChatEdge {
  log: Logger;
  hub: Hub;
  groups: GroupNames;
  /** Which rooms exist and who is banned; how seed 003 groups get their room. */
  access: ChatAccess;
  history?: HistoryReader;
  presence: PublishPresence;
  /** Per-connection limits and the close timeout, for every new WsConnection. */
  messagesPerSecond: number;
  joinsPerSecond: number;
  closeTimeoutMs?: number;
  /** Start serving an accepted socket: the hub, the heartbeat, and what its close undoes. */
  attach(c: WsConnection): void;
  /** `c` is no longer in `roomId`: its group name may go, and presence is told. */
  left(c: HubConnection, roomId: string): void;
  /** How `c`'s chat commands are sent, and its own messages answered. */
  commandsFor(c: WsConnection): ChatCommandContext;
}
