/**
 * Atomic file output: every file lowbit writes (results, executed notebooks, figures, the
 * kernelspec) goes through writeFileAtomic, so that a reader sees either the old file or the
 * whole new one, never a truncated one. A process killed in the middle of writing an 18.9 MB
 * results file used to leave a file that no longer parsed.
 *
 * How: write a temporary file in the target's own folder (rename is atomic only within one
 * file system), flush it to disk, then rename it over the target (POSIX rename(2) replaces the
 * target atomically). The temporary name is
 *   .<target name>.<pid>.<counter>.tmp
 * hidden, and carrying the writer's process id, so that the next write of the same target can
 * recognise and delete the leftovers of a writer that was killed (its process is gone) without
 * touching the temporary file of a writer that is still running.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isProcessAlive } from "./process_alive";

let counter = 0;

/** The temporary files of `target` (any writer), as [file, writer pid]. */
function temporaryFiles(target: string): [string, number][] {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: [string, number][] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const match = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (match !== null) found.push([path.join(dir, name), Number(match[1])]);
  }
  return found;
}

/**
 * Deletes the temporary files that killed writers left for `target`: those of processes that no
 * longer exist, and this process's own (a write of this process that threw midway).
 */
export function removeStaleTemporaryFiles(target: string): void {
  for (const [file, pid] of temporaryFiles(path.resolve(target))) {
    if (pid === process.pid || !isProcessAlive(pid)) fs.rmSync(file, { force: true });
  }
}

/**
 * Writes `data` to `file` atomically: after a crash or kill at any point, `file` holds either
 * its previous content (or does not exist) or all of `data`. The folder must exist. Stale
 * temporary files of earlier, killed writes of the same file are deleted first.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const target = path.resolve(file);
  // Before our own temporary file exists, so that only other writers' leftovers are candidates.
  removeStaleTemporaryFiles(target);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${counter++}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temporary, "wx");
    fs.writeFileSync(fd, data);
    // On disk before the rename, so that a power loss cannot leave the new name on empty data.
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temporary, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temporary, { force: true });
    throw e;
  }
}
