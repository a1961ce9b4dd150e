// One chat room connection through amazon-ivs-chat-messaging, the same library for native and IVS
// Chat rooms, with tokens from @onair/client's provider. Native rooms recover on reconnect: the
// new socket asks for `?since=<last seq seen>`, and the gateway replays what was missed before the
// live messages, then says how it went (EVENT onair:RECOVERY).
import { chatEndpoint, chatTokenProvider, OnairApiError } from '@onair/client';
import { ChatRoom } from 'amazon-ivs-chat-messaging';
import { api, session } from './session';
import { messageOf, quietChatLogger } from './ui';

export interface RoomInfo {
  roomId: string;
  provider: 'ivs' | 'native';
  arn?: string;
}

export type ConnState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface Connection {
  room(): ChatRoom;
  state(): ConnState;
  close(): void;
}

/**
 * A token answer that asking again cannot change: a 4xx other than 408 (timeout) and 429 (rate
 * limit), e.g. 403 BANNED (banned or timed out), 404 (no such room), 401 (the sign-in expired).
 */
export function isFinal(e: unknown): e is OnairApiError {
  return (
    e instanceof OnairApiError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429
  );
}

/**
 * Connects and keeps connecting: `attach` adds the listeners to each new ChatRoom (one per
 * socket). `lastSeq` says where a native room's recovery starts. No reconnect after `close()`,
 * after a moderator disconnected or banned the user, nor when the token route refuses for good
 * (a ban or time-out after a reload is a 403 there): the state says why.
 */
export function connectRoom(
  info: RoomInfo,
  o: {
    attach(room: ChatRoom): void;
    lastSeq(): number | undefined;
    onState?(state: ConnState, why?: string): void;
  },
): Connection {
  let current: ChatRoom;
  let state: ConnState = 'connecting';
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let tokenError: unknown;
  const me = session()?.userId;
  const tokens = chatTokenProvider(api(), info.roomId);
  const say = (s: ConnState, why?: string) => {
    state = s;
    o.onState?.(s, why);
  };

  const open = () => {
    const since = info.provider === 'native' ? o.lastSeq() : undefined;
    tokenError = undefined;
    const room = new ChatRoom({
      regionOrUrl: chatEndpoint(api().baseUrl, info, { since, ivsChatUrl: session()?.ivsChatUrl }),
      // The library keeps only "fetchTokenError": remember why, to say it and to stop when final.
      tokenProvider: () =>
        tokens().catch((e: unknown) => {
          tokenError = e;
          throw e;
        }),
      maxReconnectAttempts: 0, // reconnects are ours: each one asks for what it missed
    });
    room.logger = quietChatLogger;
    current = room;
    room.addListener('connecting', () => say(attempt ? 'reconnecting' : 'connecting'));
    room.addListener('connect', () => {
      attempt = 0;
      say('connected');
    });
    room.addListener('userDisconnect', (e) => {
      if (e.userId !== me) return;
      stopped = true;
      // A ban closes the socket the same way, with the ban's reason: no reconnect either way.
      say('closed', `A moderator disconnected you: ${e.reason || 'no reason given'}`);
    });
    room.addListener('disconnect', (reason) => {
      if (stopped) return;
      if (reason === 'clientDisconnect') {
        stopped = true;
        say('closed', 'Disconnected');
        return;
      }
      if (reason === 'fetchTokenError' && isFinal(tokenError)) {
        stopped = true;
        say('closed', `Cannot connect: ${messageOf(tokenError)}`);
        return;
      }
      attempt++;
      if (attempt > 5) {
        stopped = true;
        const last = tokenError ? ` (last answer: ${messageOf(tokenError)})` : '';
        say('closed', `The connection keeps failing${last}; use Connect to try again`);
        return;
      }
      const delay = Math.min(8000, 500 * 2 ** attempt);
      const cause = tokenError ? `No chat token (${messageOf(tokenError)})` : 'Connection lost';
      say('reconnecting', `${cause}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
      timer = setTimeout(open, delay);
    });
    o.attach(room);
    room.connect();
  };
  open();
  return {
    room: () => current,
    state: () => state,
    close() {
      if (timer) clearTimeout(timer);
      if (stopped) return;
      stopped = true;
      current.disconnect();
      say('closed', 'Disconnected');
    },
  };
}
