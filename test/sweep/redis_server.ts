/**
 * A throwaway Redis server for the queue tests: redis-server on 127.0.0.1 and a free port, without
 * persistence (--save '' --appendonly no), stopped by stop(). `redisServerInstalled` tells whether
 * Debian's redis-server is on the PATH; the tests skip with a message naming the package when not.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as net from "node:net";

export const redisServerInstalled = spawnSync("redis-server", ["--version"]).error === undefined;

export const NOT_INSTALLED =
  "redis-server is not installed (Debian: apt-get install redis-server); skipping the sweep-queue tests";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes("Ready to accept connections")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`redis-server exited with code ${code}: ${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
