/** Plain HTTP probes, for the CLI's status checks, the tests and the benchmarks. */
import * as http from "http";

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** GET http://127.0.0.1:port/path, optionally with another Host header. Rejects on network errors. */
export function get(port: number, urlPath: string, host?: string, timeoutMs = 5000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: "127.0.0.1", port, path: urlPath, headers: host ? { Host: host } : {}, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (b: Buffer) => chunks.push(b));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    request.on("timeout", () =>
      request.destroy(new Error(`GET ${urlPath}: no answer within ${timeoutMs} ms`)),
    );
    request.on("error", reject);
  });
}

/** The status code of GET path, or undefined while nothing answers. */
export async function statusOf(port: number, urlPath: string): Promise<number | undefined> {
  try {
    return (await get(port, urlPath)).status;
  } catch {
    return undefined;
  }
}

/** GET a URL: its status and body, or status 0 and the error when nothing answered. */
export async function httpStatus(url: string, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { status: 0, body: (e as Error).message };
  }
}

/** Polls until `check` returns a value (not undefined), or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Seconds until `url` answers 200 (polled every 100 ms), or null after `timeoutS`. */
export async function secondsUntil200(url: string, timeoutS: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutS * 1000) {
    if ((await httpStatus(url)).status === 200) return (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

export interface PollResult {
  readonly ok: number;
  readonly failed: number;
  /** Failures by kind: an HTTP status or an error code, with a count. */
  readonly errors: Readonly<Record<string, number>>;
  /** The first failures (at most 20): when each request started, in seconds after polling began, and its kind. */
  readonly failures: readonly string[];
}

/**
 * A client polling `url` about `perSecond` times a second, each request on a new connection, the
 * way users arrive; `stop()` ends it and says how many requests failed (anything but a 200).
 */
export function startPolling(url: string, perSecond = 20): { stop: () => Promise<PollResult> } {
  return startProbing(
    () =>
      new Promise<string>((resolve) => {
        const req = http.get(url, { agent: false, timeout: 15_000 }, (res) => {
          res.resume();
          res.on("end", () => resolve(String(res.statusCode)));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      }),
    perSecond,
  );
}

/**
 * Calls `probe` about `perSecond` times a second until `stop()`, counting its answers: "200" is a
 * success, anything else (a status, an error code) a failure of that kind.
 */
export function startProbing(
  probe: () => Promise<string>,
  perSecond = 20,
): { stop: () => Promise<PollResult> } {
  let running = true;
  let ok = 0;
  let failed = 0;
  const errors: Record<string, number> = {};
  const failures: string[] = [];
  const began = Date.now();
  const done = (async () => {
    while (running) {
      const started = Date.now();
      const result = await probe();
      if (result === "200") ok++;
      else {
        failed++;
        errors[result] = (errors[result] ?? 0) + 1;
        if (failures.length < 20)
          failures.push(
            `${((started - began) / 1000).toFixed(2)} s: ${result} after ${Date.now() - started} ms`,
          );
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / perSecond - (Date.now() - started))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { ok, failed, errors, failures };
    },
  };
}
