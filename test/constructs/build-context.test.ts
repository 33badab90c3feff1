import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  DEFAULT_IGNORE,
  buildContextFiles,
  buildContextHash,
  contextEntries,
  entriesHash,
  stackOwnIgnore,
  wouldSend,
} from "../../constructs/build-context";

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

describe("the stack's deny-list for a project without a .dockerignore", () => {
  let dir: string;
  const write = (rel: string, text = "x") => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "deny-"));
    for (const rel of [
      "manage.py",
      "mysite/settings.py",
      "mysite/static/site.css",
      ".env",
      ".env.production",
      "mysite/.env",
      ".git/HEAD",
      ".venv/bin/python",
      "venv/bin/python",
      "frontend/node_modules/x/index.js",
      ".secrets/dev/database_password",
      "mysite/__pycache__/settings.cpython-313.pyc",
      ".pytest_cache/v/x",
      "db.sqlite3",
      "cdktf.out/stacks/dev/cdk.tf.json",
      "terraform.dev.tfstate",
    ])
      write(rel);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("sends the code and none of VCS, virtualenvs, node_modules, .env*, the secrets, caches, databases or state", () => {
    expect(buildContextFiles(dir, DEFAULT_IGNORE)).toEqual([
      "manage.py",
      "mysite/settings.py",
      "mysite/static/site.css",
    ]);
    expect(wouldSend(dir, ".secrets/dev/database_password", DEFAULT_IGNORE)).toBe(false);
    expect(wouldSend(dir, "mysite/views.py", DEFAULT_IGNORE)).toBe(true);
  });

  it("gives way to the project's own .dockerignore, and the hash follows whichever applies", () => {
    const denied = entriesHash(contextEntries(dir, "", DEFAULT_IGNORE));
    write(".env", "changed");
    expect(entriesHash(contextEntries(dir, "", DEFAULT_IGNORE))).toBe(denied);
    write(".dockerignore", "*.sqlite3\n");
    const own = contextEntries(dir, "", DEFAULT_IGNORE).map((e) => e.to);
    expect(own).toContain(".env");
    expect(own).not.toContain("db.sqlite3");
    expect(entriesHash(contextEntries(dir, "", DEFAULT_IGNORE))).not.toBe(denied);
  });

  it("places entries under a directory of the context, and hashes them by their place", () => {
    const entries = contextEntries(dir, "app", DEFAULT_IGNORE);
    expect(entries[0]).toEqual({ from: path.join(dir, "manage.py"), to: "app/manage.py" });
    expect(entriesHash(entries)).not.toBe(entriesHash(contextEntries(dir, "", DEFAULT_IGNORE)));
  });
});

describe("the stack's own files inside a project, whatever its .dockerignore says", () => {
  let dir: string;
  const write = (rel: string, text = "x") => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "own-"));
    for (const rel of [
      "manage.py",
      "mysite/settings.py",
      "mysite/.env",
      "docs/terraform.tfstate.md",
      ".env",
      ".env.dev",
      ".secrets/dev/database_password",
      "backups/dev/dev.dump",
      "cdktf.out/dev/stacks/dev-app/cdk.tf.json",
      "terraform.dev.tfstate",
      "terraform.dev.tfstate.backup",
      ".terraform/providers/x",
    ])
      write(rel);
    // the project's own rules name none of the stack's files
    write(".dockerignore", ".secrets\nnode_modules\n.git\n");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps the settings, secrets, backups, state and cdktf.out of a stack rooted at the project out", () => {
    const always = stackOwnIgnore(dir, dir, [".secrets", "backups"]);
    // without them, the project's .dockerignore alone lets everything of the stack's but .secrets through
    expect(buildContextFiles(dir, DEFAULT_IGNORE)).toEqual(
      expect.arrayContaining([".env.dev", "backups/dev/dev.dump"]),
    );
    expect(buildContextFiles(dir, DEFAULT_IGNORE, always)).toEqual([
      ".dockerignore",
      "docs/terraform.tfstate.md",
      "manage.py",
      "mysite/.env",
      "mysite/settings.py",
    ]);
    expect(wouldSend(dir, ".env.prod", DEFAULT_IGNORE, always)).toBe(false);
    expect(wouldSend(dir, "terraform.prod-app.tfstate", DEFAULT_IGNORE, always)).toBe(false);
    expect(wouldSend(dir, "mysite/views.py", DEFAULT_IGNORE, always)).toBe(true);
  });

  it("wins over the project's own exceptions, and over the deny-list's absence", () => {
    write(".dockerignore", "*\n!*\n!.env.dev\n!cdktf.out/**\n!backups/dev/dev.dump\n");
    const always = stackOwnIgnore(dir, dir, [".secrets", "backups"]);
    const files = buildContextFiles(dir, [], always);
    expect(
      files.filter((f) => /^(\.env|\.secrets|backups|cdktf\.out|terraform\.|\.terraform)/.test(f)),
    ).toEqual([]);
    expect(entriesHash(contextEntries(dir, "app", [], always)).length).toBe(64);
  });

  it("anchors them where they are: a stack rooted in a sub-folder, directories with wildcards in their names", () => {
    expect(
      stackOwnIgnore(dir, path.join(dir, "ops"), [".secrets", "../keys[1]", "/elsewhere/backups"]),
    ).toEqual([
      "ops/.secrets",
      "keys\\[1\\]",
      "ops/cdktf.out",
      "ops/*.tfstate",
      "ops/*.tfstate.*",
      "ops/.terraform",
      "ops/.env",
      "ops/.env.*",
    ]);
    write("keys[1]/dev/database_password");
    write("keys1/x");
    const always = stackOwnIgnore(dir, path.join(dir, "ops"), ["../keys[1]"]);
    expect(wouldSend(dir, "keys[1]/dev/database_password", [], always)).toBe(false);
    expect(wouldSend(dir, "keys1/x", [], always)).toBe(true);
    // the project's own .env at its root is the project's business then, not the stack's
    expect(wouldSend(dir, ".env", [], always)).toBe(true);
  });

  it("is empty for a project outside the stack's root (the django-app layout) with the stack's folders elsewhere", () => {
    expect(stackOwnIgnore(path.join(dir, "django-app"), dir, [".secrets", "backups"])).toEqual([]);
    expect(stackOwnIgnore(path.join(dir, "site"), path.join(dir, "stack"), [".secrets", "backups"])).toEqual(
      [],
    );
  });
});
