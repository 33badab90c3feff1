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
