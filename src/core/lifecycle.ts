/**
 * Where the server is in its life, for GET /health: `starting` until the config file's queues are
 * provisioned, `ok` while serving, `stopping` from the first SIGTERM/SIGINT, so a load balancer that polls
 * /health drains the node before it goes away.
 */
export type Phase = 'starting' | 'ok' | 'stopping';

export class Lifecycle {
  phase: Phase = 'starting';
}
