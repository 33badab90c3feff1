/** Helpers for the end-to-end suites. */
import * as fs from "fs";
import { execDocker, standInImages } from "../../scripts/lib/docker";
import { PollResult, startPolling } from "../../scripts/lib/http";
import { RunResult } from "../../scripts/lib/process";
import { Project, freePort } from "../../scripts/lib/sandbox";

/** Fails the test with the tail of the command's output when it did not exit 0. */
export function expectSuccess(result: RunResult): void {
  if (result.code !== 0)
    throw new Error(`command failed (exit ${result.code}):\n${result.output.slice(-6000)}`);
}

/** Runs SQL in a database container as the app's role, over the server's socket; returns the rows. */
export function psql(container: string, sql: string, role = "django", database = "django"): string {
  return execDocker(["exec", container, "psql", "-U", role, "-d", database, "-tAc", sql]);
}

/**
 * The settings of a one-environment project on the stand-in images, on a free port: its docker
 * objects are named `<environment><pid>-...`, so that runs side by side never clash.
 */
export async function standInProject(
  environment: string,
  extra: Record<string, string> = {},
): Promise<{ prefix: string; url: string; env: Record<string, string> }> {
  const images = await standInImages();
  const port = await freePort();
  const prefix = `${environment}${process.pid}`;
  return {
    prefix,
    url: `http://127.0.0.1:${port}`,
    env: {
      ENVIRONMENTS: environment,
      PROJECT_NAME: prefix,
      APP_PORT: String(port),
      PYTHON_IMAGE: images.python,
      POSTGRES_IMAGE: images.postgres,
      PROXY_IMAGE: images.caddy ?? "caddy:2.10",
      ...extra,
    },
  };
}

/**
 * Runs a CLI command (a deploy by default) while a client polls `url`; returns its result and the
 * polling's. Polls a little longer: the previous release (or tasks) stop at the very end.
 */
export async function underLoad(
  project: Project,
  url: string,
  command: string,
  args: string[] = ["--auto-approve"],
  extraEnv: Record<string, string> = {},
): Promise<{ result: RunResult; polled: PollResult }> {
  const poll = startPolling(url);
  const result = await project.cli(command, args, extraEnv);
  await new Promise((r) => setTimeout(r, 1500));
  return { result, polled: await poll.stop() };
}

/**
 * Fails the test when any polled request failed, saying which kinds, when, and what the proxies of
 * the containers named `<prefix>-...` logged meanwhile, so that a rare drop can be traced.
 */
export function expectNoDrops(polled: PollResult, prefix: string, sinceSeconds = 120): void {
  if (polled.failed === 0) return;
  const proxies = execDocker([
    "ps",
    "-a",
    "--filter",
    `name=${prefix}-`,
    "--filter",
    "label=django-cdktf.role=proxy",
    "--format",
    "{{.Names}}",
  ])
    .split("\n")
    .filter(Boolean);
  const logs = proxies.map((name) => {
    let text: string;
    try {
      text = execDocker(["logs", "--since", `${sinceSeconds}s`, name]);
    } catch (error) {
      text = String(error);
    }
    const lines = text.split("\n").filter((l) => /error|warn/i.test(l));
    return `${name} (errors and warnings, last ${sinceSeconds} s):\n${lines.slice(-30).join("\n") || "(none)"}`;
  });
  throw new Error(
    `${polled.failed} of ${polled.ok + polled.failed} requests failed: ${JSON.stringify(polled.errors)}\n` +
      `first failures (seconds after polling began):\n  ${polled.failures.join("\n  ")}\n${logs.join("\n")}`,
  );
}

/** Appends `text` to a file of the project; returns what puts the file back. */
export function editFile(project: Project, file: string, text: string): () => void {
  const abs = project.path(file);
  const before = fs.readFileSync(abs, "utf8");
  fs.appendFileSync(abs, text);
  return () => fs.writeFileSync(abs, before);
}
