import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  declaresContract,
  dockerfileStages,
  findDependencies,
  inspectProject,
  moduleFile,
  requirementFiles,
  settingsModuleOf,
} from "../../config/django-project";

describe("reading a Django project", () => {
  let dir: string;
  const write = (rel: string, text = "") => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds the settings module manage.py sets, in either quoting", () => {
    expect(settingsModuleOf("os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')")).toBe(
      "mysite.settings",
    );
    expect(
      settingsModuleOf('os.environ.setdefault(\n  "DJANGO_SETTINGS_MODULE",\n  "config.settings.local",\n)'),
    ).toBe("config.settings.local");
    expect(settingsModuleOf('os.environ["DJANGO_SETTINGS_MODULE"] = "site.settings"')).toBe("site.settings");
    expect(settingsModuleOf("from django.core.management import execute_from_command_line")).toBeUndefined();
  });

  it("tells a module's file, as a module or a package", () => {
    write("a/b.py");
    write("c/d/__init__.py");
    expect(moduleFile(dir, "a.b")).toBe("a/b.py");
    expect(moduleFile(dir, "c.d")).toBe("c/d/__init__.py");
    expect(moduleFile(dir, "a.nope")).toBeUndefined();
  });

  it("recognises a Dockerfile that declares the stack's image contract", () => {
    expect(declaresContract('FROM x\nLABEL django-cdktf.contract="1"\nUSER 1\n')).toBe(true);
    expect(declaresContract("LABEL maintainer=me django-cdktf.contract=1\n")).toBe(true);
    expect(declaresContract("# LABEL django-cdktf.contract=1\n")).toBe(false);
    expect(declaresContract('LABEL django-cdktf.contract="0"\n')).toBe(false);
    expect(
      declaresContract(fs.readFileSync(path.join(__dirname, "../../django-app/Dockerfile"), "utf8")),
    ).toBe(true);
  });

  it("prefers uv.lock, then poetry.lock, then requirements.txt, then pyproject.toml", () => {
    expect(findDependencies(dir)).toEqual({ problem: expect.stringMatching(/holds no requirements.txt/) });
    write("pyproject.toml", "[project]\n");
    expect(findDependencies(dir)).toEqual({ kind: "pyproject", files: ["pyproject.toml"] });
    write("requirements.txt", "Django\n");
    expect(findDependencies(dir)).toEqual({ kind: "requirements", files: ["requirements.txt"] });
    write("poetry.lock");
    expect(findDependencies(dir)).toEqual({ kind: "poetry", files: ["pyproject.toml", "poetry.lock"] });
    write("uv.lock");
    expect(findDependencies(dir)).toEqual({ kind: "uv", files: ["pyproject.toml", "uv.lock"] });
  });

  it("follows requirements.txt's includes, and refuses a local path the dependency step cannot install", () => {
    write("requirements.txt", "-r requirements/base.txt\n--constraint=constraints.txt # pins\nDjango\n");
    write("requirements/base.txt", "-r common.txt\n");
    write("requirements/common.txt", "whitenoise\n");
    write("constraints.txt", "Django==5.2.19\n");
    expect(requirementFiles(dir)).toEqual([
      "requirements.txt",
      "requirements/base.txt",
      "requirements/common.txt",
      "constraints.txt",
    ]);
    write("requirements/common.txt", "-e ./libs/mylib\n");
    expect(requirementFiles(dir)).toEqual({
      problem: expect.stringMatching(/requirements\/common.txt line 1 installs a local path/),
    });
    write("requirements/common.txt", "-r ../../outside.txt\n");
    expect(requirementFiles(dir)).toEqual({ problem: expect.stringMatching(/outside the project/) });
    write("requirements/common.txt", "-r missing.txt\n");
    expect(requirementFiles(dir)).toEqual({
      problem: expect.stringMatching(/includes requirements\/missing.txt, which does not exist/),
    });
  });

  it("says why a path is not a project directory", () => {
    expect(inspectProject(path.join(dir, "nope"))).toMatch(/does not exist$/);
    write("file");
    expect(inspectProject(path.join(dir, "file"))).toMatch(/is not a directory$/);
    write("manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'm.settings')");
    write(".dockerignore", ".env\n");
    expect(inspectProject(dir)).toMatchObject({
      managePy: true,
      settingsFromManagePy: "m.settings",
      dockerfile: false,
      contract: false,
      ignoreFile: true,
    });
  });
});

describe("a Dockerfile's build stages", () => {
  it("reads FROM ... AS <name> in any case, with --platform and continued lines, in lower case", () => {
    expect(
      dockerfileStages(
        [
          "# FROM commented AS nothing",
          "ARG PYTHON_IMAGE=python:3.13-slim",
          "FROM ${PYTHON_IMAGE} AS Builder",
          "from --platform=$BUILDPLATFORM node:22 as assets",
          "FROM \\",
          "  builder \\",
          "  AS production",
          "FROM production",
        ].join("\n"),
      ),
    ).toEqual(["builder", "assets", "production"]);
    expect(dockerfileStages("FROM python:3.13-slim\nRUN echo AS x\n")).toEqual([]);
  });
});
