import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DjangoImage } from "../../constructs";
import { SOURCE_HASH, bareStack } from "../support/constructs";
import { Json, PROJECT_ROOT, synthJson, validationErrors } from "../support/stack";

describe("DjangoImage", () => {
  it("tags and triggers the build with the content hash, and passes the base image as a build argument", () => {
    const stack = bareStack();
    const image = new DjangoImage(stack, "AppImage", {
      repository: "t-web",
      contextDir: "/nowhere",
      contextPath: "../../../app",
      sourceHash: SOURCE_HASH,
    });
    const [json] = Object.values(synthJson(stack).resource.docker_image) as Json[];
    expect(image.name).toBe("t-web:src-0123456789ab");
    expect(json).toMatchObject({
      name: "t-web:src-0123456789ab",
      triggers: { source_hash: SOURCE_HASH },
      build: { context: "../../../app", build_args: { PYTHON_IMAGE: "python:3.13-slim" } },
    });
  });

  it("hashes the build context itself when no hash is given", () => {
    const stack = bareStack();
    const image = new DjangoImage(stack, "AppImage", {
      repository: "t-web",
      contextDir: path.join(PROJECT_ROOT, "django-app"),
      contextPath: "x",
    });
    expect(image.sourceHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("fails without a Dockerfile, and on a bad repository or an unpinned base image", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-dockerfile-"));
    const stack = bareStack();
    new DjangoImage(stack, "AppImage", {
      repository: "T Web",
      contextDir: empty,
      contextPath: "x",
      baseImage: "python",
    });
    const errors = validationErrors(stack).join("\n");
    expect(errors).toMatch(
      /t\/AppImage: contextDir no Dockerfile in the build context .*; point it at a directory holding a Dockerfile/,
    );
    expect(errors).toMatch(/t\/AppImage: repository must be an image repository name .*got "T Web"/);
    expect(errors).toMatch(
      /t\/AppImage: baseImage must carry a tag other than latest, or a digest, got "python"/,
    );
  });
});
