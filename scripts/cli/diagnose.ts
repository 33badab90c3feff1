/**
 * Why a step of a deploy failed, in the user's terms: the step, the cause (an exit code and its
 * meaning, the last health probe's output), the last lines of the output that explains it (build
 * log, migration output, the new container's logs), and what to do next.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { execDocker } from "../lib/docker";
import { tail } from "./ui";

export const EXIT_MEANINGS: Readonly<Record<number, string>> = {
  1: "an error in the program (see its output)",
  2: "wrong usage or bad settings",
  124: "timed out",
  125: "Docker could not run the container",
  126: "the command is not executable",
  127: "the command was not found",
  130: "interrupted (SIGINT)",
  137: "killed (SIGKILL): out of memory when Docker reports OOMKilled, else stopped by force",
  139: "crashed (segmentation fault)",
  143: "terminated (SIGTERM)",
};

export function exitMeaning(code: number, oomKilled = false): string {
  if (code === 137 && oomKilled) return "killed: out of memory (raise APP_MEMORY_MB or POSTGRES_MEMORY_MB)";
  return EXIT_MEANINGS[code] ?? (code > 128 ? `killed by signal ${code - 128}` : "failed");
}

/** What the user called the step, from the resource's construct path. */
export function stepName(constructPath: string, action: string): string {
  const steps: [RegExp, string, string?][] = [
    [/^AppImage/, "build the app image", "forget an old app image"],
    // DEPLOY_TARGET=swarm (stacks/swarm-*.ts)
    [/^App\/Service$/, "roll the new release out (swarm)", "remove the app service"],
    [/^Database\/Service$/, "start PostgreSQL (swarm service)", "stop PostgreSQL"],
    [/^Database\/Roles$/, "set the database roles (swarm one-shot)", "remove the roles one-shot"],
    [/^Proxy\/Service$/, "start the proxy (swarm service)", "stop the proxy"],
    [/^Proxy\/Caddyfile$/, "store the proxy's configuration", "remove an old proxy configuration"],
    [/^(Frontend|Backend)Network$/, "look up the networks"],
    [/^App\/Migrate$/, "run the migrations", "remove the previous migration run"],
    [/^App\/Web$/, "start the new release", "stop the previous release (draining requests in flight)"],
    [/^App\/Proxy\/Route$/, "switch traffic to the new release", "remove the previous route"],
    [/^App\/Proxy\/Gate$/, "check the switch"],
    [/^Database\/Container$/, "start PostgreSQL", "stop PostgreSQL"],
    [/^Database\/PasswordSync$/, "set the database password"],
    [/^Database\/PasswordSyncGate$/, "check the database password"],
    [/^Database\/Image$/, "find the PostgreSQL image"],
    [/^Database\//, "the database's volume"],
    [/^Media\/Init$/, "prepare the media volume"],
    [/^Media\//, "the media volume"],
    [/^Secrets\/Writer$/, "write the secret files"],
    [/^Secrets\//, "the secrets volume"],
    [/^Entry\/Route\/Route$/, "reload the shared entry point", "remove the previous entry route"],
    [/^Entry\/Route\/Gate$/, "check the reload"],
    [/^Entry\/Proxy\/Container$/, "start the shared entry point", "stop the shared entry point"],
    [/^Entry\//, "the shared entry point's image, network and volumes"],
    [/^Proxy\/Container$/, "start the proxy", "stop the proxy"],
    [/^Proxy\/Image$/, "find the proxy image"],
    [/^Proxy\//, "the proxy's volumes"],
    [/^Network\//, "the networks"],
  ];
  for (const [pattern, create, remove] of steps) {
    if (pattern.test(constructPath)) return action === "delete" && remove ? remove : create;
  }
  return constructPath;
}

interface ContainerState {
  readonly name: string;
  readonly status: string;
  readonly exitCode: number;
  readonly oomKilled: boolean;
  readonly restartCount: number;
  readonly health?: { readonly status: string; readonly lastOutput?: string };
}

export function inspectContainer(nameOrId: string): ContainerState | undefined {
  try {
    const [c] = JSON.parse(execDocker(["inspect", nameOrId]));
    const log = c.State?.Health?.Log ?? [];
    return {
      name: String(c.Name ?? "").replace(/^\//, ""),
      status: c.State?.Status ?? "unknown",
      exitCode: c.State?.ExitCode ?? 0,
      oomKilled: c.State?.OOMKilled === true,
      restartCount: c.RestartCount ?? 0,
      health: c.State?.Health
        ? {
            status: c.State.Health.Status,
            lastOutput: log.length > 0 ? String(log[log.length - 1].Output ?? "") : undefined,
          }
        : undefined,
    };
  } catch {
    return undefined;
  }
}

export function containerLogs(nameOrId: string, lines = 40): string {
  try {
    // docker logs writes the container's stderr to its own stderr: capture both
    // through sh only to merge the container's stdout and stderr in order; the name is an argument
    return execFileSync("sh", ["-c", 'docker logs --tail "$1" "$2" 2>&1', "sh", String(lines), nameOrId], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ""}${err.stderr ?? ""}`;
  }
}

/** Containers of a stack with a role, newest first. */
/**
 * The containers of one stack with one role (labels `django-cdktf.stack` and `django-cdktf.role`).
 * The labels name the environment, not the project: `namePrefix` (`<project>-<env>`) keeps another
 * project's environment of the same name out.
 */
export function containersOf(stack: string, role: string, namePrefix?: string): string[] {
  try {
    return execDocker([
      "ps",
      "-a",
      "--filter",
      `label=django-cdktf.stack=${stack}`,
      "--filter",
      `label=django-cdktf.role=${role}`,
      "--format",
      "{{.Names}}",
    ])
      .split("\n")
      .filter((n) => n !== "" && (namePrefix === undefined || n.startsWith(`${namePrefix}-`)));
  } catch {
    return [];
  }
}

export interface Failure {
  /** The stack (`dev`, `dev-app`). */
  readonly stack: string;
  readonly constructPath: string;
  readonly action: string;
  /** Terraform's diagnostics for it. */
  readonly messages: readonly string[];
  /** Set when the CLI stopped the apply itself, e.g. the new release crashed at start. */
  readonly reason?: string;
  /** The container the step concerns, when the CLI knows it. */
  readonly container?: string;
  /** What the environment's containers are named after (`<project>-<env>`), when known. */
  readonly namePrefix?: string;
}

export interface Report {
  readonly step: string;
  readonly cause: string;
  readonly details: readonly string[];
  readonly next: string;
}

function describeContainer(name: string, what: string): { cause?: string; details: string[] } {
  const state = inspectContainer(name);
  const details: string[] = [];
  let cause: string | undefined;
  if (state) {
    if (state.status === "exited" || state.restartCount > 0) {
      cause = `${name} exited with code ${state.exitCode}: ${exitMeaning(state.exitCode, state.oomKilled)}${state.restartCount > 0 ? `, and restarted ${state.restartCount} time(s)` : ""}`;
    } else if (state.health && state.health.status !== "healthy") {
      cause = `${name} is running but its readiness check did not pass (${state.health.status})`;
    }
    if (state.health?.lastOutput?.trim())
      details.push(`last health check:\n${tail(state.health.lastOutput, 10)}`);
  }
  const logs = containerLogs(name);
  details.push(
    logs.trim() ? `${what} (last 40 lines of ${name}):\n${tail(logs)}` : `${name} printed nothing`,
  );
  return { cause, details };
}

/** Turns a failure into a report; reads the build log and the containers' state and output. */
export function diagnose(failure: Failure, buildLog: string | undefined, appUrl: string): Report {
  const step = stepName(failure.constructPath, failure.action);
  const terraformText = failure.messages.join("\n").trim();
  const keeps = `The previous release keeps serving ${appUrl}.`;
  if (/^AppImage/.test(failure.constructPath)) {
    const log = buildLog && fs.existsSync(buildLog) ? fs.readFileSync(buildLog, "utf8") : "";
    const tailLines = log.trim() ? log : terraformText;
    return {
      step,
      cause: /exit code: (\d+)/.exec(terraformText)?.[0]
        ? `a build step failed (${/exit code: (\d+)/.exec(terraformText)?.[0]})`
        : "the build failed",
      details: [`build output (last 40 lines):\n${tail(tailLines)}`],
      next: `${keeps} Fix the failing step (a requirement that does not exist, a syntax error in the Dockerfile...) and deploy again.`,
    };
  }
  if (/^App\/Migrate$/.test(failure.constructPath) || /migrations failed/.test(terraformText)) {
    const migrate = failure.container ?? containersOf(failure.stack, "migrate", failure.namePrefix)[0];
    const found = migrate
      ? describeContainer(migrate, "migration output")
      : { details: [tail(terraformText)] };
    return {
      step: "run the migrations",
      cause: found.cause ?? "the migrations failed",
      details: found.details,
      next: `${keeps} The database is as the migrations left it: Django runs each migration in a transaction where PostgreSQL allows. Fix the migration and deploy again; migrations must stay compatible with the release still serving (expand, then contract).`,
    };
  }
  if (/^App\/Web$/.test(failure.constructPath)) {
    const web = failure.container ?? containersOf(failure.stack, "web", failure.namePrefix)[0];
    const found = web ? describeContainer(web, "its output") : { details: [tail(terraformText)] };
    return {
      step,
      cause:
        failure.reason ??
        found.cause ??
        (/healthy state/.test(terraformText)
          ? "the new release did not become ready in time (APP_HEALTH_TIMEOUT)"
          : terraformText.split("\n")[0]),
      details: found.details,
      next: `${keeps} Fix the cause above and deploy again. The failed container was removed.`,
    };
  }
  if (/^App\/Proxy\//.test(failure.constructPath) || /Switching traffic failed/.test(terraformText)) {
    const route = containersOf(failure.stack, "route", failure.namePrefix)[0];
    return {
      step: "switch traffic to the new release",
      cause: "the proxy refused the new configuration",
      details: route ? describeContainer(route, "the proxy's answer").details : [tail(terraformText)],
      next: `${keeps} Check DOMAIN and the TLS settings, then deploy again.`,
    };
  }
  const container = failure.container;
  const found = container ? describeContainer(container, "its output") : { details: [] as string[] };
  return {
    step,
    cause: failure.reason ?? found.cause ?? (terraformText.split("\n")[0] || "failed"),
    details: [...found.details, ...(terraformText ? [`Terraform said:\n${tail(terraformText, 20)}`] : [])],
    next: "Fix the cause above and deploy again; nothing was left half-applied.",
  };
}
