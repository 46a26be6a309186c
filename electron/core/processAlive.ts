/**
 * Whether a process with this id exists — the test every "owner died, take over its leftovers" recovery makes before
 * touching a job, a lease or a temp file. EPERM means it exists under another user, which counts as alive: recovering
 * another live process's work would destroy it.
 */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
