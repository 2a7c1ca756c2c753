/**
 * One command at a time per device (jtarrio/signals `single_thread.ts`), for
 * every device: dongles, rtl_tcp connections, rotator links:
 * each task starts when the previous one has settled, so retunes and gain
 * changes never interleave.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it; resolves or rejects with it. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
