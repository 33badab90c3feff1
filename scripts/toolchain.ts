/**
 * Finds what `cdktf diff|deploy|destroy` needs and says plainly what is missing: a Terraform or
 * OpenTofu binary, a reachable Docker engine, and the docker provider (from a local filesystem
 * mirror when there is one, which is how air-gapped machines run this project).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";

import { DOCKER_PROVIDER } from "../stacks/provider-version";

export const PROVIDER = DOCKER_PROVIDER;
/** `removed` blocks (used to forget a data volume instead of deleting it) need 1.7. */
const MIN_VERSION = [1, 7] as const;

export interface Terraform {
  /** What cdktf runs (TERRAFORM_BINARY_NAME). */
  readonly binary: string;
  readonly flavour: "terraform" | "tofu";
  readonly version: string;
}

export class PrerequisiteError extends Error {}

function onPath(name: string): string | undefined {
  // a path, not a name: absolute, because cdktf runs it from cdktf.out/stacks/<stack>
  if (name.includes("/")) return fs.existsSync(name) ? path.resolve(name) : undefined;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** TERRAFORM_BINARY_NAME if set, else terraform, else tofu. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): Terraform {
  const wanted = env.TERRAFORM_BINARY_NAME;
  const candidates = wanted ? [wanted] : ["terraform", "tofu"];
  for (const name of candidates) {
    const binary = onPath(name);
    if (!binary) continue;
    const out = spawnSync(binary, ["version", "-json"], { encoding: "utf8", timeout: 30_000 });
    let version: string;
    try {
      version = JSON.parse(out.stdout).terraform_version ?? "";
    } catch {
      version = /v?(\d+\.\d+\.\d+)/.exec(out.stdout ?? "")?.[1] ?? "";
    }
    const [major, minor] = version.split(".").map(Number);
    if (!(major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1]))) {
      throw new PrerequisiteError(
        `${binary} is version ${version || "unknown"}; this project needs Terraform or OpenTofu ${MIN_VERSION.join(".")} or newer. Upgrade it, or set TERRAFORM_BINARY_NAME to a newer binary.`,
      );
    }
    const flavour = /tofu/.test(path.basename(binary)) ? "tofu" : "terraform";
    return { binary, flavour, version };
  }
  if (wanted) {
    throw new PrerequisiteError(
      `TERRAFORM_BINARY_NAME=${wanted} is not an executable on PATH. Fix the name, or unset it to use terraform or tofu from PATH.`,
    );
  }
  throw new PrerequisiteError(
    "Neither terraform nor tofu is on PATH. Install Terraform (1.7+) or OpenTofu (1.7+), or build " +
      "OpenTofu from the Go module proxy with `bash scripts/install-opentofu.sh` and set TERRAFORM_BINARY_NAME=.tools/bin/tofu.",
  );
}

/** Directory holding `<host>/kreuzwerker/docker/<version>/<os>_<arch>/`, if any. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.TF_PROVIDER_MIRROR;
  const dirs = explicit ? [explicit] : [path.join(os.homedir(), ".terraform.d", "plugins")];
  const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const host of fs.readdirSync(dir)) {
      const pkg = path.join(dir, host, PROVIDER.namespace, PROVIDER.type, PROVIDER.version, platform);
      if (fs.existsSync(pkg) && fs.readdirSync(pkg).some((f) => f.startsWith("terraform-provider-docker"))) {
        return dir;
      }
    }
  }
  if (explicit) {
    throw new PrerequisiteError(
      `TF_PROVIDER_MIRROR=${explicit} holds no ${PROVIDER.namespace}/${PROVIDER.type} ${PROVIDER.version} for ${platform}. ` +
        `Lay it out as <dir>/<registry host>/${PROVIDER.namespace}/${PROVIDER.type}/${PROVIDER.version}/${platform}/terraform-provider-docker_v${PROVIDER.version} (see the README), or unset TF_PROVIDER_MIRROR.`,
    );
  }
  return undefined;
}

/**
 * A CLI configuration that installs the docker provider from the mirror and everything else
 * directly. Returns the file path, for TF_CLI_CONFIG_FILE.
 */
export function writeCliConfig(mirror: string, dir: string): string {
  const source = `${PROVIDER.namespace}/${PROVIDER.type}`;
  const text = [
    "# written by scripts/toolchain.ts: the docker provider comes from a local filesystem mirror",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${JSON.stringify(source)}]`,
    "  }",
    "  direct {",
    `    exclude = [${JSON.stringify(source)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "terraform-cli.tfrc");
  fs.writeFileSync(file, text);
  return file;
}

/** Pings the engine the provider will use (DOCKER_HOST, else the local socket). */
export async function checkDocker(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const host = env.DOCKER_HOST || "unix:///var/run/docker.sock";
  const fix =
    "Start Docker (`sudo systemctl start docker`, or Docker Desktop), or point DOCKER_HOST at a reachable engine (unix://, tcp:// or ssh://user@host).";
  if (onPath("docker")) {
    try {
      const version = execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], {
        encoding: "utf8",
        timeout: 30_000,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      }).trim();
      return `Docker ${version} at ${host}`;
    } catch (e) {
      const stderr = String((e as { stderr?: string }).stderr ?? "")
        .trim()
        .split("\n")
        .pop();
      throw new PrerequisiteError(`Docker is not reachable at ${host}: ${stderr || "no answer"}. ${fix}`);
    }
  }
  if (!host.startsWith("unix://") && !host.startsWith("tcp://")) {
    return `Docker at ${host} (not checked: no docker CLI on this machine)`;
  }
  const request = host.startsWith("unix://")
    ? { socketPath: host.slice("unix://".length), path: "/_ping" }
    : {
        host: new URL(host.replace("tcp://", "http://")).hostname,
        port: Number(new URL(host.replace("tcp://", "http://")).port || 2375),
        path: "/_ping",
      };
  await new Promise<void>((resolve, reject) => {
    const req = http.get({ ...request, timeout: 10_000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`HTTP ${res.statusCode}`));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  }).catch((e: Error) => {
    throw new PrerequisiteError(`Docker is not reachable at ${host}: ${e.message}. ${fix}`);
  });
  return `Docker at ${host}`;
}

/**
 * The environment cdktf should run with: TERRAFORM_BINARY_NAME, the mirror's CLI config when a
 * mirror exists (unless the user has a CLI config of their own), telemetry off.
 */
export function toolchainEnv(
  terraform: Terraform,
  mirror: string | undefined,
  configDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { env: NodeJS.ProcessEnv; notes: string[] } {
  const notes: string[] = [];
  const out: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: "1", TERRAFORM_BINARY_NAME: terraform.binary };
  const userConfig = env.TF_CLI_CONFIG_FILE;
  if (mirror) {
    if (userConfig && fs.existsSync(userConfig) && !env.TF_PROVIDER_MIRROR) {
      notes.push(
        `using your TF_CLI_CONFIG_FILE (${userConfig}); the provider mirror at ${mirror} is not added to it`,
      );
    } else {
      out.TF_CLI_CONFIG_FILE = writeCliConfig(mirror, configDir);
      notes.push(`docker provider ${PROVIDER.version} from the local mirror ${mirror}`);
    }
  } else {
    if (userConfig && !fs.existsSync(userConfig)) delete out.TF_CLI_CONFIG_FILE;
    notes.push(
      `no local provider mirror: ${terraform.flavour} downloads ${PROVIDER.namespace}/${PROVIDER.type} ${PROVIDER.version} from its registry`,
    );
  }
  return { env: out, notes };
}
