import type { ActionDef } from './define-action.js';

// The only list of supported actions. Filled in as actions land.
export const ACTIONS: Record<string, ActionDef<any, any>> = {};
