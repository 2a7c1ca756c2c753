/** Whether a process of this machine is still there (pid null: unknown, taken as gone); EPERM means it is, owned by another user. */
export function processAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}
