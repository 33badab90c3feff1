import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, readPlanSettings, secretValues } from "../../scripts/plan-pr";

describe("plan:pr arguments", () => {
  it("takes environments and the kind this job may plan", () => {
    expect(parseArgs(["dev", "stage", "dev", "--only-kind", "development"])).toEqual({
      ok: true,
      args: { environments: ["dev", "stage"], onlyKind: "development", help: false },
    });
    expect(parseArgs(["--only-kind=production"])).toMatchObject({
      ok: true,
      args: { onlyKind: "production" },
    });
  });

  it.each([
    [["--only-kind", "prod"], '--only-kind must be development or production, got "prod"'],
    [["--only-kind"], '--only-kind must be development or production, got ""'],
    [["--lock"], 'unknown option "--lock"; see --help'],
    [
      ["--only-kind", "development", "--only-kind=production"],
      '--only-kind is given twice ("development" and "production"); give --only-kind once, e.g. --only-kind development',
    ],
  ])("rejects %j", (argv, message) => {
    expect(parseArgs(argv)).toEqual({ ok: false, errors: [message] });
  });
});

describe("what plan:pr redacts", () => {
  it("the secret settings in every NAME__ENV form, the backend credentials, extra names and the secret files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-pr-secrets-"));
    try {
      fs.mkdirSync(path.join(dir, "dev"));
      fs.writeFileSync(path.join(dir, "dev", "database_password"), "generated-password-1234\n");
      fs.writeFileSync(path.join(dir, ".hash-key"), "hash-key-0123456789abcdef");
      const values = secretValues(
        {
          DATABASE_PASSWORD__PROD: "prod-password",
          DJANGO_SECRET_KEY: "django-key",
          SECRETS_HASH_KEY: "ci-hash-key",
          AWS_SECRET_ACCESS_KEY: "aws-secret",
          PG_CONN_STR: "postgres://u:p@h/db",
          MY_TOKEN: "extra-token",
          OTHER_TOKEN: "other-token",
          APP_SECRET_STRIPE_KEY: "stripe-key",
          APP_SECRET_STRIPE_KEY__PROD: "stripe-prod-key",
          APP_SECRET_CERT_FILE: "/path/is/no/secret",
          PLAN_REDACT_ENV: "MY_TOKEN, OTHER_TOKEN ,",
          DATABASE_NAME: "django",
          PATH: "/usr/bin",
        },
        dir,
      );
      expect(values.sort()).toEqual(
        [
          "aws-secret",
          "ci-hash-key",
          "django-key",
          "extra-token",
          "other-token",
          "stripe-key",
          "stripe-prod-key",
          "generated-password-1234",
          "hash-key-0123456789abcdef",
          "postgres://u:p@h/db",
          "prod-password",
        ].sort(),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("plan:pr's own settings (PLAN_*), checked before any work", () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-settings-"))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("has defaults, and takes good values as given", () => {
    expect(readPlanSettings({}, root)).toEqual({
      ok: true,
      settings: {
        out: path.join(root, "cdktf.out", "plans"),
        commentFile: path.join(root, "cdktf.out", "plan-comment.md"),
        mode: "local",
        maxChars: undefined,
        commit: undefined,
      },
    });
    expect(readPlanSettings({ GITHUB_ACTIONS: "true", GITHUB_SHA: "abc1234" }, root)).toMatchObject({
      ok: true,
      settings: { mode: "pull-request", commit: "abc1234" },
    });
    expect(
      readPlanSettings(
        {
          PLAN_OUT_DIR: "plans",
          PLAN_COMMENT_FILE: "plans/comment.md",
          PLAN_MODE: " re-plan ",
          PLAN_COMMENT_MAX_CHARS: "60000",
          PLAN_REDACT_ENV: "A, B",
          PLAN_COMMIT: "0123abcd",
        },
        root,
      ),
    ).toEqual({
      ok: true,
      settings: {
        out: path.join(root, "plans"),
        commentFile: path.join(root, "plans", "comment.md"),
        mode: "re-plan",
        maxChars: 60000,
        commit: "0123abcd",
      },
    });
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it.each([
    [
      { PLAN_MODE: "review" },
      'PLAN_MODE must be one of pull-request, local, drift-watch, re-plan, got "review"; leave it unset for the default (pull-request in GitHub Actions, else local)',
    ],
    [
      { PLAN_COMMENT_MAX_CHARS: "-5" },
      `PLAN_COMMENT_MAX_CHARS must be a whole number from 1000 to 65536, got "-5"; e.g. 60000, or leave it unset to share GitHub's 65536 characters among ENVIRONMENTS`,
    ],
    [
      { PLAN_COMMENT_MAX_CHARS: "abc" },
      /^PLAN_COMMENT_MAX_CHARS must be a whole number from 1000 to 65536, got "abc"/,
    ],
    [{ PLAN_COMMENT_MAX_CHARS: "70000" }, /^PLAN_COMMENT_MAX_CHARS must be a whole number .*got "70000"/],
    [
      { PLAN_REDACT_ENV: "A,B-C" },
      `PLAN_REDACT_ENV must be a comma list of environment variable names, e.g. "MY_TOKEN,OTHER_SECRET", got "A,B-C" (bad item "B-C"); give the variables' names, not their values`,
    ],
    [{ PLAN_COMMIT: "HEAD" }, /^PLAN_COMMIT must be a commit SHA \(7 to 64 hex digits\), got "HEAD"/],
    [
      { PLAN_OUT_DIR: "cdktf.out" },
      "PLAN_OUT_DIR=cdktf.out is cdktf.out itself, where synth writes each environment; give PLAN_OUT_DIR a folder of its own (made if missing), e.g. cdktf.out/plans",
    ],
    [{ PLAN_OUT_DIR: "." }, /^PLAN_OUT_DIR=\. is the project or a folder above it; /],
    [{ PLAN_OUT_DIR: "plans", PLAN_COMMENT_FILE: "plans" }, /^PLAN_COMMENT_FILE=plans is PLAN_OUT_DIR/],
  ])("refuses %j, naming it, its value and the fix", (env, message) => {
    const result = readPlanSettings(env, root);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]).toEqual(
        typeof message === "string" ? message : expect.stringMatching(message),
      );
    }
  });

  it("refuses PLAN_OUT_DIR or PLAN_COMMENT_FILE where a file or a folder is in the way", () => {
    fs.writeFileSync(path.join(root, "file"), "x");
    fs.mkdirSync(path.join(root, "folder"));
    const result = readPlanSettings({ PLAN_OUT_DIR: "file", PLAN_COMMENT_FILE: "folder" }, root);
    expect(result).toEqual({
      ok: false,
      errors: [
        "PLAN_OUT_DIR=file is a file, not a directory; give PLAN_OUT_DIR a folder of its own (made if missing), e.g. cdktf.out/plans",
        "PLAN_COMMENT_FILE=folder is a directory, not a file; give PLAN_COMMENT_FILE a file path, e.g. cdktf.out/plan-comment.md",
      ],
    });
    expect(readPlanSettings({ PLAN_COMMENT_FILE: "file/comment.md" }, root)).toEqual({
      ok: false,
      errors: [
        `PLAN_COMMENT_FILE=file/comment.md: ${path.join(root, "file")} is a file, not a directory; give PLAN_COMMENT_FILE a file path, e.g. cdktf.out/plan-comment.md, or move ${path.join(root, "file")} away`,
      ],
    });
  });
});
