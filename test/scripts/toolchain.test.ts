/**
 * The toolchain settings that are wrong whatever the machine (a configuration error, exit 2), told
 * apart from what the machine lacks (exit 1).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  PrerequisiteError,
  checkDocker,
  dockerHostProblem,
  findTerraform,
  terraformBinaryProblem,
  toolchainSettingProblems,
} from "../../scripts/toolchain";

describe("DOCKER_HOST", () => {
  it.each([
    "unix:///var/run/docker.sock",
    "unix://relative.sock",
    "tcp://127.0.0.1:2376",
    "tcp://docker.example",
    "ssh://deploy@dev-host",
    "ssh://deploy@dev-host:2222",
    "npipe:////./pipe/docker_engine",
  ])("takes %s", (host) => expect(dockerHostProblem(host)).toBeUndefined());

  it.each([
    ["notaurl"],
    ["unix://"],
    ["tcp://"],
    ["tcp://host:abc"],
    ["http://localhost:2375"],
    ["ssh://"],
    ["tcp://host:2376 "],
    ["\u200btcp://host:2376"],
  ])("refuses %j, naming the value and the fix", (host) => {
    const problem = dockerHostProblem(host);
    expect(problem).toMatch(
      /^DOCKER_HOST=".*" is not the address of a Docker engine: it must be unix:\/\/\/path/,
    );
    expect(problem).toMatch(/fix it, or unset it to use the local engine/);
    expect(problem).not.toMatch(/[\u200b]/);
  });

  it("is a configuration error (exit 2) at checkDocker too; an engine that does not answer stays exit 1", async () => {
    await expect(checkDocker({ DOCKER_HOST: "notaurl" })).rejects.toMatchObject({ exitCode: 2 });
    await expect(
      checkDocker({ ...process.env, DOCKER_HOST: "unix:///nonexistent/x.sock" }),
    ).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/^Docker is not reachable at unix:\/\/\/nonexistent\/x\.sock/),
    });
  });
});

describe("TERRAFORM_BINARY_NAME", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "toolchain-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("refuses a name not on PATH and a path to nothing, a directory or a file not executable", () => {
    expect(terraformBinaryProblem("terrafrom")).toMatch(
      /^TERRAFORM_BINARY_NAME="terrafrom" is not an executable on PATH; fix it, or unset it/,
    );
    expect(terraformBinaryProblem(path.join(dir, "nope"))).toMatch(
      /is not an executable file \(no such file, from /,
    );
    expect(terraformBinaryProblem(dir)).toMatch(/is not an executable file \(a directory, from /);
    fs.writeFileSync(path.join(dir, "tofu"), "#!/bin/sh\n", { mode: 0o644 });
    expect(terraformBinaryProblem(path.join(dir, "tofu"))).toMatch(/not executable \(chmod \+x it\)/);
    fs.chmodSync(path.join(dir, "tofu"), 0o755);
    expect(terraformBinaryProblem(path.join(dir, "tofu"))).toBeUndefined();
  });

  it("throws exit 2 for a TERRAFORM_BINARY_NAME naming nothing, exit 1 when nothing is installed", () => {
    expect(() => findTerraform({ TERRAFORM_BINARY_NAME: path.join(dir, "nope") })).toThrow(PrerequisiteError);
    try {
      findTerraform({ TERRAFORM_BINARY_NAME: path.join(dir, "nope") });
    } catch (e) {
      expect((e as PrerequisiteError).exitCode).toBe(2);
    }
    const saved = process.env.PATH;
    process.env.PATH = dir;
    try {
      findTerraform({});
      throw new Error("expected no terraform");
    } catch (e) {
      expect(e).toBeInstanceOf(PrerequisiteError);
      expect((e as PrerequisiteError).exitCode).toBe(1);
    } finally {
      process.env.PATH = saved;
    }
  });

  it("lists every wrong toolchain setting at once", () => {
    expect(
      toolchainSettingProblems({ TERRAFORM_BINARY_NAME: path.join(dir, "nope"), DOCKER_HOST: "notaurl" }),
    ).toEqual([expect.stringMatching(/^TERRAFORM_BINARY_NAME=/), expect.stringMatching(/^DOCKER_HOST=/)]);
    expect(toolchainSettingProblems({})).toEqual([]);
  });
});
