/**
 * Every bad input a user can give, over every input path (settings, `.env` files, CLI arguments,
 * secret files, construct props): each is refused with a message naming the field, the value
 * (hidden when secret) and the fix, with no stack trace, or accepted with the meaning the user
 * meant; none hangs. The table is in `cases.ts`; the counts are printed after the run, and by
 * `node --require sucrase/register/ts test/inputs/summary.ts`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CASES, caseId } from "./cases";
import { runInProcessCases, runProcessCases, summary } from "./harness";
import { Verdict } from "./verdict";

const results = new Map<string, Verdict>();
let scratch: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
  const [inProcess, processes] = await Promise.all([runInProcessCases(scratch), runProcessCases(scratch)]);
  for (const [id, v] of [...inProcess, ...processes]) results.set(id, v);
}, 180_000);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  if (results.size > 0) console.log(summary(results).text);
});

it("has at least 70 cases, over every input path", () => {
  expect(CASES.length).toBeGreaterThanOrEqual(70);
  expect(new Set(CASES.map((c) => c.path))).toEqual(
    new Set(["setting", ".env file", "CLI argument", "secret file", "construct prop"]),
  );
  expect(new Set(CASES.map(caseId)).size).toBe(CASES.length);
});

describe.each([...new Set(CASES.map((c) => c.path))])("%s", (inputPath) => {
  it.each(CASES.filter((c) => c.path === inputPath).map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const v = results.get(caseId(c));
    const expected = "refused" in c ? "refused" : "accepted";
    expect({ kind: v?.kind, why: v?.why }).toEqual({ kind: expected, why: undefined });
  });
});
