/**
 * A throwaway copy of the project that drives the real CLI (`scripts/cli.ts`, hence cdktf,
 * Terraform or OpenTofu, the docker provider) against the real Docker engine, so the working tree,
 * its state and its secrets are never touched. Used by the e2e suite and the lifecycle benchmark.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import {
  PROVIDER,
  PrerequisiteError,
  Terraform,
  findProviderMirror,
  findTerraform,
  toolchainEnv,
} from "../toolchain";
import { OWN_PREFIXES, SETTINGS } from "../../config/settings";
import { REPO, execDocker } from "./docker";
import { RunOptions, RunResult, run } from "./process";

export { REPO };
/** What a copy of the project holds: its code, without node_modules, state or secrets. */
export const COPIED = [
  "main.ts",
  "cdktf.json",
  "package.json",
  "tsconfig.json",
  "config",
  "stacks",
  "constructs",
  "scripts",
  "django-app",
];
const NOT_COPIED = new Set([".venv", "__pycache__", "staticfiles", "node_modules", ".pytest_cache"]);

/** The names by which a CI runner marks its jobs (the project warns in CI when SECRETS_HASH_KEY is missing). */
const CI_MARKERS = /^(CI|CONTINUOUS_INTEGRATION|GITHUB_.*|RUNNER_.*)$/;

/**
 * The process environment without this machine's own settings for the project (every name in
 * config/settings.ts, its NAME__<ENV> forms, and our prefixes) and without a CI runner's markers,
 * so a copy sees only its `.env` and behaves as on a workstation, whether the suite runs on a
 * laptop or in CI. A test of CI behaviour sets the markers itself.
 */
export function withoutProjectSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const names = new Set(SETTINGS.map((s) => s.name));
  const ours = (key: string) => {
    const base = key.replace(/__[A-Z0-9_]+$/, "");
    return names.has(base) || OWN_PREFIXES.some((p) => base.startsWith(p)) || CI_MARKERS.test(key);
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
      return {
        ok: false,
        reason: "no Docker engine answers `docker version` (run ../shared/tools/docker-engine)",
      };
    }
    const mirror = findProviderMirror();
    if (!mirror) {
      return {
        ok: false,
        reason: `no local mirror of the docker provider ${PROVIDER.version} (TF_PROVIDER_MIRROR or ~/.terraform.d/plugins) and no Terraform registry here`,
      };
    }
    return {
      ok: true,
      terraform,
      mirror,
      summary: `${terraform.flavour} ${terraform.version}, ${docker}, provider mirror ${mirror}`,
    };
  } catch (e) {
    if (e instanceof PrerequisiteError) return { ok: false, reason: e.message };
    throw e;
  }
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

export function copyTree(from: string, to: string): void {
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
  /** The tree to copy the project from (e.g. an earlier release). @default this repository */
  readonly from?: string;
  /** The `node_modules` the copy uses (an earlier release has its own). @default this repository's */
  readonly nodeModules?: string;
}

/** A throwaway copy of the project, with its own `.env`, state and secrets. */
export class Project {
  readonly dir: string;
  readonly stack: string;
  private readonly toolchainEnv: NodeJS.ProcessEnv;
  private readonly terraform: Terraform;

  constructor(options: ProjectOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "django-cdktf-e2e-"));
    this.copyCode(options.from ?? REPO, options.nodeModules);
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

  /**
   * Replaces the project's code with the tree at `from`, and its `node_modules` with a link to
   * `nodeModules`; `.env`, state and secrets stay.
   */
  copyCode(from: string, nodeModules = path.join(REPO, "node_modules")): void {
    for (const entry of COPIED) {
      fs.rmSync(path.join(this.dir, entry), { recursive: true, force: true });
      if (fs.existsSync(path.join(from, entry))) copyTree(path.join(from, entry), path.join(this.dir, entry));
    }
    fs.rmSync(path.join(this.dir, "node_modules"), { force: true });
    fs.symlinkSync(nodeModules, path.join(this.dir, "node_modules"), "dir");
  }

  writeEnv(vars: Record<string, string>): void {
    const text = Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n");
    fs.writeFileSync(path.join(this.dir, ".env"), `${text}\n`);
  }

  path(rel: string): string {
    return path.join(this.dir, rel);
  }

  /** `npm run <command> -- <stack> ...`, through the project's own CLI front. */
  cli(
    command: string,
    args: string[] = [],
    extraEnv: Record<string, string> = {},
    onSpawn?: RunOptions["onSpawn"],
  ): Promise<RunResult> {
    const stackArgs = command === "synth" ? [] : [this.stack];
    return this.cliWith(command, [...stackArgs, ...args], extraEnv, onSpawn);
  }

  /** `npm run <command> -- <args ...>` as given: other environments, several, or `entry`. */
  cliWith(
    command: string,
    args: string[],
    extraEnv: Record<string, string> = {},
    onSpawn?: RunOptions["onSpawn"],
  ): Promise<RunResult> {
    return run(process.execPath, ["--require", "sucrase/register/ts", "scripts/cli.ts", command, ...args], {
      cwd: this.dir,
      env: { ...this.toolchainEnv, ...extraEnv },
      onSpawn,
    });
  }

  /** The stacks of the environment: its long-lived part, then its releases. */
  get stacks(): string[] {
    return [this.stack, `${this.stack}-app`];
  }

  /** `show -json` of the plan file the last diff or deploy saved for one of the stacks. */
  savedPlanJson(stack = this.stack): {
    resource_changes?: { address: string; previous_address?: string; change: { actions: string[] } }[];
  } {
    const json = execFileSync(this.terraform.binary, ["show", "-json", "plan"], {
      cwd: this.path(`cdktf.out/${this.stack}/stacks/${stack}`),
      env: this.toolchainEnv,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(json);
  }

  /** Actions per resource address of the plans the last diff saved, both stacks. */
  savedPlan(): Record<string, string[]> {
    const changes: Record<string, string[]> = {};
    for (const stack of this.stacks) {
      for (const rc of this.savedPlanJson(stack).resource_changes ?? []) {
        const actions = rc.change.actions.join();
        if (actions !== "no-op" && actions !== "read") changes[rc.address] = rc.change.actions;
      }
    }
    return changes;
  }

  /** The running release's app container (names change with every release). */
  webContainer(): string {
    return execDocker([
      "ps",
      "--filter",
      `label=django-cdktf.stack=${this.stack}-app`,
      "--filter",
      "label=django-cdktf.role=web",
      "--format",
      "{{.Names}}",
    ])
      .split("\n")
      .filter((n) => n !== "")[0];
  }

  secretValues(): string[] {
    const dir = this.path(`.secrets/${this.stack}`);
    return fs
      .readdirSync(dir)
      .filter((f) => !f.endsWith(".previous"))
      .map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The tree of this repository at `rev` (an earlier release), with its own dependencies from its own
 * lock file (it may use packages this one no longer has): its path, or why there is none. The
 * caller removes it.
 */
export function releaseTree(rev: string): { dir: string } | { reason: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "django-cdktf-previous-"));
  try {
    execFileSync("sh", ["-c", 'git -C "$1" archive "$2" | tar -x -C "$3"', "sh", REPO, rev, dir]);
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return { reason: `the release ${rev} is not in this clone's history` };
  }
  try {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: "pipe", timeout: 10 * 60_000 });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { reason: `npm ci of the release ${rev} failed: ${String(error).slice(0, 400)}` };
  }
  return { dir };
}
