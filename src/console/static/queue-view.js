import { queueUrl, read, sqs } from './api.js';
import { formatAge, h, queueLink, replace, replaceIfChanged } from './dom.js';
import { renderAttributes } from './attributes-view.js';
import { renderMessages } from './messages-view.js';
import { renderSendAndReceive } from './send-view.js';
import { renderMoveTasks } from './tasks-view.js';
import { attempt, confirmDialog, navigate } from './ui.js';

// One queue: live counts, attributes, dead-letter links, move tasks, peek, send, receive/delete, purge.
export function renderQueuePage(name) {
  const counts = h('dl', { className: 'kv', 'aria-label': 'Counts' });
  const deadLetter = h('div');
  const body = h('div', {}, h('p', {}, 'Loading…'));
  const element = h('div', {},
    h('p', {}, h('a', { href: '#/' }, '← All queues')),
    h('h1', {}, name),
    body);
  let queue;
  let sections = [];

  const purge = async () => {
    if (!(await confirmDialog(`Delete every message in ${name}? This cannot be undone.`, 'Purge queue'))) return;
    await attempt(() => sqs('PurgeQueue', { QueueUrl: queue.url }), `Purged ${name}`);
    await queue.onChange();
  };
  const remove = async () => {
    if (!(await confirmDialog(`Delete the queue ${name} and all its messages?`, 'Delete queue'))) return;
    if (await attempt(() => sqs('DeleteQueue', { QueueUrl: queue.url }), `Deleted ${name}`)) navigate('#/');
  };

  async function setUp(summary, accountId) {
    queue = { name, url: queueUrl(accountId, name), arn: summary.arn, fifo: summary.type === 'fifo', summary };
    const messages = renderMessages(queue);
    // After a send, receive, delete or purge the peek list is reloaded; otherwise it stays as read.
    queue.onChange = () => messages.reload();
    sections = [renderMoveTasks(queue), messages, renderSendAndReceive(queue), renderAttributes(queue)];
    replace(body,
      h('section', { className: 'card', 'aria-labelledby': 'overview-h' },
        h('h2', { id: 'overview-h' }, 'Overview'),
        h('div', { className: 'grid2' }, counts, deadLetter),
        h('div', { className: 'row' },
          h('button', { type: 'button', className: 'danger', onClick: purge }, 'Purge queue…'),
          h('button', { type: 'button', className: 'danger', onClick: remove }, 'Delete queue…'))),
      sections.map((section) => section.element));
  }

  async function refresh() {
    const { accountId, queues } = await read('queues');
    const summary = queues.find((q) => q.name === name);
    if (!summary) return void replace(body, h('p', { role: 'alert' }, `The queue ${name} does not exist.`));
    if (!queue) await setUp(summary, accountId);
    queue.summary = summary;
    replace(counts,
      ...kv('Type', summary.type === 'fifo' ? 'FIFO' : 'Standard'),
      ...kv('Visible', summary.visible, 'visible'), ...kv('In flight', summary.inFlight, 'inFlight'),
      ...kv('Delayed', summary.delayed, 'delayed'), ...kv('Oldest message', formatAge(summary.oldestAgeSeconds)),
      ...kv('ARN', summary.arn), ...kv('URL', queue.url),
      ...kv('Tags', Object.entries(summary.tags).map(([k, v]) => h('span', { className: 'tag' }, `${k}=${v}`))));
    await renderDeadLetter(deadLetter, queue);
    await Promise.all(sections.map((section) => section.refresh()));
  }

  return { element, refresh };
}

const kv = (term, value, count) => [h('dt', {}, term), h('dd', count ? { 'data-count': count } : {}, value)];

// Redrive policy with a link to the DLQ, and the queues that use this one as their DLQ (ListDeadLetterSourceQueues).
async function renderDeadLetter(container, queue) {
  const { queueUrls: sources = [] } = await sqs('ListDeadLetterSourceQueues', { QueueUrl: queue.url, MaxResults: 1000 });
  const target = queue.summary.deadLetterTarget;
  replaceIfChanged(container, JSON.stringify([sources, target]), () => h('dl', { className: 'kv', 'aria-label': 'Dead-letter' },
    h('dt', {}, 'Dead-letter queue'),
    h('dd', {}, target ? [queueLink(target.name), ` after ${target.maxReceiveCount} receives`] : 'none'),
    h('dt', {}, 'Dead-letter queue for'),
    h('dd', {}, sources.length ? sources.map((url, i) => [i ? ', ' : '', queueLink(decodeURIComponent(url.split('/').pop()))]) : 'no queue')));
}
