/**
 * Runs a command to its end and collects what it printed: the one way tests start a child process
 * whose exit code and output they check (CLI conventions, a fresh process's backend, the packed
 * package). A child killed by `timeout` ends with code null.
 */
import { type SpawnOptions, spawn } from "node:child_process";

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProcess(command: string, args: string[], options: SpawnOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "",
      stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr!.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
