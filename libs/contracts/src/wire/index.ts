export * from './ivs-chat';
export * from './seed003';
