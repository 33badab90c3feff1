import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ContextEntry,
  DEFAULT_IGNORE,
  DjangoImage,
  DjangoImageProps,
  buildContextFiles,
  buildContextHash,
} from "../../constructs";
import { stage } from "../../constructs/staged-context";
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

describe("DjangoImage around a project it did not write", () => {
  let project: string;
  const write = (rel: string, text: string, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
    fs.writeFileSync(path.join(project, rel), text, { mode });
  };
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
    write(
      "manage.py",
      "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
      0o755,
    );
    write("mysite/settings.py", "DEBUG = True\n");
    write("requirements.txt", "Django==5.2.19\n");
    write(".env", "SECRET=never-sent\n");
    write(".git/config", "[core]\n");
    write(".venv/bin/python", "");
    write("node_modules/x/index.js", "");
    write("mysite/__pycache__/settings.cpython-313.pyc", "");
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  const wrapped = (extra: Partial<DjangoImageProps> = {}) => {
    const stack = bareStack();
    const image = new DjangoImage(stack, "AppImage", {
      repository: "t-web",
      contextDir: project,
      wrap: { settingsModule: "mysite.settings", dependencyFiles: ["requirements.txt"] },
      defaultIgnore: DEFAULT_IGNORE,
      ...extra,
    });
    return { stack, image };
  };

  it("builds the stack's Dockerfile from a context it assembles: the Dockerfile, the kit, the dependencies, the project", () => {
    const { stack, image } = wrapped();
    const json = Object.values(synthJson(stack, true).resource.docker_image)[0] as Json;
    expect(image.overlay).toBe(true);
    expect(json.build.context).toMatch(/^contexts\/AppImage_Context_[0-9A-F]{8}$/);
    expect(json.build.dockerfile).toBeUndefined();
    expect(json.build.build_args).toEqual({
      PYTHON_IMAGE: "python:3.13-slim",
      DJANGO_CDKTF_PROJECT_SETTINGS: "mysite.settings",
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "staged-"));
    stage(dir + "/ctx", image.staged!.hash, stagedEntries(image));
    const files = buildContextFiles(dir + "/ctx");
    expect(files).toEqual(
      expect.arrayContaining([
        "Dockerfile",
        "kit/docker-entrypoint",
        "kit/django_cdktf/settings.py",
        "kit/requirements-added.txt",
        "deps/requirements.txt",
        "app/manage.py",
        "app/mysite/settings.py",
        "app/requirements.txt",
      ]),
    );
    // the deny-list keeps local settings, version control, virtualenvs, caches and the kit's tests out
    expect(files.filter((f) => /\.env|\.git|\.venv|node_modules|__pycache__|tests\//.test(f))).toEqual([]);
    // the hash is the staged context's own: what Docker receives
    expect(buildContextHash(dir + "/ctx")).toBe(image.sourceHash);
    expect(fs.statSync(dir + "/ctx/app/manage.py").mode & 0o111).not.toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("rebuilds when the project's code changes, not when an ignored file does", () => {
    const before = wrapped().image.sourceHash;
    write(".env", "SECRET=changed\n");
    write(".git/HEAD", "ref\n");
    expect(wrapped().image.sourceHash).toBe(before);
    write("mysite/settings.py", "DEBUG = False\n");
    expect(wrapped().image.sourceHash).not.toBe(before);
  });

  it("follows the project's own .dockerignore when it has one", () => {
    write(".dockerignore", "*\n!manage.py\n!mysite\n");
    const { image } = wrapped();
    expect(stagedEntries(image).map((e) => e.to)).toEqual(
      expect.arrayContaining(["app/manage.py", "app/mysite/settings.py", "deps/requirements.txt"]),
    );
    expect(stagedEntries(image).map((e) => e.to)).not.toContain("app/requirements.txt");
  });

  it("builds the project's own Dockerfile from its directory, or from an assembled context without a .dockerignore", () => {
    write("docker/Dockerfile.prod", "FROM scratch\n");
    const { stack } = wrapped({
      wrap: undefined,
      contextPath: "../../../project",
      dockerfile: "docker/Dockerfile.prod",
      target: "web",
    });
    const json = Object.values(synthJson(stack, true).resource.docker_image)[0] as Json;
    // no .dockerignore: the stack's deny-list applies through an assembled context
    expect(json.build.context).toMatch(/^contexts\//);
    // absolute at plan time: the provider's two build routes read a relative one from different places
    expect(json.build.dockerfile).toBe(`\${abspath("${json.build.context}/docker/Dockerfile.prod")}`);
    expect(json.build.target).toBe("web");
    expect(json.build.build_args).toEqual({ PYTHON_IMAGE: "python:3.13-slim" });
    write(".dockerignore", ".env\n");
    const own = wrapped({
      wrap: undefined,
      contextPath: "../../../project",
      dockerfile: "docker/Dockerfile.prod",
    });
    const ownJson = Object.values(synthJson(own.stack, true).resource.docker_image)[0] as Json;
    expect(ownJson.build.context).toBe("../../../project");
    expect(own.image.overlay).toBe(false);
  });

  it("builds the project's own Dockerfile from an assembled context when the stack's files are in it, whatever its .dockerignore", () => {
    write("Dockerfile", "FROM scratch\n");
    write(".dockerignore", ".git\n");
    write(".env.dev", "DJANGO_SECRET_KEY=LEAKME\n");
    write("terraform.dev.tfstate", "{}");
    write("cdktf.out/dev/x", "{}");
    const always = [".env", ".env.*", "*.tfstate", "cdktf.out"];
    const { stack, image } = wrapped({
      wrap: undefined,
      contextPath: "../../../project",
      alwaysIgnore: always,
    });
    const json = Object.values(synthJson(stack, true).resource.docker_image)[0] as Json;
    // sent as it is, Docker would apply only the project's .dockerignore
    expect(json.build.context).toMatch(/^contexts\/AppImage_Context_/);
    expect(json.build.dockerfile).toBeUndefined();
    const sent = stagedEntries(image).map((e) => e.to);
    expect(sent).toEqual(
      expect.arrayContaining(["Dockerfile", ".dockerignore", "manage.py", "mysite/settings.py"]),
    );
    expect(sent.filter((f) => /^(\.env|terraform\.|cdktf\.out)/.test(f))).toEqual([]);
    // and around the stack's Dockerfile
    const around = wrapped({ alwaysIgnore: always }).image;
    expect(stagedEntries(around).filter((e) => /^app\/(\.env|terraform\.|cdktf\.out)/.test(e.to))).toEqual(
      [],
    );
  });

  it("fails on a missing dependency file, a bad settings module or a Dockerfile outside the context", () => {
    const { stack } = wrapped({ wrap: { settingsModule: "my site", dependencyFiles: ["uv.lock"] } });
    const errors = validationErrors(stack).join("\n");
    expect(errors).toMatch(/t\/AppImage: contextDir the dependency file uv.lock does not exist/);
    expect(errors).toMatch(/t\/AppImage: wrap.settingsModule must be a dotted module name, got "my site"/);
    const outside = wrapped({ wrap: undefined, contextPath: "x", dockerfile: "../Dockerfile" });
    expect(validationErrors(outside.stack).join("\n")).toMatch(
      /t\/AppImage: dockerfile must be a path inside the context, got "\.\.\/Dockerfile"/,
    );
  });
});

function stagedEntries(image: DjangoImage): readonly ContextEntry[] {
  return image.staged!.entries;
}
