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

import { quoted } from "../constructs/quote";
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

/**
 * What a command needs is missing or wrong. `exitCode` 2: a setting is wrong (a usage or
 * configuration error: TERRAFORM_BINARY_NAME naming nothing, a DOCKER_HOST that is not an engine's
 * address), which only the user can fix; 1: the machine lacks something (no Terraform installed, an
 * engine that does not answer), which may be temporary.
 */
export class PrerequisiteError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  // a path, not a name: absolute, because cdktf runs it from cdktf.out/stacks/<stack>
  if (name.includes("/")) return isExecutableFile(name) ? path.resolve(name) : undefined;
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

/**
 * Why TERRAFORM_BINARY_NAME names no binary to run, or undefined when it does. Set, it is the user's
 * choice, so naming nothing is a configuration error (exit 2), whether a path or a name on PATH.
 */
export function terraformBinaryProblem(wanted: string): string | undefined {
  if (onPath(wanted)) return undefined;
  const fix = "fix it, or unset it to use terraform or tofu from PATH";
  if (!wanted.includes("/")) {
    return `TERRAFORM_BINARY_NAME=${quoted(wanted)} is not an executable on PATH; ${fix}, or give the binary's path (e.g. .tools/bin/tofu)`;
  }
  const stat = fs.statSync(wanted, { throwIfNoEntry: false });
  const what = !stat
    ? "no such file"
    : stat.isDirectory()
      ? "a directory"
      : !stat.isFile()
        ? "not a regular file"
        : "not executable (chmod +x it)";
  return `TERRAFORM_BINARY_NAME=${quoted(wanted)} is not an executable file (${what}, from ${process.cwd()}); ${fix}`;
}

/** Schemes of DOCKER_HOST the docker CLI and the docker provider both connect to. */
const DOCKER_SCHEMES = ["unix", "tcp", "ssh", "npipe"];

/**
 * Why DOCKER_HOST is not the address of a Docker engine, or undefined: a scheme the provider
 * understands and an address after it (a host and a port that parse, for tcp:// and ssh://).
 * Whether an engine answers there is `checkDocker`'s question.
 */
export function dockerHostProblem(host: string): string | undefined {
  const m = /^([a-z]+):\/\/(.+)$/.exec(host);
  let wrong = !m || !DOCKER_SCHEMES.includes(m[1]) || /[\s\p{Cc}\p{Cf}]/u.test(host);
  if (!wrong && (m![1] === "tcp" || m![1] === "ssh")) {
    try {
      wrong = new URL(`${m![1] === "tcp" ? "http" : "ssh"}://${m![2]}`).hostname === "";
    } catch {
      wrong = true;
    }
  }
  if (!wrong) return undefined;
  return `DOCKER_HOST=${quoted(host)} is not the address of a Docker engine: it must be unix:///path/to/docker.sock, tcp://host:port, ssh://user@host or npipe:////./pipe/docker_engine; fix it, or unset it to use the local engine (unix:///var/run/docker.sock)`;
}

/**
 * The toolchain settings that are wrong whatever the machine (exit 2), all of them, before
 * anything is looked up or asked.
 */
export function toolchainSettingProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  if (env.TERRAFORM_BINARY_NAME) {
    const problem = terraformBinaryProblem(env.TERRAFORM_BINARY_NAME);
    if (problem) problems.push(problem);
  }
  if (env.DOCKER_HOST) {
    const problem = dockerHostProblem(env.DOCKER_HOST);
    if (problem) problems.push(problem);
  }
  return problems;
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
  if (wanted) throw new PrerequisiteError(terraformBinaryProblem(wanted)!, 2);
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
  const malformed = env.DOCKER_HOST ? dockerHostProblem(env.DOCKER_HOST) : undefined;
  if (malformed) throw new PrerequisiteError(malformed, 2);
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
