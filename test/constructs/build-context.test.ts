import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildContextFiles, buildContextHash } from "../../constructs/build-context";

describe("build context hash", () => {
  let dir: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-"));
    write("Dockerfile", "FROM scratch\n");
    write(
      ".dockerignore",
      ["# allow-list", "*", "!manage.py", "!config", "config/**/__pycache__", ".env"].join("\n"),
    );
    write("manage.py", "print('hi')\n");
    write("config/settings.py", "X = 1\n");
    write("config/__pycache__/settings.cpython-313.pyc", "bytecode");
    write(".env", "DJANGO_SECRET_KEY=abc\n");
    write("tests/test_x.py", "assert True\n");
    write(".venv/lib/site.py", "venv\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("covers exactly the files docker build sends, plus the Dockerfile and .dockerignore", () => {
    expect(buildContextFiles(dir)).toEqual([
      ".dockerignore",
      "Dockerfile",
      "config/settings.py",
      "manage.py",
    ]);
  });

  it("does not change when an ignored file changes", () => {
    const before = buildContextHash(dir);
    write(".env", "DJANGO_SECRET_KEY=changed\n");
    write("tests/test_x.py", "assert False\n");
    write("config/__pycache__/settings.cpython-313.pyc", "other bytecode");
    write("notes.txt", "new ignored file");
    expect(buildContextHash(dir)).toBe(before);
  });

  it("changes when a file the image receives changes, is renamed or becomes executable", () => {
    const first = buildContextHash(dir);
    write("config/settings.py", "X = 2\n");
    const second = buildContextHash(dir);
    expect(second).not.toBe(first);
    fs.renameSync(path.join(dir, "config/settings.py"), path.join(dir, "config/base.py"));
    const third = buildContextHash(dir);
    expect(third).not.toBe(second);
    fs.chmodSync(path.join(dir, "manage.py"), 0o755);
    expect(buildContextHash(dir)).not.toBe(third);
  });

  it("changes when the Dockerfile or .dockerignore changes, even if .dockerignore lists them", () => {
    const before = buildContextHash(dir);
    write(".dockerignore", ["*", "!manage.py", "!config", "Dockerfile", ".dockerignore"].join("\n"));
    const after = buildContextHash(dir);
    expect(after).not.toBe(before);
    write("Dockerfile", "FROM scratch\nUSER 1\n");
    expect(buildContextHash(dir)).not.toBe(after);
  });

  it("honours exceptions inside ignored directories", () => {
    write(".dockerignore", ["docs", "!docs/keep.md"].join("\n"));
    write("docs/keep.md", "kept");
    write("docs/drop.md", "dropped");
    expect(buildContextFiles(dir)).toContain("docs/keep.md");
    expect(buildContextFiles(dir)).not.toContain("docs/drop.md");
  });

  it("fails clearly without a Dockerfile", () => {
    fs.rmSync(path.join(dir, "Dockerfile"));
    expect(() => buildContextHash(dir)).toThrow(/no Dockerfile in the build context/);
  });

  it("gives the real django-app a hash that ignores its local clutter", () => {
    const app = path.resolve(__dirname, "..", "..", "django-app");
    const files = buildContextFiles(app);
    expect(files).toContain("Dockerfile");
    expect(files).toContain("manage.py");
    expect(files.some((f) => /(^|\/)(\.venv|\.env|__pycache__)(\/|$)/.test(f))).toBe(false);
  });
});
