/**
 * Terraform (or OpenTofu) in a synthesized stack's directory: init once, plan to a file, apply that
 * file with machine-readable events, and the state commands recovery needs. Each run is its own
 * process group, so a Ctrl-C reaches it once, from us (Terraform stops gracefully on the first).
 */
import { ChildProcess, spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";

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

/** Runs terraform in `dir`; `onLine` sees stdout line by line as it comes. */
export function terraform(
  runner: Runner,
  dir: string,
  args: readonly string[],
  options: { onLine?: (line: string) => void; input?: string } = {},
): Promise<TerraformRun> {
  return new Promise((resolve) => {
    const child = spawn(runner.binary, args, {
      cwd: dir,
      env: { ...runner.env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    running = child;
    let stdout = "";
    let stderr = "";
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      stdout += `${line}\n`;
      options.onLine?.(line);
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", (e) => {
      stderr += String(e);
    });
    child.on("close", (code, signal) => {
      if (running === child) running = undefined;
      resolve({ code: code ?? (signal ? 130 : 1), stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
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
