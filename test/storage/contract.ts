// The storage contract: behaviour every Storage backend must show, written only against the port
// (src/storage/storage.ts) with a hand-moved clock. A backend's test file calls describeStorageContract
// with a factory that opens a fresh, empty store.

import { describe } from 'vitest';
import type { Storage } from '../../src/storage/storage.js';
import { fairQueueContract } from './contract/fair.js';
import { fifoContract } from './contract/fifo.js';
import { handleContract } from './contract/handles.js';
import { messageContract } from './contract/messages.js';
import { moveTaskContract } from './contract/move-tasks.js';
import { peekContract } from './contract/peek.js';
import { queueContract } from './contract/queues.js';
import { redriveContract } from './contract/redrive.js';
import { resetContract } from './contract/reset.js';

export function describeStorageContract(name: string, makeStorage: () => Promise<Storage> | Storage): void {
  describe(`Storage contract: ${name}`, () => {
    queueContract(makeStorage);
    messageContract(makeStorage);
    handleContract(makeStorage);
    fifoContract(makeStorage);
    fairQueueContract(makeStorage);
    redriveContract(makeStorage);
    moveTaskContract(makeStorage);
    peekContract(makeStorage);
    resetContract(makeStorage);
  });
}
