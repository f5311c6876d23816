/**
 * Whether a process exists, for telling a live writer's or lock holder's files from those a
 * killed process left (atomic_write.ts's temporary files, a sweep folder's lock).
 */

/**
 * Whether process `pid` exists on this machine: kill(pid, 0) checks without sending anything
 * (POSIX kill(2)); EPERM means it exists but belongs to another user.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
