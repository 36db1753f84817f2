// The package entry: `import { startWharf } from 'wharf'` runs Wharf inside a test process (see embed.ts).
// The CLI is dist/main.js (the `wharf` bin).
export { startWharf, type StartWharfOptions, type Wharf } from './embed.js';
export type { ClockState, PeekedMessageView } from './controls/test-controls.js';
export type { Fault, FaultErrorName, FaultSpec } from './core/faults.js';
