import { githubEnvProblems, parseArgs } from "../../scripts/plan-comment";

describe("plan-comment arguments", () => {
  it("takes each option once", () => {
    expect(parseArgs(["--pr", "12", "--file=c.md", "--fallback-environments", "dev,stage"])).toEqual({
      ok: true,
      args: { pr: 12, file: "c.md", fallback: ["dev", "stage"], kind: "development" },
    });
  });

  it("refuses an option given twice with different values, rather than let the last one win", () => {
    expect(parseArgs(["--pr", "12", "--file", "a.md", "--file", "b.md"])).toEqual({
      ok: false,
      errors: ['--file is given twice ("a.md" and "b.md"); give --file once'],
    });
  });
});

describe("plan-comment's GitHub variables, checked before any work", () => {
  it("takes a job's variables", () => {
    expect(githubEnvProblems({ GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "octo-org/app" })).toEqual([]);
  });

  it("names each missing or bad one, its value and the fix", () => {
    expect(githubEnvProblems({ GITHUB_REPOSITORY: "app", GITHUB_API_URL: "api.github.com" })).toEqual([
      "GITHUB_TOKEN is not set; give it a token that can write the pull request's comments (pull-requests: write), as a GitHub Actions job does",
      'GITHUB_REPOSITORY must be owner/name, e.g. octo-org/app, got "app"; set it as a GitHub Actions job does',
      'GITHUB_API_URL must be an http(s) URL, e.g. https://api.github.com, got "api.github.com"; leave it unset for github.com',
    ]);
  });
});
