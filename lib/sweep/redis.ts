/**
 * The Redis side of sweeps on a queue: the queue's name, its URL, and connections that fail with
 * a message saying what to do when no Redis server answers (ioredis would retry silently forever).
 */
import type IORedis from "ioredis";

/** ioredis, loaded when a sweep uses a queue (importing lowbit does not pay for it). */
function ioredis(): typeof IORedis {
  return require("ioredis") as typeof IORedis;
}

/** The BullMQ queue every sweep submitter and `lowbit worker` share; a job's id names its sweep and run. */
export const SWEEP_QUEUE = "lowbit-sweeps";

const CONNECT_TIMEOUT_MS = 5000;

/** Throws a RangeError unless `url` is redis://host[:port][/db] or rediss://... (TLS). */
export function checkRedisUrl(what: string, url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !["redis:", "rediss:"].includes(parsed.protocol) || parsed.hostname === "")
    throw new RangeError(
      `lowbit: ${what} must be a Redis URL redis://host:port (e.g. redis://127.0.0.1:6379); got ${JSON.stringify(url)}`,
    );
  return url as string;
}

/** A connection as BullMQ needs it (maxRetriesPerRequest null: blocking commands wait, they do not fail). */
export function redisConnection(url: string): IORedis {
  const Redis = ioredis();
  return new Redis(url, { maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS, lazyConnect: false });
}

/** Resolves once `url` answers PING; rejects with what to do when it does not within 5 s. */
export async function checkRedisReachable(url: string): Promise<void> {
  const Redis = ioredis();
  const client = new Redis(url, {
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new Error(
      `lowbit: no Redis server answers at ${url} (${e instanceof Error ? e.message : String(e)}); start one ` +
        `(apt-get install redis-server, then redis-server --port <port>) or check the URL`,
      { cause: e },
    );
  } finally {
    client.disconnect();
  }
}
