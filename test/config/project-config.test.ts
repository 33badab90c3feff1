/**
 * DJANGO_PROJECT_DIR and the settings of how the project is built and run, read against real
 * project directories: every bad value is refused naming the setting, the value and the fix.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing, TerraformStack } from "cdktf";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import { buildConfig } from "../../config/build-config";
import { StackConfig } from "../../config/types";
import { buildContextFiles } from "../../constructs/build-context";
import { appImage } from "../../stacks/release-stack";

let root: string;
const write = (rel: string, text = "") => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};
const MANAGE = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n";

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "repo-"));
  write("site/manage.py", MANAGE);
  write("site/mysite/__init__.py");
  write("site/mysite/settings.py", "DEBUG = True\n");
  write("site/requirements.txt", "Django==5.2.19\n");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function load(env: Record<string, string>) {
  return buildConfig({ env: { ENVIRONMENTS: "dev", DJANGO_PROJECT_DIR: "site", ...env }, rootDir: root });
}
function stack(env: Record<string, string> = {}): StackConfig {
  const r = load(env);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.config.stacks[0];
}
function errors(env: Record<string, string>): string[] {
  const r = load(env);
  return r.ok ? [] : [...r.errors];
}

describe("DJANGO_PROJECT_DIR", () => {
  it("finds the settings module in manage.py and the dependencies, for the stack's Dockerfile", () => {
    const s = stack();
    expect(s.project).toMatchObject({ dir: "site", absDir: path.join(root, "site"), ignoreFile: false });
    expect(s.app.build).toEqual({
      kind: "stack",
      settingsModule: "mysite.settings",
      dependencies: { kind: "requirements", files: ["requirements.txt"] },
    });
    // media is on with the stack's Dockerfile
    expect(s.app.mediaUrl).toBe("/media/");
    expect(s.app.custom).toBeUndefined();
  });

  it("takes an absolute path too", () => {
    expect(stack({ DJANGO_PROJECT_DIR: path.join(root, "site") }).project.absDir).toBe(
      path.join(root, "site"),
    );
  });

  it("puts the stack's own directories inside the project on the deny-list", () => {
    const s = stack({ SECRETS_DIR: "site/keys", BACKUP_DIR: "site/dumps" });
    expect(s.project.defaultIgnore).toEqual(expect.arrayContaining(["keys", "dumps", ".git", "**/.env"]));
  });

  it("fails when it does not exist or is a file", () => {
    expect(errors({ DJANGO_PROJECT_DIR: "nope" })).toEqual([
      `DJANGO_PROJECT_DIR must name the directory of a Django project, got "nope" (set in environment): ${path.join(root, "nope")} does not exist; point it at the directory that holds the project's manage.py, relative to ${root} or absolute`,
    ]);
    write("file.txt");
    expect(errors({ DJANGO_PROJECT_DIR: "file.txt" })[0]).toMatch(/file.txt is not a directory; point it at/);
  });

  it("fails without manage.py or a settings module, naming the fix", () => {
    fs.rmSync(path.join(root, "site/manage.py"));
    expect(errors({})[0]).toMatch(
      /DJANGO_PROJECT_DIR="site" holds no manage.py for environment "dev", so the stack cannot tell its settings module; point DJANGO_PROJECT_DIR at the directory with manage.py, or set DJANGO_SETTINGS_MODULE/,
    );
    expect(stack({ DJANGO_SETTINGS_MODULE: "mysite.settings" }).app.build).toMatchObject({
      kind: "stack",
      settingsModule: "mysite.settings",
    });
    write("site/manage.py", "print('a custom manage.py')\n");
    expect(errors({})[0]).toMatch(
      /its manage.py sets no DJANGO_SETTINGS_MODULE .*set DJANGO_SETTINGS_MODULE to the project's settings module/,
    );
  });

  it("refuses a DJANGO_SETTINGS_MODULE that is not in the project", () => {
    expect(errors({ DJANGO_SETTINGS_MODULE: "mysite.production" })).toEqual([
      'DJANGO_SETTINGS_MODULE must name a module of the project, but DJANGO_PROJECT_DIR="site" holds neither mysite/production.py nor mysite/production/__init__.py, got "mysite.production" (set in environment for environment "dev")',
    ]);
    expect(errors({ DJANGO_SETTINGS_MODULE: "my site" })[0]).toMatch(
      /must be a dotted module name like mysite.settings/,
    );
  });

  it("fails with nothing to install from", () => {
    fs.rmSync(path.join(root, "site/requirements.txt"));
    expect(errors({})[0]).toMatch(
      /DJANGO_PROJECT_DIR="site" holds no requirements.txt, pyproject.toml .*Add a requirements.txt listing the project's packages/,
    );
  });
});

describe("DJANGO_DOCKERFILE", () => {
  it("auto: the project's Dockerfile when it declares the stack's contract, else the stack's", () => {
    write("site/Dockerfile", "FROM x\n");
    expect(stack().app.build.kind).toBe("stack");
    write("site/Dockerfile", 'FROM x\nLABEL django-cdktf.contract="1"\n');
    expect(stack().app.build).toEqual({
      kind: "project",
      dockerfile: "Dockerfile",
      contract: true,
      target: undefined,
    });
    expect(stack().app.mediaUrl).toBeUndefined();
  });

  it("project: the project's own, run as it is, with the commands and probe given", () => {
    write("site/Dockerfile", "FROM x AS production\n");
    const s = stack({
      DJANGO_DOCKERFILE: "project",
      DJANGO_BUILD_TARGET: "production",
      DJANGO_SERVE_COMMAND: '["gunicorn", "--bind", "0.0.0.0:5000", "mysite.wsgi"]',
      DJANGO_MIGRATE_COMMAND: "python manage.py migrate --noinput",
      APP_CONTAINER_PORT: "5000",
      APP_HEALTH_PATH: "/health/",
    });
    expect(s.app.build).toEqual({
      kind: "project",
      dockerfile: "Dockerfile",
      contract: false,
      target: "production",
    });
    expect(s.app.custom).toEqual({
      serveCommand: ["gunicorn", "--bind", "0.0.0.0:5000", "mysite.wsgi"],
      migrateCommand: ["python", "manage.py", "migrate", "--noinput"],
      port: 5000,
      healthPath: "/health/",
    });
  });

  it("a path: that Dockerfile of the project", () => {
    write("site/compose/production/Dockerfile", "FROM x\n");
    expect(stack({ DJANGO_DOCKERFILE: "compose/production/Dockerfile" }).app.build).toMatchObject({
      kind: "project",
      dockerfile: "compose/production/Dockerfile",
      contract: false,
    });
    expect(errors({ DJANGO_DOCKERFILE: "compose/Dockerfile.nope" })[0]).toMatch(
      /DJANGO_DOCKERFILE must be auto, stack, project, or the path of a Dockerfile inside DJANGO_PROJECT_DIR="site" \(no such file there\), got "compose\/Dockerfile.nope"/,
    );
    expect(errors({ DJANGO_DOCKERFILE: "../Dockerfile" })[0]).toMatch(
      /DJANGO_DOCKERFILE must be auto, stack, project, or the path of a Dockerfile inside the project, got "..\/Dockerfile"/,
    );
  });

  it("project without a Dockerfile: refused, naming the way out", () => {
    expect(errors({ DJANGO_DOCKERFILE: "project" })[0]).toMatch(
      /DJANGO_DOCKERFILE asks for the project's Dockerfile, but DJANGO_PROJECT_DIR="site" has none at its root; .*got "project"/,
    );
  });

  it("warns that the migrations are the project's own business without DJANGO_MIGRATE_COMMAND", () => {
    write("site/Dockerfile", "FROM x\n");
    const r = load({ DJANGO_DOCKERFILE: "project" });
    expect(r.ok && r.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^DJANGO_MIGRATE_COMMAND is not set for environment "dev": .*runs no migrations/,
        ),
      ]),
    );
    expect(
      stack({ DJANGO_DOCKERFILE: "project", DJANGO_MIGRATE_COMMAND: "none" }).app.custom?.migrateCommand,
    ).toBeUndefined();
  });

  it("refuses commands it cannot read, and says when a setting has no effect", () => {
    write("site/Dockerfile", "FROM x\n");
    const bad = errors({
      DJANGO_DOCKERFILE: "project",
      DJANGO_SERVE_COMMAND: '["gunicorn", 1]',
      DJANGO_MIGRATE_COMMAND: "sh -c 'x y'",
    });
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DJANGO_SERVE_COMMAND must be a JSON array of non-empty strings/),
        expect.stringMatching(/^DJANGO_MIGRATE_COMMAND is split on spaces only .*write it as a JSON array/),
      ]),
    );
    const r = load({ APP_HEALTH_PATH: "/x/" });
    expect(r.ok && r.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^APP_HEALTH_PATH has no effect for environment "dev"/)]),
    );
    expect(errors({ APP_HEALTH_PATH: "health" })[0]).toMatch(
      /APP_HEALTH_PATH must be a URL path starting with \//,
    );
  });
});

describe("DJANGO_MEDIA_URL, APP_MIGRATE_TIMEOUT and the project's variables", () => {
  it("turns media off, or serves it elsewhere; refuses what is not a path", () => {
    expect(stack({ DJANGO_MEDIA_URL: "off" }).app.mediaUrl).toBeUndefined();
    expect(stack({ DJANGO_MEDIA_URL: "/uploads/" }).app.mediaUrl).toBe("/uploads/");
    expect(errors({ DJANGO_MEDIA_URL: "media" })[0]).toMatch(
      /DJANGO_MEDIA_URL must be a URL path with a leading and a trailing \/, e.g. \/media\/, or off, got "media"/,
    );
  });

  it("bounds the migrations' timeout", () => {
    expect(stack().app.migrateTimeout).toBe(600);
    expect(errors({ APP_MIGRATE_TIMEOUT: "5" })[0]).toMatch(
      /APP_MIGRATE_TIMEOUT must be a whole number from 10 to 86400, got "5"/,
    );
  });

  it("reads the project's own variables", () => {
    expect(stack({ APP_ENV_SENTRY_DSN: "https://x", APP_SECRET_STRIPE_KEY: "sk" }).app.variables).toEqual({
      plain: { SENTRY_DSN: "https://x" },
      secret: { STRIPE_KEY: { kind: "value", value: "sk", source: "environment" } },
    });
    expect(errors({ APP_ENV_DEBUG: "1" })[0]).toMatch(
      /^APP_ENV_DEBUG: DEBUG is a variable the stack sets itself/,
    );
  });
});

describe("the stack's own files inside the project", () => {
  // the reproduction: a Django project at the stack's root (manage.py beside package.json), with a
  // .dockerignore of its own that names none of the stack's files, and the files a deploy leaves
  const atRoot = (dockerignore = ".secrets\nnode_modules\n.git\n") => {
    write("package.json", "{}\n");
    write("cdktf.json", "{}\n");
    write("manage.py", MANAGE);
    write("mysite/__init__.py");
    write("mysite/settings.py", "DEBUG = True\n");
    write("mysite/.env.example", "DJANGO_DEBUG=1\n");
    write("requirements.txt", "Django==5.2.19\n");
    write(".dockerignore", dockerignore);
    write(".env", "PROJECT_NAME=leak\n");
    write(".env.dev", "DJANGO_SECRET_KEY=LEAKME-0123456789\n");
    write(".secrets/dev/django_secret_key", "LEAKME\n");
    write("backups/dev/dev-2025.dump", "PGDMP");
    write("terraform.dev.tfstate", "{}");
    write("terraform.dev-app.tfstate.backup", "{}");
    write(".terraform/terraform.tfstate", "{}");
    write("cdktf.out/dev/stacks/dev/cdk.tf.json", "{}");
  };
  const LEAKS = /^(app\/)?(\.env|\.env\.dev|\.secrets\/|backups\/|terraform\.|\.terraform\/|cdktf\.out\/)/;

  /** The files of the app image's context, as `npm run synth` stages them under the stack root's cdktf.out. */
  const staged = (env: Record<string, string>): string[] => {
    const config = stack({ DJANGO_PROJECT_DIR: ".", ...env });
    const app = Testing.app({ outdir: path.join(root, "cdktf.out", "dev") });
    const release = new TerraformStack(app, "dev-app");
    new DockerProvider(release, "docker", {});
    const image = appImage(release, config, config.project.absDir, (t) => t, undefined);
    app.synth();
    expect(image.staged).toBeDefined();
    const dir = path.join(root, "cdktf.out", "dev", "stacks", "dev-app", image.staged!.path);
    expect(fs.existsSync(dir)).toBe(true);
    return buildContextFiles(dir);
  };

  it("lists them, anchored where they are, for a project at the stack's root with its own .dockerignore", () => {
    atRoot();
    const s = stack({ DJANGO_PROJECT_DIR: "." });
    expect(s.project.ignoreFile).toBe(true);
    expect(s.project.stackIgnore).toEqual([
      ".secrets",
      "backups",
      "cdktf.out",
      "*.tfstate",
      "*.tfstate.*",
      ".terraform",
      ".env",
      ".env.*",
    ]);
  });

  it("never stages the stack's settings, secrets, backups, state or cdktf.out with the stack's Dockerfile", () => {
    atRoot();
    const files = staged({});
    expect(files).toEqual(
      expect.arrayContaining(["app/manage.py", "app/mysite/settings.py", "app/mysite/.env.example"]),
    );
    expect(files.filter((f) => LEAKS.test(f))).toEqual([]);
  });

  it("never stages them with the project's own Dockerfile either: its directory is not sent as it is", () => {
    atRoot();
    write("Dockerfile", "FROM python:3.13-slim\nCOPY . /app\n");
    const files = staged({ DJANGO_DOCKERFILE: "project", DJANGO_MIGRATE_COMMAND: "none" });
    expect(files).toEqual(expect.arrayContaining(["Dockerfile", ".dockerignore", "manage.py"]));
    expect(files.filter((f) => LEAKS.test(f))).toEqual([]);
  });

  it("keeps them out even where the project's .dockerignore lets them back in", () => {
    atRoot("*\n!*\n!.env.dev\n!cdktf.out\n!backups\n");
    expect(staged({}).filter((f) => LEAKS.test(f))).toEqual([]);
  });

  it("anchors them at the stack's root inside the project, leaving the project's own files of those names", () => {
    // the stack in deploy/ of the project: its .env files and state are there, not at the project's root
    const s = buildConfig({
      env: { ENVIRONMENTS: "dev", DJANGO_PROJECT_DIR: path.join(root, "site") },
      rootDir: path.join(root, "site", "deploy"),
    });
    if (!s.ok) throw new Error(s.errors.join("\n"));
    expect(s.config.project.stackIgnore).toEqual([
      "deploy/.secrets",
      "deploy/backups",
      "deploy/cdktf.out",
      "deploy/*.tfstate",
      "deploy/*.tfstate.*",
      "deploy/.terraform",
      "deploy/.env",
      "deploy/.env.*",
    ]);
  });

  it("leaves a project outside the stack's root as it was: nothing of the stack's is in it", () => {
    expect(stack().project.stackIgnore).toEqual([]);
    expect(stack({ SECRETS_DIR: "site/keys" }).project.stackIgnore).toEqual(["keys"]);
  });
});

describe("DJANGO_BUILD_TARGET against the Dockerfile's stages", () => {
  const DOCKERFILE = "FROM python:3.13-slim AS Builder\nFROM builder AS production\nFROM production\n";

  it("refuses a stage the Dockerfile does not have, listing its stages and the fix", () => {
    write("site/Dockerfile", DOCKERFILE);
    expect(errors({ DJANGO_DOCKERFILE: "project", DJANGO_BUILD_TARGET: "nosuchstage" })).toEqual([
      'DJANGO_BUILD_TARGET="nosuchstage" (set in environment for environment "dev") names no build stage of Dockerfile of DJANGO_PROJECT_DIR="site", whose stages are builder, production; set it to one of them, or unset it to build the last stage',
    ]);
  });

  it("takes a stage in any case, as Docker does, and checks the Dockerfile DJANGO_DOCKERFILE names", () => {
    write("site/Dockerfile", DOCKERFILE);
    expect(stack({ DJANGO_DOCKERFILE: "project", DJANGO_BUILD_TARGET: "BUILDER" }).app.build).toMatchObject({
      kind: "project",
      target: "BUILDER",
    });
    write("site/docker/web.Dockerfile", "FROM python:3.13-slim\n");
    expect(
      errors({ DJANGO_DOCKERFILE: "docker/web.Dockerfile", DJANGO_BUILD_TARGET: "production" })[0],
    ).toMatch(
      /^DJANGO_BUILD_TARGET="production" .* names no build stage: docker\/web.Dockerfile of DJANGO_PROJECT_DIR="site" names none \(no FROM \.\.\. AS <name>\); unset it to build the last stage/,
    );
  });

  it("checks the project's Dockerfile chosen by auto (the contract), and warns only with the stack's", () => {
    write("site/Dockerfile", 'FROM x AS builder\nFROM x\nLABEL django-cdktf.contract="1"\n');
    expect(errors({ DJANGO_BUILD_TARGET: "web" })[0]).toMatch(
      /^DJANGO_BUILD_TARGET="web" .*whose stages are builder;/,
    );
    expect(stack({ DJANGO_BUILD_TARGET: "builder" }).app.build).toMatchObject({ target: "builder" });
    const r = load({ DJANGO_DOCKERFILE: "stack", DJANGO_BUILD_TARGET: "web" });
    expect(r.ok).toBe(true);
    expect(r.warnings).toContain(
      'DJANGO_BUILD_TARGET has no effect with the stack\'s Dockerfile for environment "dev"',
    );
  });
});

describe("DJANGO_SERVE_COMMAND and DJANGO_MIGRATE_COMMAND examples", () => {
  it("gives each its own kind of command as the example", () => {
    write("site/Dockerfile", "FROM x\n");
    const [serve, migrate] = errors({
      DJANGO_DOCKERFILE: "project",
      DJANGO_SERVE_COMMAND: "[1]",
      DJANGO_MIGRATE_COMMAND: "[]",
    });
    expect(serve).toMatch(
      /^DJANGO_SERVE_COMMAND must be a JSON array of non-empty strings, e\.g\. \["gunicorn", "--bind", "0\.0\.0\.0:8000", "mysite\.wsgi"\], got "\[1\]"/,
    );
    expect(serve).not.toMatch(/migrate/);
    expect(migrate).toMatch(
      /^DJANGO_MIGRATE_COMMAND must be a JSON array .* e\.g\. \["python", "manage\.py", "migrate", "--noinput"\]/,
    );
  });
});
