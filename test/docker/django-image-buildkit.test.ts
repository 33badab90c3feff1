/**
 * The Django image also builds with BuildKit, the way the Terraform provider builds it: a tar of the
 * context (filtered by .dockerignore on the client side) posted to the Engine API's /build with
 * version=2. The docker CLI here has no buildx, so this test speaks to the API itself. The context is
 * exactly the file set the stack hashes (constructs/build-context.ts), so this also proves that hash
 * covers everything the image needs.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { DjangoImageContract } from "../../constructs/contracts";
import { buildContextFiles } from "../../constructs/build-context";
import { docker, mustDocker, prepareEngine } from "../../scripts/lib/docker";
import { mustRun } from "../../scripts/lib/process";
import { DJANGO_APP } from "../support/paths";

const MINUTE = 60_000;
jest.setTimeout(3 * MINUTE);

const image = `django-app-buildkit-test:${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
let workDir = "";

function engineSocket(): string {
  const host = process.env.DOCKER_HOST ?? "";
  return host.startsWith("unix://") ? host.slice("unix://".length) : "/var/run/docker.sock";
}

/** POST /build?version=2 (BuildKit) with the tar as body; resolves to the image id. */
function buildWithBuildKit(tarPath: string, tag: string, buildArgs: Record<string, string>): Promise<string> {
  const query = new URLSearchParams({
    version: "2",
    t: tag,
    buildargs: JSON.stringify(buildArgs),
    rm: "1",
    forcerm: "1",
  });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        socketPath: engineSocket(),
        method: "POST",
        path: `/build?${query}`,
        headers: { "Content-Type": "application/x-tar" },
      },
      (response) => {
        let buffered = "";
        const errors: string[] = [];
        let imageId = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines.filter((l) => l.trim())) {
            const message = JSON.parse(line);
            if (message.error) errors.push(message.errorDetail?.message ?? message.error);
            if (message.id === "moby.image.id") imageId = message.aux.ID;
          }
        });
        response.on("end", () => {
          if (response.statusCode !== 200 || errors.length > 0 || !imageId) {
            reject(
              new Error(
                `BuildKit build failed (HTTP ${response.statusCode}): ${errors.join("\n") || buffered}`,
              ),
            );
          } else {
            resolve(imageId);
          }
        });
      },
    );
    request.on("error", reject);
    fs.createReadStream(tarPath).on("error", reject).pipe(request);
  });
}

beforeAll(async () => {
  const { python: pythonImage } = await prepareEngine();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "django-buildkit-"));
  const tarPath = path.join(workDir, "context.tar");
  await mustRun("tar", [
    "--create",
    "--file",
    tarPath,
    "--directory",
    DJANGO_APP,
    "--",
    ...buildContextFiles(DJANGO_APP),
  ]);
  await buildWithBuildKit(tarPath, image, { [DjangoImageContract.baseImageBuildArg]: pythonImage });
}, 20 * MINUTE);

afterAll(async () => {
  await docker("rmi", image);
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("the Django image built with BuildKit through the Engine API", () => {
  it("keeps the contract's user, port, entrypoint, healthcheck and stop signal", async () => {
    const config = JSON.parse(await mustDocker("image", "inspect", "--format", "{{json .Config}}", image));
    expect(config.User).toBe(`${DjangoImageContract.uid}:${DjangoImageContract.gid}`);
    expect(Object.keys(config.ExposedPorts)).toEqual([`${DjangoImageContract.port}/tcp`]);
    expect(config.Entrypoint).toEqual(["docker-entrypoint"]);
    expect(config.Cmd).toEqual([...DjangoImageContract.commands.serve]);
    expect(config.Healthcheck.Test).toEqual([
      "CMD",
      "docker-entrypoint",
      ...DjangoImageContract.commands.healthcheckLive,
    ]);
    expect(config.StopSignal).toBe("SIGTERM");
    expect(config.Env).toEqual(expect.arrayContaining(["PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1"]));
  });

  it("holds collected static files and the app, but no tests or dev requirements", async () => {
    const probe = (...args: string[]) =>
      docker("run", "--rm", "--read-only", "--network", "none", image, ...args);
    expect((await probe("test", "-f", "/app/staticfiles/staticfiles.json")).code).toBe(0);
    expect((await probe("test", "-f", "/app/config/settings.py")).code).toBe(0);
    expect((await probe("test", "-e", "/app/core/tests")).code).not.toBe(0);
    expect((await probe("test", "-e", "/app/requirements-dev.txt")).code).not.toBe(0);
  });

  it("runs Django's system checks on a read-only root filesystem", async () => {
    const result = await docker(
      "run",
      "--rm",
      "--read-only",
      "--tmpfs",
      "/tmp",
      "--cap-drop",
      "ALL",
      "--network",
      "none",
      image,
      "manage",
      "check",
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("System check identified no issues");
  });
});
