/**
 * `node --require sucrase/register/ts scripts/plan-comment.ts --pr N --file COMMENT.md
 *   [--fallback-environments dev,stage --kind development]`
 *
 * Adds or replaces the environments of COMMENT.md (written by `npm run plan:pr`) in the pull
 * request's one plan comment (scripts/plan-summary/publish.ts). When COMMENT.md is missing (the
 * plan job stopped before planning), the fallback environments get a "plan failed" part instead,
 * so the comment never shows an older plan as current.
 *
 * Environment: GITHUB_TOKEN (pull-requests: write), GITHUB_REPOSITORY, GITHUB_API_URL,
 * GITHUB_SERVER_URL and GITHUB_RUN_ID (the link to the run), GITHUB_STEP_SUMMARY (optional).
 * Run from the default branch's code where the token can write (pull_request_target).
 */
import * as fs from "fs";
import { CommentApi, IssueComment, publishComment } from "./plan-summary/publish";
import { renderComment } from "./plan-summary/render";

interface Args {
  readonly pr: number;
  readonly file: string;
  readonly fallback: readonly string[];
  readonly kind: "development" | "production";
}

export function parseArgs(
  argv: readonly string[],
): { ok: true; args: Args } | { ok: false; errors: string[] } {
  const v: Record<string, string> = {};
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    if (!["--pr", "--file", "--fallback-environments", "--kind"].includes(k)) {
      errors.push(`unknown argument ${JSON.stringify(argv[i])}`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === "") errors.push(`${k} needs a value`);
    else if (k in v && v[k] !== value)
      errors.push(
        `${k} is given twice (${JSON.stringify(v[k])} and ${JSON.stringify(value)}); give ${k} once`,
      );
    else v[k] = value;
  }
  const pr = Number(v["--pr"]);
  if (!(Number.isInteger(pr) && pr > 0))
    errors.push(`--pr must be a pull request number, got ${JSON.stringify(v["--pr"] ?? "")}`);
  if (!v["--file"]) errors.push("--file COMMENT.md is required");
  const fallback = (v["--fallback-environments"] ?? "").split(",").filter(Boolean);
  for (const e of fallback)
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(e))
      errors.push(`${JSON.stringify(e)} is not an environment name`);
  const kind = (v["--kind"] ?? "development") as Args["kind"];
  if (!["development", "production"].includes(kind))
    errors.push(`--kind must be development or production, got ${JSON.stringify(kind)}`);
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, args: { pr, file: v["--file"], fallback, kind } };
}

/**
 * What is wrong with the GitHub variables the comment is published with (checked before any
 * work, exit 2): GITHUB_TOKEN and GITHUB_REPOSITORY set, GITHUB_API_URL an http(s) URL if given.
 */
export function githubEnvProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (!env.GITHUB_TOKEN)
    problems.push(
      "GITHUB_TOKEN is not set; give it a token that can write the pull request's comments (pull-requests: write), as a GitHub Actions job does",
    );
  const repo = env.GITHUB_REPOSITORY;
  if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo))
    problems.push(
      `GITHUB_REPOSITORY must be owner/name, e.g. octo-org/app, got ${JSON.stringify(repo ?? "")}; set it as a GitHub Actions job does`,
    );
  const api = env.GITHUB_API_URL;
  if (api && !/^https?:\/\/[^\s/]+/.test(api))
    problems.push(
      `GITHUB_API_URL must be an http(s) URL, e.g. https://api.github.com, got ${JSON.stringify(api)}; leave it unset for github.com`,
    );
  return problems;
}

/** The pull request's comments through GitHub's REST API. */
export function githubApi(env: NodeJS.ProcessEnv, pr: number): CommentApi {
  const problems = githubEnvProblems(env);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const token = env.GITHUB_TOKEN;
  const repo = env.GITHUB_REPOSITORY;
  const base = (env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        ...(body ? { "content-type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status === 404 && method === "GET") return undefined;
    if (!res.ok)
      throw new Error(`GitHub API ${method} ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return res.status === 204 ? undefined : res.json();
  };
  type Raw = { id: number; body?: string; user?: { type?: string }; created_at: string };
  const toComment = (c: Raw): IssueComment => ({
    id: c.id,
    body: c.body ?? "",
    userType: c.user?.type ?? "",
    createdAt: c.created_at,
  });
  return {
    async list() {
      const out: IssueComment[] = [];
      for (let page = 1; page <= 30; page++) {
        const batch = ((await call(
          "GET",
          `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page}`,
        )) ?? []) as Raw[];
        out.push(...batch.map(toComment));
        if (batch.length < 100) break;
      }
      return out;
    },
    async get(id) {
      const c = (await call("GET", `/repos/${repo}/issues/comments/${id}`)) as Raw | undefined;
      return c ? toComment(c) : undefined;
    },
    async create(body) {
      return toComment((await call("POST", `/repos/${repo}/issues/${pr}/comments`, { body })) as Raw);
    },
    async update(id, body) {
      await call("PATCH", `/repos/${repo}/issues/comments/${id}`, { body });
    },
    async remove(id) {
      await call("DELETE", `/repos/${repo}/issues/comments/${id}`);
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    for (const e of parsed.errors) process.stderr.write(`plan-comment: ${e}\n`);
    return 2;
  }
  const { pr, file, fallback, kind } = parsed.args;
  const env = process.env;
  const envProblems = githubEnvProblems(env);
  if (envProblems.length > 0) {
    for (const e of envProblems) process.stderr.write(`plan-comment: ${e}\n`);
    return 2;
  }
  const runUrl =
    env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? `${env.GITHUB_SERVER_URL || "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  let incoming: string;
  if (fs.existsSync(file)) incoming = fs.readFileSync(file, "utf8");
  else if (fallback.length > 0) {
    incoming = renderComment(
      fallback.map((environment) => ({
        environment,
        kind,
        stacks: [],
        error:
          "The plan job stopped before it could plan (setup, credentials or synth); see the workflow run.",
      })),
      { mode: "pull-request", runUrl },
    );
  } else {
    process.stderr.write(`plan-comment: ${file} does not exist and no --fallback-environments were given\n`);
    return 2;
  }
  const result = await publishComment(githubApi(env, pr), incoming);
  process.stderr.write(`plan-comment: updated comment ${result.id} on #${pr} (attempt ${result.attempts})\n`);
  if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, `${incoming}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      process.stderr.write(`plan-comment: ${e.message}\n`);
      process.exitCode = 1;
    },
  );
}
