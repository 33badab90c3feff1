import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildConfig } from "../../config/build-config";
import { Testing } from "cdktf";
import { materializeSecrets, secretRevision } from "../../config/secret-store";
import { DjangoStack } from "../../stacks/django-stack";
import { PROJECT_ROOT } from "../support/stack";

const KEY = "Zq8-vL2pR7xW4nK9tY3mB6cH1jF5gD0sA-eU8iO2uP7yT4rE9wQ3";

describe("secret files", () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const config = (env: Record<string, string>) => {
    const r = buildConfig({ env: { ENVIRONMENTS: "dev", ...env } });
    if (!r.ok) throw new Error(r.errors.join("\n"));
    return r.config;
  };

  it("generates missing secrets once, mode 0600, and keeps them across runs", () => {
    const first = materializeSecrets(config({}), root);
    if (!first.ok) throw new Error(first.errors.join());
    const file = path.join(root, ".secrets/dev/django_secret_key");
    const value = fs.readFileSync(file, "utf8");
    expect(value.length).toBeGreaterThanOrEqual(50);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(first.notes).toContain(
      'generated DJANGO_SECRET_KEY for environment "dev" in .secrets/dev/django_secret_key',
    );
    const second = materializeSecrets(config({}), root);
    if (!second.ok) throw new Error(second.errors.join());
    expect(fs.readFileSync(file, "utf8")).toBe(value);
    expect(second.secrets.dev).toEqual(first.secrets.dev);
    expect(second.notes).toEqual([]);
  });

  it("takes the user's value, keeps the old one aside, and changes the revision", () => {
    const first = materializeSecrets(config({}), root);
    const second = materializeSecrets(config({ DATABASE_PASSWORD: "a-new-password-from-the-user" }), root);
    if (!first.ok || !second.ok) throw new Error("unexpected errors");
    const file = path.join(root, ".secrets/dev/database_password");
    expect(fs.readFileSync(file, "utf8")).toBe("a-new-password-from-the-user");
    expect(fs.existsSync(`${file}.previous`)).toBe(true);
    expect(second.secrets.dev.databasePassword.revision).not.toBe(
      first.secrets.dev.databasePassword.revision,
    );
    expect(second.secrets.dev.djangoSecretKey.revision).toBe(first.secrets.dev.djangoSecretKey.revision);
  });

  it("reads *_FILE values, and reports unreadable ones without writing anything", () => {
    fs.writeFileSync(path.join(root, "key.txt"), `${KEY}\n`);
    const ok = materializeSecrets(config({ DJANGO_SECRET_KEY_FILE: "key.txt" }), root);
    if (!ok.ok) throw new Error(ok.errors.join());
    expect(fs.readFileSync(path.join(root, ".secrets/dev/django_secret_key"), "utf8")).toBe(KEY);

    const other = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));
    const bad = materializeSecrets(config({ DATABASE_PASSWORD_FILE: "missing.txt" }), other);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors).toEqual([
        'DATABASE_PASSWORD_FILE="missing.txt" (set in environment for environment "dev") cannot be read: it does not exist; point it at a readable file holding the value',
      ]);
    }
    expect(fs.existsSync(path.join(other, ".secrets"))).toBe(false);
    fs.rmSync(other, { recursive: true, force: true });
  });

  it("rejects a weak key from a file in production", () => {
    fs.writeFileSync(path.join(root, "key.txt"), "short\n");
    const bad = materializeSecrets(config({ DJANGO_SECRET_KEY_FILE: "key.txt" }), root);
    expect(bad.ok).toBe(false);
  });

  it("keeps the project's own secrets as files like the stack's, from a value or a file", () => {
    fs.writeFileSync(path.join(root, "mail.txt"), "mail-password\n");
    const r = materializeSecrets(
      config({ APP_SECRET_STRIPE_KEY: "sk_live_123", APP_SECRET_MAIL_PASSWORD_FILE: "mail.txt" }),
      root,
    );
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.secrets.dev.appVariables).toEqual({
      STRIPE_KEY: {
        name: "env.STRIPE_KEY",
        path: ".secrets/dev/env.STRIPE_KEY",
        revision: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
      MAIL_PASSWORD: {
        name: "env.MAIL_PASSWORD",
        path: ".secrets/dev/env.MAIL_PASSWORD",
        revision: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
    });
    const file = path.join(root, ".secrets/dev/env.STRIPE_KEY");
    expect(fs.readFileSync(file, "utf8")).toBe("sk_live_123");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(root, ".secrets/dev/env.MAIL_PASSWORD"), "utf8")).toBe("mail-password");
    const missing = materializeSecrets(config({ APP_SECRET_TOKEN_FILE: "nope.txt" }), root);
    expect(missing.ok ? [] : missing.errors).toEqual([
      expect.stringMatching(
        /^APP_SECRET_TOKEN_FILE="nope.txt" \(set in environment for environment "dev"\) cannot be read: it does not exist/,
      ),
    ]);
  });

  it("refuses a secrets directory inside a project without a .dockerignore only when the deny-list lets it through", () => {
    const project = path.join(root, "site");
    fs.mkdirSync(project);
    const cfg = config({});
    const inside = { ...cfg, secretsDir: "site/.secrets" };
    // the deny-list keeps .secrets out
    expect(materializeSecrets(inside, root, {}, [project]).ok).toBe(true);
    const named = { ...cfg, secretsDir: "site/keys", project: { ...cfg.project, defaultIgnore: [] } };
    const refused = materializeSecrets(named, root, {}, [project]);
    expect(refused.ok ? [] : refused.errors).toEqual([
      expect.stringMatching(/^SECRETS_DIR=site\/keys is inside the build context site/),
    ]);
  });

  it("accepts a secrets directory inside a project at the stack's root whose .dockerignore omits it: the stack keeps it out", () => {
    fs.writeFileSync(path.join(root, "manage.py"), "import os\n");
    fs.mkdirSync(path.join(root, "mysite"));
    fs.writeFileSync(path.join(root, "mysite/settings.py"), "DEBUG = True\n");
    fs.writeFileSync(path.join(root, "requirements.txt"), "Django==5.2.19\n");
    fs.writeFileSync(path.join(root, ".dockerignore"), "node_modules\n.git\n");
    const built = buildConfig({
      env: { ENVIRONMENTS: "dev", DJANGO_PROJECT_DIR: ".", DJANGO_SETTINGS_MODULE: "mysite.settings" },
      rootDir: root,
    });
    if (!built.ok) throw new Error(built.errors.join("\n"));
    expect(built.config.project.stackIgnore).toContain(".secrets");
    expect(materializeSecrets(built.config, root, {}, [root]).ok).toBe(true);
    // a context the stack would send as it is (no rules of its own) is still refused
    const bare = { ...built.config, project: { ...built.config.project, stackIgnore: [] } };
    const refused = materializeSecrets(bare, root, {}, [root]);
    expect(refused.ok ? [] : refused.errors).toEqual([
      expect.stringMatching(/^SECRETS_DIR=.secrets is inside the build context . and not excluded/),
    ]);
  });

  it("in CI without SECRETS_HASH_KEY makes the key once with a warning, then uses the kept one; a given key wins", () => {
    const first = materializeSecrets(config({}), root, { CI: "true" });
    if (!first.ok) throw new Error(first.errors.join());
    expect(first.warnings).toEqual([
      expect.stringMatching(
        /^SECRETS_HASH_KEY is not set in CI: made this install's secret hash key in \.secrets\/\.hash-key\..*keep the key as a CI secret/,
      ),
    ]);
    // a runner that keeps its checkout keeps its key: the same revisions, no warning
    const kept = materializeSecrets(config({}), root, { GITHUB_ACTIONS: "true" });
    if (!kept.ok) throw new Error(kept.errors.join());
    expect(kept.warnings).toEqual([]);
    expect(kept.secrets.dev).toEqual(first.secrets.dev);
    const given = materializeSecrets(config({}), root, { CI: "true", SECRETS_HASH_KEY: "g".repeat(64) });
    if (!given.ok) throw new Error(given.errors.join());
    expect(given.warnings).toEqual([]);
    expect(given.secrets.dev.databasePassword.revision).not.toBe(first.secrets.dev.databasePassword.revision);
  });

  it("refuses a SECRETS_HASH_KEY with a line break, or of whitespace only, never showing it", () => {
    const key = "0123456789abcdef0123456789abcdef";
    for (const [given, message] of [
      [
        `${key}\n`,
        /^SECRETS_HASH_KEY must be a single line \(it holds a line break\), got \(value hidden\); give the key alone/,
      ],
      [`${key}\r\nmore`, /^SECRETS_HASH_KEY must be a single line/],
      [
        " ".repeat(40),
        /^SECRETS_HASH_KEY is only whitespace, got \(value hidden\); give a random key \(openssl rand -hex 32\), or unset it/,
      ],
    ] as const) {
      const r = materializeSecrets(config({}), root, { SECRETS_HASH_KEY: given });
      expect(r.ok ? [] : r.errors).toEqual([expect.stringMatching(message)]);
      expect(JSON.stringify(r)).not.toContain(key);
    }
    expect(fs.existsSync(path.join(root, ".secrets"))).toBe(false);
  });

  it("refuses a secret file of whitespace only", () => {
    fs.writeFileSync(path.join(root, "pw.txt"), "   \n");
    const r = materializeSecrets(config({ DATABASE_PASSWORD_FILE: "pw.txt" }), root);
    expect(r.ok ? [] : r.errors).toEqual([
      'DATABASE_PASSWORD_FILE="pw.txt" (set in environment for environment "dev") holds only whitespace; put the value in it',
    ]);
  });

  it("derives revisions that reveal nothing obvious and change with the value", () => {
    const key = Buffer.from("k".repeat(64));
    expect(secretRevision(key, "database_password", "x")).toMatch(/^[0-9a-f]{32}$/);
    expect(secretRevision(key, "database_password", "x")).not.toBe(
      secretRevision(key, "database_password", "y"),
    );
    // the same value hashes differently under another install's key
    expect(secretRevision(key, "database_password", "x")).not.toBe(
      secretRevision(Buffer.from("j".repeat(64)), "database_password", "x"),
    );
  });

  it("gives the same password different hashes in the configuration of two fresh installs", () => {
    const password = "the-same-password-in-both-installs";
    const synthesized = (install: string) => {
      const built = config({ DATABASE_PASSWORD: password });
      const made = materializeSecrets(built, install);
      if (!made.ok) throw new Error(made.errors.join("\n"));
      const stack = new DjangoStack(Testing.app(), "dev", {
        config: built.stacks[0],
        secrets: made.secrets.dev,
        projectRoot: PROJECT_ROOT,
      });
      return { text: Testing.synth(stack), revision: made.secrets.dev.databasePassword.revision };
    };
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "secrets-"));
    try {
      const [a, b] = [synthesized(root), synthesized(other)];
      expect(a.revision).not.toBe(b.revision);
      expect(a.text).toContain(a.revision);
      expect(b.text).toContain(b.revision);
      expect(a.text).not.toContain(b.revision);
      // and neither holds the value
      expect(a.text + b.text).not.toContain(password);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
