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
