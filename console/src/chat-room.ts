// One chat room connection through amazon-ivs-chat-messaging, the same library for native and IVS
// Chat rooms, with tokens from @onair/client's provider. Native rooms recover on reconnect: the
// new socket asks for `?since=<last seq seen>`, and the gateway replays what was missed before the
// live messages, then says how it went (EVENT onair:RECOVERY).
import { chatEndpoint, chatTokenProvider } from '@onair/client';
import { ChatRoom } from 'amazon-ivs-chat-messaging';
import { api, session } from './session';
import { quietChatLogger } from './ui';

export interface RoomInfo {
  roomId: string;
  provider: 'ivs' | 'native';
  arn?: string;
}

export interface Connection {
  room(): ChatRoom;
  close(): void;
}

/**
 * Connects and keeps connecting: `attach` adds the listeners to each new ChatRoom (one per
 * socket). `lastSeq` says where a native room's recovery starts. No reconnect after `close()`,
 * nor after a moderator disconnected or banned the user.
 */
export function connectRoom(
  info: RoomInfo,
  o: {
    attach(room: ChatRoom): void;
    lastSeq(): number | undefined;
    onState?(state: 'connecting' | 'connected' | 'reconnecting' | 'closed', why?: string): void;
  },
): Connection {
  let current: ChatRoom;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  const me = session()?.userId;

  const open = () => {
    const since = info.provider === 'native' ? o.lastSeq() : undefined;
    const room = new ChatRoom({
      regionOrUrl: chatEndpoint(api().baseUrl, info, { since, ivsChatUrl: session()?.ivsChatUrl }),
      tokenProvider: chatTokenProvider(api(), info.roomId),
      maxReconnectAttempts: 0, // reconnects are ours: each one asks for what it missed
    });
    room.logger = quietChatLogger;
    current = room;
    room.addListener('connecting', () => o.onState?.('connecting'));
    room.addListener('connect', () => {
      attempt = 0;
      o.onState?.('connected');
    });
    room.addListener('userDisconnect', (e) => {
      if (e.userId !== me) return;
      stopped = true;
      // A ban closes the socket the same way, with the ban's reason: no reconnect either way.
      o.onState?.('closed', `A moderator disconnected you: ${e.reason || 'no reason given'}`);
    });
    room.addListener('disconnect', (reason) => {
      if (stopped || reason === 'clientDisconnect') {
        if (!stopped) o.onState?.('closed', 'Disconnected');
        return;
      }
      attempt++;
      if (attempt > 5) {
        stopped = true;
        o.onState?.('closed', 'The connection keeps failing; reload the page to try again');
        return;
      }
      const delay = Math.min(8000, 500 * 2 ** attempt);
      o.onState?.('reconnecting', `Connection lost; reconnecting in ${(delay / 1000).toFixed(1)} s`);
      timer = setTimeout(open, delay);
    });
    o.attach(room);
    room.connect();
  };
  open();
  return {
    room: () => current,
    close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      current.disconnect();
    },
  };
}
