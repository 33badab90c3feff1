/**
 * Helpers for tests that drive a real Docker engine through the docker CLI (execFile: arguments are
 * never parsed by a shell). Nothing here mocks Docker.
 */
import { spawn } from "child_process";
import * as http from "http";
import * as path from "path";

export const REPO = path.resolve(__dirname, "../..");
export const DJANGO_APP = path.join(REPO, "django-app");
const SHARED_TOOLS = path.resolve(REPO, "../shared/tools");

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; never throws for a non-zero exit (the caller asserts on `code`). */
export function run(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 10 * 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: "", stderr: String(error) });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a program and returns its stdout; throws with the tail of its output when it fails. */
export async function mustRun(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const result = await run(file, args, options);
  if (result.code !== 0) {
    const tail = (result.stdout + result.stderr).split("\n").slice(-40).join("\n");
    throw new Error(`${path.basename(file)} ${args.join(" ")} exited ${result.code}:\n${tail}`);
  }
  return result.stdout;
}

export const docker = (...args: string[]): Promise<Result> => run("docker", args);
export const mustDocker = (...args: string[]): Promise<string> => mustRun("docker", args);

/** Starts the engine when needed and builds the stand-in base images; returns their names. */
export async function prepareEngine(): Promise<{ pythonImage: string; postgresImage: string }> {
  await mustRun(path.join(SHARED_TOOLS, "docker-engine"), []);
  const exports = await mustRun(path.join(SHARED_TOOLS, "base-images"), ["--env"]);
  const value = (name: string): string => {
    const match = new RegExp(`^export ${name}=(\\S+)$`, "m").exec(exports);
    if (!match) throw new Error(`base-images --env printed no ${name}:\n${exports}`);
    return match[1];
  };
  return { pythonImage: value("STANDIN_PYTHON_IMAGE"), postgresImage: value("STANDIN_POSTGRES_IMAGE") };
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** GET http://127.0.0.1:port/path, optionally with another Host header. Rejects on network errors. */
export function get(port: number, urlPath: string, host?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: "127.0.0.1", port, path: urlPath, headers: host ? { Host: host } : {}, timeout: 5000 },
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
    request.on("timeout", () => request.destroy(new Error(`GET ${urlPath}: no answer within 5 s`)));
    request.on("error", reject);
  });
}

/** Polls until `check` returns a value (not undefined), or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
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

/** The status code of GET path, or undefined while nothing answers. */
export async function statusOf(port: number, urlPath: string): Promise<number | undefined> {
  try {
    return (await get(port, urlPath)).status;
  } catch {
    return undefined;
  }
}
