import { parseArgs, usage } from "../../../scripts/cli/args";

const envs = ["dev", "prod"];

describe("command line", () => {
  it("takes several environments, and every one with --all", () => {
    expect(parseArgs(["diff", "dev", "prod"], envs)).toMatchObject({
      ok: true,
      args: { command: "diff", environments: ["dev", "prod"] },
    });
    expect(parseArgs(["deploy", "--all", "--auto-approve"], envs)).toMatchObject({
      ok: true,
      args: { environments: ["dev", "prod"], options: { all: true, autoApprove: true } },
    });
    expect(parseArgs(["diff"], envs)).toMatchObject({ ok: true, args: { environments: ["dev", "prod"] } });
  });

  it("answers --help and --version anywhere, before anything else is checked", () => {
    expect(parseArgs(["deploy", "nowhere", "--help"], envs)).toMatchObject({
      ok: true,
      args: { command: "deploy", options: { help: true } },
    });
    expect(parseArgs(["--version"], undefined)).toMatchObject({
      ok: true,
      args: { options: { version: true } },
    });
    expect(usage("deploy")).toMatch(/--auto-approve is required/);
    expect(usage()).toMatch(/exit codes: 0 done, 1 failed, 2 usage or configuration error, 130 interrupted/);
  });

  it.each([
    [["deplyo", "dev"], /unknown command "deplyo"/],
    [["deploy"], /deploy needs an environment \(one of dev, prod\) or --all/],
    [["deploy", "staging"], /unknown environment "staging"; ENVIRONMENTS is dev,prod/],
    [
      ["deploy", "dev-app"],
      /unknown environment "dev-app" \(the release stack of "dev" is deployed with it\)/,
    ],
    [["deploy", "dev", "--all"], /give environments or --all, not both/],
    [["deploy", "dev", "--force"], /unknown option "--force"/],
    [["rollback", "dev", "prod"], /rollback takes one environment at a time/],
    [[], /no command given/],
  ])("refuses %j, saying why", (argv, message) => {
    const result = parseArgs(argv, envs);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join("\n")).toMatch(message);
  });
});

describe("--migrate-state", () => {
  it("is taken by deploy and diff, to copy the state to a changed backend", () => {
    expect(parseArgs(["deploy", "dev", "--migrate-state"], ["dev"])).toMatchObject({
      ok: true,
      args: { options: { migrateState: true } },
    });
    expect(parseArgs(["diff", "--migrate-state"], ["dev"])).toMatchObject({ ok: true });
  });

  it("is refused where it means nothing", () => {
    expect(parseArgs(["status", "dev", "--migrate-state"], ["dev"])).toMatchObject({
      ok: false,
      errors: [expect.stringContaining("status takes no --migrate-state")],
    });
  });
});

describe("entry, the shared entry point, in place of an environment", () => {
  it.each(["deploy", "diff", "destroy", "status", "output"])("is taken by %s", (command) => {
    expect(parseArgs([command, "entry"], envs)).toMatchObject({
      ok: true,
      args: { command, environments: ["entry"] },
    });
  });

  it("is refused by the commands that work on an environment's app or data, saying which take it", () => {
    expect(parseArgs(["logs", "entry"], envs)).toMatchObject({
      ok: false,
      errors: [
        'unknown environment "entry" (the shared entry point takes deploy, diff, destroy, status, output, not logs); ENVIRONMENTS is dev,prod',
      ],
    });
  });

  it("is not one of --all", () => {
    expect(parseArgs(["deploy", "--all", "--auto-approve"], envs)).toMatchObject({
      ok: true,
      args: { environments: ["dev", "prod"] },
    });
  });
});

describe("options that take one value", () => {
  it.each([
    [
      ["logs", "dev", "--tail", "5", "--tail", "6"],
      '--tail is given twice ("5" and "6"); give --tail once, e.g. --tail 100',
    ],
    [
      ["backup", "dev", "--to", "a", "--to=b"],
      '--to is given twice ("a" and "b"); give --to once, e.g. --to /mnt/backups',
    ],
    [
      ["pg-upgrade", "dev", "--image", "postgres:18", "--image", "postgres:17", "--yes"],
      '--image is given twice ("postgres:18" and "postgres:17"); give --image once, e.g. --image postgres:18',
    ],
  ])("refuses %j rather than let the last one win", (argv, message) => {
    expect(parseArgs(argv, envs)).toEqual({ ok: false, errors: [message] });
  });

  it("takes the same value given twice", () => {
    expect(parseArgs(["logs", "dev", "--tail", "5", "--tail=5"], envs)).toMatchObject({
      ok: true,
      args: { options: { tail: 5 } },
    });
  });
});

describe("--since", () => {
  it.each(["3650d", "87600h", "5256000m", "315360000s", "0s"])(
    "takes %s (at most ten years back)",
    (since) => {
      expect(parseArgs(["logs", "dev", "--since", since], envs)).toMatchObject({
        ok: true,
        args: { options: { since } },
      });
    },
  );

  it.each(["99999999999999999999d", "3651d", "87601h"])("refuses %s, saying the bound", (since) => {
    expect(parseArgs(["logs", "dev", "--since", since], envs)).toEqual({
      ok: false,
      errors: [
        `--since must be a duration of at most 3650 days (3650d), got "${since}"; give a shorter one like 30d, or a date like 2026-11-30T10:00`,
      ],
    });
  });
});
