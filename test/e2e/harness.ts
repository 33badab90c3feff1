/**
 * Drives the real CLI (`scripts/cli.ts`, hence cdktf, Terraform or OpenTofu, the docker provider)
 * against the real Docker engine, in a throwaway copy of the project so the working tree, its state
 * and its secrets are never touched. Used by the e2e suite and the lifecycle benchmark.
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { stripVTControlCharacters } from "util";
import {
  PrerequisiteError,
  Terraform,
  findProviderMirror,
  findTerraform,
  toolchainEnv,
} from "../../scripts/toolchain";
import { OWN_PREFIXES, SETTINGS } from "../../constructs/settings";

export const REPO = path.resolve(__dirname, "..", "..");
const SHARED_TOOLS = path.resolve(REPO, "..", "shared", "tools");
const COPIED = ["main.ts", "cdktf.json", "package.json", "tsconfig.json", "constructs", "scripts", "django-app"];
const NOT_COPIED = new Set([".venv", "__pycache__", "staticfiles", "node_modules", ".pytest_cache"]);

/**
 * The process environment without this machine's own settings for the project (every name in
 * constructs/settings.ts, its NAME__<ENV> forms, and our prefixes), so a copy sees only its `.env`.
 */
export function withoutProjectSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const names = new Set(SETTINGS.map((s) => s.name));
  const ours = (key: string) => {
    const base = key.replace(/__[A-Z0-9_]+$/, "");
    return names.has(base) || OWN_PREFIXES.some((p) => base.startsWith(p));
  };
  return Object.fromEntries(Object.entries(env).filter(([key]) => !ours(key)));
}

export type Toolchain =
  | { readonly ok: true; readonly terraform: Terraform; readonly mirror?: string; readonly summary: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Everything the lifecycle needs, or the plain reason it cannot run here. Synchronous, so a test
 * file can decide at load time to run or to report its tests as skipped.
 */
export function detectToolchain(): Toolchain {
  try {
    let terraform: Terraform;
    try {
      terraform = findTerraform();
    } catch (e) {
      // the project's own OpenTofu build (scripts/install-opentofu.sh) counts too
      const tofu = path.join(REPO, ".tools", "bin", "tofu");
      if (!fs.existsSync(tofu)) throw e;
      terraform = findTerraform({ ...process.env, TERRAFORM_BINARY_NAME: tofu });
    }
    let docker: string;
    try {
      docker = `Docker ${execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 }).trim()}`;
    } catch {
      return { ok: false, reason: "no Docker engine answers `docker version` (run ../shared/tools/docker-engine)" };
    }
    const mirror = findProviderMirror();
    if (!mirror) {
      return {
        ok: false,
        reason:
          "no local mirror of the docker provider 3.6.2 (TF_PROVIDER_MIRROR or ~/.terraform.d/plugins) and no Terraform registry here",
      };
    }
    return { ok: true, terraform, mirror, summary: `${terraform.flavour} ${terraform.version}, ${docker}, provider mirror ${mirror}` };
  } catch (e) {
    if (e instanceof PrerequisiteError) return { ok: false, reason: e.message };
    throw e;
  }
}

/** `export NAME=value` lines of the stand-in base images (built once, then kept). */
export function standInImages(): { python: string; postgres: string } {
  const script = path.join(SHARED_TOOLS, "base-images");
  const out = execFileSync(script, ["--env"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const value = (name: string) => new RegExp(`${name}=(\\S+)`).exec(out)?.[1];
  const python = value("STANDIN_PYTHON_IMAGE");
  const postgres = value("STANDIN_POSTGRES_IMAGE");
  if (!python || !postgres) throw new Error(`base-images printed no image names:\n${out}`);
  return { python, postgres };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface RunResult {
  readonly code: number;
  /** stdout and stderr, colour codes removed. */
  readonly output: string;
  readonly seconds: number;
}

/** Without colour codes and carriage returns (cdktf's progress lines). */
export function plainText(text: string): string {
  return stripVTControlCharacters(text).replace(/\r/g, "");
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, {
    recursive: true,
    filter: (src) => !NOT_COPIED.has(path.basename(src)),
  });
}

export interface ProjectOptions {
  readonly toolchain: Extract<Toolchain, { ok: true }>;
  /** Lines of the project's `.env`. */
  readonly dotenv: Record<string, string>;
  /** The environment (stack) the project deploys. */
  readonly stack: string;
}

/** A throwaway copy of the project, with its own `.env`, state and secrets. */
export class Project {
  readonly dir: string;
  readonly stack: string;
  private readonly toolchainEnv: NodeJS.ProcessEnv;
  private readonly terraform: Terraform;

  constructor(options: ProjectOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "django-cdktf-e2e-"));
    for (const entry of COPIED) copyTree(path.join(REPO, entry), path.join(this.dir, entry));
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    this.stack = options.stack;
    this.terraform = options.toolchain.terraform;
    this.writeEnv(options.dotenv);
    this.toolchainEnv = toolchainEnv(
      options.toolchain.terraform,
      options.toolchain.mirror,
      path.join(this.dir, ".tfcli"),
      withoutProjectSettings(process.env),
    ).env;
  }

  writeEnv(vars: Record<string, string>): void {
    const text = Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n");
    fs.writeFileSync(path.join(this.dir, ".env"), `${text}\n`);
  }

  path(rel: string): string {
    return path.join(this.dir, rel);
  }

  /** `npm run <command> -- <stack> ...`, through the project's own CLI front. */
  cli(command: string, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<RunResult> {
    const stackArgs = command === "synth" ? [] : [this.stack];
    return run(
      process.execPath,
      ["--require", "sucrase/register/ts", "scripts/cli.ts", command, ...stackArgs, ...args],
      { cwd: this.dir, env: { ...this.toolchainEnv, ...extraEnv } },
    );
  }

  /** `show -json` of the plan file `cdktf diff` or `deploy` last saved. */
  savedPlanJson(): { resource_changes?: { address: string; change: { actions: string[] } }[] } {
    const json = execFileSync(this.terraform.binary, ["show", "-json", "plan"], {
      cwd: this.path(`cdktf.out/stacks/${this.stack}`),
      env: this.toolchainEnv,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(json);
  }

  /** Actions per resource address of the plan `cdktf diff` just saved. */
  savedPlan(): Record<string, string[]> {
    const plan = this.savedPlanJson();
    const changes: Record<string, string[]> = {};
    for (const rc of plan.resource_changes ?? []) {
      if (rc.change.actions.join() !== "no-op" && rc.change.actions.join() !== "read") {
        changes[rc.address] = rc.change.actions;
      }
    }
    return changes;
  }

  secretValues(): string[] {
    const dir = this.path(`.secrets/${this.stack}`);
    return fs.readdirSync(dir)
      .filter((f) => !f.endsWith(".previous"))
      .map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function run(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGTERM"), options.timeoutMs ?? 15 * 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolve({ code: code ?? 1, output: plainText(output), seconds });
    });
  });
}

export function docker(args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

export function dockerOk(args: string[]): boolean {
  try {
    docker(args);
    return true;
  } catch {
    return false;
  }
}

export async function httpStatus(url: string): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { status: 0, body: (e as Error).message };
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

/** Removes every Docker object whose name starts with `prefix` (the project's objects). */
export function removeDockerObjects(prefix: string): void {
  const list = (args: string[]) => docker(args).split("\n").filter((n) => n.startsWith(prefix));
  const containers = list(["ps", "-a", "--format", "{{.Names}}"]);
  if (containers.length) dockerOk(["rm", "-f", "-v", ...containers]);
  const networks = list(["network", "ls", "--format", "{{.Name}}"]);
  if (networks.length) dockerOk(["network", "rm", ...networks]);
  const volumes = list(["volume", "ls", "--format", "{{.Name}}"]);
  if (volumes.length) dockerOk(["volume", "rm", "-f", ...volumes]);
  const images = list(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]);
  if (images.length) dockerOk(["rmi", "-f", ...images]);
}
