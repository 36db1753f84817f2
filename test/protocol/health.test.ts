import { afterAll, expect, it } from 'vitest';
import { ACTIONS } from '../../src/actions/registry.js';
import { buildApp } from '../../src/app.js';
import { Lifecycle } from '../../src/core/lifecycle.js';
import { actionHarness } from '../helpers/action-context.js';

const harness = actionHarness();
const lifecycle = new Lifecycle();
const app = await buildApp({ services: { ...harness.services, lifecycle }, actions: ACTIONS });
afterAll(async () => {
  await app.close();
  await harness.close();
});

it.each([
  ['starting', 503],
  ['ok', 200],
  ['stopping', 503],
] as const)('GET /health while %s answers %i with that status, so a load balancer drains the node', async (phase, status) => {
  lifecycle.phase = phase;
  const response = await app.inject({ method: 'GET', url: '/health' });
  expect(response.statusCode).toBe(status);
  expect(response.json()).toEqual({ status: phase });
});

it('GET /health is ok when no lifecycle is given (tests and embedders)', async () => {
  const plain = await buildApp({ services: harness.services, actions: ACTIONS });
  expect((await plain.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
  await plain.close();
});
