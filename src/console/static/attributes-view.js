import { sqs } from './api.js';
import { formatTime, h, replace } from './dom.js';
import { attempt } from './ui.js';

// Queue attributes from GetQueueAttributes; the ones SetQueueAttributes accepts are editable, and only
// changed values are sent. Loaded once and after a save, so the live refresh never overwrites an edit.
const EDITABLE = {
  both: ['VisibilityTimeout', 'DelaySeconds', 'MessageRetentionPeriod', 'MaximumMessageSize', 'ReceiveMessageWaitTimeSeconds',
    'RedrivePolicy', 'RedriveAllowPolicy', 'Policy', 'SqsManagedSseEnabled', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds'],
  fifo: ['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit'],
};
const JSON_VALUED = new Set(['RedrivePolicy', 'RedriveAllowPolicy', 'Policy']);
const TIMESTAMPS = new Set(['CreatedTimestamp', 'LastModifiedTimestamp']);

export function renderAttributes(queue) {
  const editable = new Set([...EDITABLE.both, ...(queue.fifo ? EDITABLE.fifo : [])]);
  const grid = h('div', { className: 'attrs' });
  const readOnly = h('dl', { className: 'kv' });
  const form = h('form', { 'aria-labelledby': 'attributes-h' },
    grid, h('div', { className: 'row' }, h('button', { type: 'submit', className: 'primary' }, 'Save attributes')));
  const element = h('section', { className: 'card', 'aria-labelledby': 'attributes-h' },
    h('h2', { id: 'attributes-h' }, 'Attributes'),
    h('div', { className: 'grid2' }, form, h('div', {}, h('h3', { className: 'muted' }, 'Read-only'), readOnly)));
  let loaded = null;

  async function load() {
    const { Attributes: attributes = {} } = await sqs('GetQueueAttributes', { QueueUrl: queue.url, AttributeNames: ['All'] });
    loaded = attributes;
    const names = [...editable].filter((name) => name in attributes || JSON_VALUED.has(name) || name === 'KmsMasterKeyId');
    replace(grid, names.flatMap((name) => {
      const id = `attr-${name}`;
      const value = attributes[name] ?? '';
      const control = JSON_VALUED.has(name)
        ? h('textarea', { id, name, rows: 2, value })
        : h('input', { id, name, type: 'text', value });
      return [h('label', { for: id }, name), control];
    }));
    replace(readOnly, Object.entries(attributes)
      .filter(([name]) => !editable.has(name))
      .flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, TIMESTAMPS.has(name) ? `${formatTime(Number(value) * 1000)} (${value})` : value)]));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const changed = {};
    for (const control of grid.querySelectorAll('input, textarea')) {
      if (control.value !== (loaded[control.name] ?? '')) changed[control.name] = control.value;
    }
    if (Object.keys(changed).length === 0) return;
    const saved = await attempt(() => sqs('SetQueueAttributes', { QueueUrl: queue.url, Attributes: changed }),
      `Saved ${Object.keys(changed).join(', ')}`);
    if (saved) await load();
  });

  return {
    element,
    async refresh() {
      if (!loaded) await load();
    },
  };
}
