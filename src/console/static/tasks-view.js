import { sqs } from './api.js';
import { formatTime, h, queueLink, replaceIfChanged } from './dom.js';
import { attempt } from './ui.js';

// Message move tasks of a dead-letter queue (ListMessageMoveTasks), refreshed live; start a redrive back to
// each message's source queue (StartMessageMoveTask without DestinationArn) and cancel a running one.
export function renderMoveTasks(queue) {
  const rows = h('tbody');
  const start = h('button', { type: 'button', className: 'primary', onClick: () => startRedrive() }, 'Start redrive to source queues');
  const hint = h('p', { className: 'muted' });
  const element = h('section', { className: 'card', 'aria-labelledby': 'tasks-h' },
    h('h2', { id: 'tasks-h' }, 'Dead-letter redrive'),
    hint,
    h('div', { className: 'row' }, start),
    h('table', { 'aria-label': 'Message move tasks' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Progress'), h('th', { scope: 'col' }, 'Destination'),
        h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, h('span', { className: 'muted' }, 'Actions')))),
      rows));

  let lastStatuses = null;

  async function startRedrive() {
    const started = await attempt(() => sqs('StartMessageMoveTask', { SourceArn: queue.arn }), 'Redrive started');
    if (started) await refresh();
  }

  async function cancel(handle) {
    if (await attempt(() => sqs('CancelMessageMoveTask', { TaskHandle: handle }), 'Cancel requested')) await refresh();
  }

  async function refresh() {
    const isDeadLetter = queue.summary.deadLetterSources.length > 0;
    element.hidden = !isDeadLetter;
    if (!isDeadLetter) return;
    hint.textContent = `Moves every message back to the queue it came from (${queue.summary.deadLetterSources.join(', ')}).`;
    const { Results: tasks = [] } = await sqs('ListMessageMoveTasks', { SourceArn: queue.arn, MaxResults: 10 });
    start.disabled = tasks.some((t) => t.Status === 'RUNNING' || t.Status === 'CANCELLING');
    // A task that moved messages out changes what peek shows: reload it when a task's status changes.
    const statuses = tasks.map((t) => `${t.StartedTimestamp}:${t.Status}`).join();
    if (lastStatuses !== null && statuses !== lastStatuses) void queue.onChange();
    lastStatuses = statuses;
    replaceIfChanged(rows, JSON.stringify(tasks), () => tasks.length === 0 ? h('tr', {}, h('td', { colspan: 5, className: 'muted' }, 'No move tasks yet.')) : tasks.map((task) => {
      const total = task.ApproximateNumberOfMessagesToMove ?? 0;
      const moved = task.ApproximateNumberOfMessagesMoved ?? 0;
      return h('tr', { 'data-task-status': task.Status },
        h('td', {}, task.Status, task.FailureReason ? ` (${task.FailureReason})` : ''),
        h('td', {}, h('progress', { max: Math.max(total, 1), value: Math.min(moved, Math.max(total, 1)), 'aria-label': 'Messages moved' }),
          ` ${moved} of ${total} moved`),
        h('td', {}, task.DestinationArn ? queueLink(task.DestinationArn.split(':').pop()) : 'each message\'s source queue'),
        h('td', {}, formatTime(task.StartedTimestamp)),
        h('td', {}, task.TaskHandle ? h('button', { type: 'button', className: 'danger', onClick: () => cancel(task.TaskHandle) }, 'Cancel') : ''));
    }));
  }

  return { element, refresh };
}
