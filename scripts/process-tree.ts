/**
 * Ending a child process together with everything it started. The notebook runner needs it:
 * a notebook's process starts Chromium (through playwright), and Chromium starts its own
 * helpers, in process groups of their own (playwright launches it detached), so neither
 * killing the child nor killing its process group reaches them, and a SIGKILLed child leaves
 * them running, re-parented, where nothing tracks them any more.
 *
 * So the tree is collected from the parent links in /proc (Linux) while its root still lives,
 * frozen with SIGSTOP level by level until no new process appears (a stopped process cannot
 * fork, so the set is then complete), and only then killed with SIGKILL. Elsewhere, without
 * /proc, only the root's process group is killed.
 */
import * as fs from "node:fs";

/** Parent pid of every process, from /proc/<pid>/stat; empty without /proc. */
function parents(): Map<number, number> {
  const links = new Map<number, number>();
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return links;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    links.set(Number(entry), Number(fields[1]));
  }
  return links;
}

/** The pids of `root`'s living descendants (not `root` itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, parent] of parents()) {
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(pid);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}

/** Kills `root` (a process group leader, spawned detached), its group and all its descendants. */
export function killTree(root: number): void {
  const tree = new Set<number>([root]);
  signal(root, "SIGSTOP");
  for (;;) {
    const found = descendants(root).filter((pid) => !tree.has(pid));
    if (found.length === 0) break;
    for (const pid of found) {
      tree.add(pid);
      signal(pid, "SIGSTOP");
    }
  }
  signal(-root, "SIGKILL");
  for (const pid of tree) signal(pid, "SIGKILL");
}
