export type { Address, Message } from '@packetflow/protocol';
