/**
 * Terraform (or OpenTofu) in a synthesized stack's directory: init once, plan to a file, apply that
 * file with machine-readable events, and the state commands recovery needs. Each run is its own
 * process group, so a Ctrl-C reaches it once, from us (Terraform stops gracefully on the first).
 */
import { ChildProcess, spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { alive } from "./lock";

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Runner {
  readonly binary: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The child that a signal must be forwarded to, while one runs. */
let running: ChildProcess | undefined;

/** Forwards a signal to the running Terraform, if any; true when there was one. */
export function forwardSignal(signal: NodeJS.Signals): boolean {
  if (!running || running.exitCode !== null || running.pid === undefined) return false;
  try {
    process.kill(-running.pid, signal);
  } catch {
    running.kill(signal);
  }
  return true;
}

/** Where a run's pid and output go, in the stack's directory. */
const RUN_FILES = {
  pid: ".django-cdktf-run.pid",
  out: ".django-cdktf-run.out",
  err: ".django-cdktf-run.err",
};

/**
 * A Terraform run in `dir` left by a CLI that died (SIGKILL, a closed laptop, a killed CI job)
 * finishes its apply, so the state records what it did: the next run waits for it.
 */
async function waitForOrphan(dir: string, notice: (text: string) => void): Promise<void> {
  const file = path.join(dir, RUN_FILES.pid);
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, "utf8"));
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  notice(
    `  waiting for the Terraform run (pid ${pid}) of an interrupted command in ${path.basename(dir)} to finish, so its state is complete`,
  );
  const until = Date.now() + 30 * 60_000;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
}

/**
 * Runs terraform in `dir`; `onLine` sees stdout line by line as it comes. Its output goes to files
 * that this process follows, not to pipes: if this process dies, Terraform is not killed by a
 * broken pipe in the middle of an apply (which would leave containers the state does not know),
 * but finishes it, and the next command waits for it.
 */
export async function terraform(
  runner: Runner,
  dir: string,
  args: readonly string[],
  options: { onLine?: (line: string) => void; input?: string; notice?: (text: string) => void } = {},
): Promise<TerraformRun> {
  await waitForOrphan(dir, options.notice ?? ((t) => process.stderr.write(`${t}\n`)));
  const outFile = path.join(dir, RUN_FILES.out);
  const errFile = path.join(dir, RUN_FILES.err);
  const outFd = fs.openSync(outFile, "w", 0o600);
  const errFd = fs.openSync(errFile, "w", 0o600);
  return new Promise((resolve) => {
    const child = spawn(runner.binary, args, {
      cwd: dir,
      env: { ...runner.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
      stdio: ["pipe", outFd, errFd],
      detached: true,
    });
    fs.closeSync(outFd);
    fs.closeSync(errFd);
    running = child;
    if (child.pid !== undefined) fs.writeFileSync(path.join(dir, RUN_FILES.pid), String(child.pid));
    let stdout = "";
    let partial = "";
    let offset = 0;
    const reader = fs.openSync(outFile, "r");
    const buffer = Buffer.alloc(64 * 1024);
    const follow = () => {
      for (;;) {
        const n = fs.readSync(reader, buffer, 0, buffer.length, offset);
        if (n <= 0) break;
        offset += n;
        partial += buffer.subarray(0, n).toString("utf8");
      }
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        stdout += `${line}\n`;
        options.onLine?.(line);
      }
    };
    const timer = setInterval(follow, 50);
    let stderrExtra = "";
    child.on("error", (e) => {
      stderrExtra += String(e);
    });
    child.on("close", (code, signal) => {
      clearInterval(timer);
      follow();
      if (partial) {
        stdout += partial;
        options.onLine?.(partial);
      }
      fs.closeSync(reader);
      if (running === child) running = undefined;
      fs.rmSync(path.join(dir, RUN_FILES.pid), { force: true });
      const stderr = fs.readFileSync(errFile, "utf8") + stderrExtra;
      resolve({ code: code ?? (signal ? 130 : 1), stdout, stderr });
    });
    // a program that exits before reading its input closes the pipe: not an error of ours
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });
}

/**
 * `terraform init`, only when the stack's Terraform block (backend, providers) changed since the
 * last successful one: that is all init depends on, and it costs seconds.
 */
/** `terraform init` unless already done for this configuration; `migrateState` copies the state to a changed backend. */
export async function initIfNeeded(
  runner: Runner,
  dir: string,
  migrateState = false,
): Promise<TerraformRun | undefined> {
  const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const digest = createHash("sha256")
    .update(
      JSON.stringify({
        terraform: config.terraform,
        binary: runner.binary,
        cli: runner.env.TF_CLI_CONFIG_FILE ?? "",
      }),
    )
    .digest("hex");
  const marker = path.join(dir, ".terraform", "django-cdktf-init");
  if (
    !migrateState &&
    fs.existsSync(marker) &&
    fs.readFileSync(marker, "utf8") === digest &&
    fs.existsSync(path.join(dir, ".terraform.lock.hcl"))
  ) {
    return undefined;
  }
  const run = await terraform(runner, dir, [
    "init",
    "-input=false",
    "-no-color",
    "-upgrade",
    ...(migrateState ? ["-migrate-state", "-force-copy"] : []),
  ]);
  if (run.code === 0) fs.writeFileSync(marker, digest);
  return run;
}

/** Construct paths by Terraform address, from the synthesized configuration's metadata. */
export function constructPaths(dir: string): Map<string, string> {
  const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const paths = new Map<string, string>();
  for (const [type, resources] of Object.entries(
    (config.resource ?? {}) as Record<string, Record<string, { "//"?: { metadata?: { path?: string } } }>>,
  )) {
    for (const [name, body] of Object.entries(resources)) {
      const p = body["//"]?.metadata?.path;
      // the path without the stack id: "App/Web"
      if (p) paths.set(`${type}.${name}`, p.split("/").slice(1).join("/"));
    }
  }
  return paths;
}

/** Addresses of images the configuration names without a build (a kept or CI-built image). */
export function prebuiltImages(dir: string): Set<string> {
  const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const images = (config.resource?.docker_image ?? {}) as Record<
    string,
    { build?: unknown; triggers?: unknown }
  >;
  return new Set(
    Object.entries(images)
      .filter(([, body]) => body.build === undefined && body.triggers === undefined)
      .map(([name]) => `docker_image.${name}`),
  );
}
