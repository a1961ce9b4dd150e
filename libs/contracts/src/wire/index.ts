export * from './ivs-chat';
export * from './seed003';
export * from './chat-message';
