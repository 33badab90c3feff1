import { spawnSync } from "child_process";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");

function run(file: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--require", "sucrase/register/ts", file, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    timeout: 60_000,
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe("synth with bad input", () => {
  it("lists every problem, exits 1, and prints no stack trace", () => {
    const { code, out } = run("main.ts", [], {
      ENVIRONMENTS: "dev",
      DATABASE_PORT: "54x2",
      DEBUG: "maybe",
      DJANGO_ALOWED_HOSTS: "example.com",
    });
    expect(code).toBe(1);
    expect(out).toContain('config error: DATABASE_PORT must be a whole number from 1 to 65535, got "54x2"');
    expect(out).toContain('config error: DEBUG must be one of true/false, 1/0, yes/no, on/off, got "maybe"');
    expect(out).toContain(
      "config warning: DJANGO_ALOWED_HOSTS (in environment) is not a known setting; did you mean DJANGO_ALLOWED_HOSTS?",
    );
    expect(out).toContain("2 configuration error(s); nothing was synthesized.");
    expect(out).not.toMatch(/^\s+at /m);
  });
});

describe("ENVIRONMENTS invalid: the configuration's own error, once, before the environment is looked up", () => {
  it.each([
    [["synth", "dev"], "Dev,prod", /bad item "Dev"/],
    [["synth"], " ", /must name at least one environment, e\.g\. "dev", got " "/],
    [["synth", "dev"], "dev prod", /separate environment names with commas, e\.g\. "dev,prod"/],
  ])("%j with ENVIRONMENTS=%j", (argv, value, message) => {
    const { code, out } = run("scripts/cli.ts", argv, {
      ENVIRONMENTS: value,
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
    });
    expect(code).toBe(2);
    const errors = out.split("\n").filter((l) => /error/.test(l));
    expect(errors).toEqual([expect.stringMatching(/^config error: ENVIRONMENTS /)]);
    expect(errors[0]).toMatch(message);
    expect(out).not.toMatch(/unknown environment|needs an environment/);
  });

  it("still answers --help", () => {
    const { code, out } = run("scripts/cli.ts", ["--help"], { ENVIRONMENTS: "Dev,prod" });
    expect(code).toBe(0);
    expect(out).toContain("usage: npm run <command>");
  });
});

describe("backup: where the dump goes is checked before Docker is asked", () => {
  it("refuses --to naming a file, exit 2, naming it and the fix", () => {
    const { code, out } = run("scripts/cli.ts", ["backup", "dev", "--to", "/etc/passwd"], {
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
      TERRAFORM_BINARY_NAME: "/nonexistent/terraform",
    });
    expect(code).toBe(2);
    expect(out).toContain(
      "error: --to /etc/passwd is a file, not a directory; give --to a directory (made if missing), e.g. --to /mnt/backups",
    );
    expect(out).not.toMatch(/unexpected failure|Docker is not reachable|^\s+at /m);
  });
});

describe("npm run deploy|diff|destroy preflight", () => {
  it("rejects an unknown command with the usage", () => {
    const { code, out } = run("scripts/cli.ts", ["deplyo"], {});
    expect(code).toBe(2);
    expect(out).toContain('unknown command "deplyo"');
    expect(out).toContain("usage: npm run <command>");
  });

  it("says plainly when TERRAFORM_BINARY_NAME names no binary, and how to fix it: a configuration error", () => {
    const { code, out } = run("scripts/cli.ts", ["deploy", "dev", "--auto-approve"], {
      TERRAFORM_BINARY_NAME: "/nonexistent/terraform",
    });
    expect(code).toBe(2);
    expect(out).toContain(
      'cannot deploy: TERRAFORM_BINARY_NAME="/nonexistent/terraform" is not an executable file (no such file, from ',
    );
    expect(out).toContain("fix it, or unset it to use terraform or tofu from PATH");
    expect(out).not.toMatch(/^\s+at /m);
  });

  it("refuses a name not on PATH and a malformed DOCKER_HOST together, exit 2, before Docker is asked", () => {
    const { code, out } = run("scripts/cli.ts", ["diff", "dev"], {
      TERRAFORM_BINARY_NAME: "terrafrom",
      DOCKER_HOST: "notaurl",
    });
    expect(code).toBe(2);
    expect(out).toContain(
      'cannot diff: TERRAFORM_BINARY_NAME="terrafrom" is not an executable on PATH; fix it, or unset it to use terraform or tofu from PATH',
    );
    expect(out).toContain(
      'cannot diff: DOCKER_HOST="notaurl" is not the address of a Docker engine: it must be unix:///path/to/docker.sock, tcp://host:port, ssh://user@host or npipe:////./pipe/docker_engine; fix it, or unset it',
    );
    expect(out).not.toMatch(/Docker is not reachable|^\s+at /m);
  });

  it("says plainly when neither terraform nor tofu is installed", () => {
    const { code, out } = run("scripts/cli.ts", ["diff", "dev"], { PATH: path.dirname(process.execPath) });
    expect(code).toBe(1);
    expect(out).toMatch(
      /cannot diff: Neither terraform nor tofu is on PATH\. Install Terraform \(1\.7\+\) or OpenTofu/,
    );
  });

  // the Docker check comes after the Terraform check, so it needs a Terraform binary to be reached
  const haveTerraform = ["terraform", "tofu"].some((t) => spawnSync(t, ["version"]).status === 0);
  if (!haveTerraform)
    console.warn("skipping the Docker preflight test: neither terraform nor tofu is on PATH");
  (haveTerraform ? it : it.skip)("says plainly when Docker is not reachable, and how to fix it", () => {
    const { code, out } = run("scripts/cli.ts", ["deploy", "dev", "--auto-approve"], {
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
    });
    expect(code).toBe(1);
    expect(out).toContain("cannot deploy: Docker is not reachable at unix:///nonexistent/docker.sock");
    expect(out).toContain("Start Docker");
  });
});
