import { read, sqs } from './api.js';
import { attempt, navigate } from './ui.js';
import { field, formatAge, h, queueHref, queueLink, replace, replaceIfChanged } from './dom.js';

// The queue list: counts, age of the oldest message, DLQ relationships and tags, filtered by name.
export function renderQueueList() {
  const filter = h('input', { type: 'search', placeholder: 'part of a queue name', autocomplete: 'off' });
  const body = h('tbody');
  const summary = h('p', { className: 'muted', 'aria-live': 'polite' });
  let queues = [];

  const draw = () => {
    const needle = filter.value.trim().toLowerCase();
    const shown = queues.filter((q) => q.name.toLowerCase().includes(needle));
    summary.textContent = `${shown.length} of ${queues.length} queues`;
    // Same queues in the same order: update the rows in place, so a focused link keeps its focus.
    const rows = [...body.querySelectorAll('tr[data-queue]')];
    if (rows.length > 0 && rows.length === shown.length && rows.every((tr, i) => tr.dataset.queue === shown[i].name)) {
      rows.forEach((tr, i) => updateRow(tr, shown[i]));
    } else {
      replace(body, shown.length === 0 ? h('tr', {}, h('td', { colspan: 8, className: 'muted' }, 'No queues.')) : shown.map(row));
    }
  };
  filter.addEventListener('input', draw);

  const element = h('div', {},
    h('h1', {}, 'Queues'),
    h('div', { className: 'toolbar' }, field('Filter by name', filter), createForm()),
    summary,
    h('table', { 'aria-label': 'Queues' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Type'),
        h('th', { scope: 'col', className: 'num' }, 'Visible'), h('th', { scope: 'col', className: 'num' }, 'In flight'),
        h('th', { scope: 'col', className: 'num' }, 'Delayed'), h('th', { scope: 'col', className: 'num' }, 'Oldest message'),
        h('th', { scope: 'col' }, 'Dead-letter'), h('th', { scope: 'col' }, 'Tags'))),
      body));

  return {
    element,
    async refresh() {
      queues = (await read('queues')).queues;
      draw();
    },
  };
}

function row(q) {
  const tr = h('tr', { 'data-queue': q.name },
    h('th', { scope: 'row' }, queueLink(q.name)),
    h('td', {}, h('span', { className: `badge ${q.type}` }, q.type === 'fifo' ? 'FIFO' : 'Standard')),
    h('td', { className: 'num', 'data-count': 'visible' }),
    h('td', { className: 'num', 'data-count': 'inFlight' }),
    h('td', { className: 'num', 'data-count': 'delayed' }),
    h('td', { className: 'num', 'data-count': 'age' }),
    h('td', { 'data-cell': 'dlq' }),
    h('td', { 'data-cell': 'tags' }));
  updateRow(tr, q);
  return tr;
}

function updateRow(tr, q) {
  const set = (name, value) => (tr.querySelector(`[data-count=${name}]`).textContent = String(value));
  set('visible', q.visible);
  set('inFlight', q.inFlight);
  set('delayed', q.delayed);
  set('age', formatAge(q.oldestAgeSeconds));
  replaceIfChanged(tr.querySelector('[data-cell=dlq]'), JSON.stringify([q.deadLetterTarget, q.deadLetterSources]), () => deadLetterCell(q));
  replaceIfChanged(tr.querySelector('[data-cell=tags]'), JSON.stringify(q.tags),
    () => Object.entries(q.tags).map(([k, v]) => h('span', { className: 'tag' }, `${k}=${v}`)));
}

function deadLetterCell(q) {
  const parts = [];
  if (q.deadLetterTarget) parts.push(h('div', {}, 'DLQ: ', queueLink(q.deadLetterTarget.name), ` after ${q.deadLetterTarget.maxReceiveCount}`));
  if (q.deadLetterSources.length > 0) {
    parts.push(h('div', {}, h('span', { className: 'badge dlq' }, 'DLQ'), ' of ', q.deadLetterSources.flatMap((s, i) => [i ? ', ' : '', queueLink(s)])));
  }
  return parts.length ? parts : h('span', { className: 'muted' }, '–');
}

function createForm() {
  const name = h('input', { type: 'text', required: true, pattern: '[A-Za-z0-9_\\-]{1,80}(\\.fifo)?', autocomplete: 'off' });
  const fifo = h('input', { type: 'checkbox' });
  const form = h('form', { className: 'row', 'aria-label': 'Create queue' },
    field('New queue name', name),
    h('label', { className: 'inline' }, fifo, 'FIFO'),
    h('button', { type: 'submit', className: 'primary' }, 'Create queue'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let queueName = name.value.trim();
    if (fifo.checked && !queueName.endsWith('.fifo')) queueName += '.fifo';
    const attributes = queueName.endsWith('.fifo') ? { FifoQueue: 'true' } : {};
    const created = await attempt(() => sqs('CreateQueue', { QueueName: queueName, Attributes: attributes }), `Created ${queueName}`);
    if (created) navigate(queueHref(queueName));
  });
  return form;
}
