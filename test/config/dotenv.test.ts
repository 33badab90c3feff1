import { parseDotenv } from "../../config/dotenv";

/** docker compose's documented `.env` examples (the "Syntax for environment files" page). */
const COMPOSE_EXAMPLES: [string, string][] = [
  ["VAR=VAL", "VAL"],
  ['VAR="VAL"', "VAL"],
  ["VAR='VAL'", "VAL"],
  ["VAR=VAL # comment", "VAL"],
  ["VAR=VAL# not a comment", "VAL# not a comment"],
  ['VAR="VAL # not a comment"', "VAL # not a comment"],
  ['VAR="VAL" # comment', "VAL"],
  ["VAR='$OTHER'", "$OTHER"],
  ["VAR='${OTHER}'", "${OTHER}"],
  ["VAR='Let\\'s go!'", "Let's go!"],
  ['VAR="{\\"hello\\": \\"json\\"}"', '{"hello": "json"}'],
  ['VAR="some\\tvalue"', "some\tvalue"],
  ["VAR='some\\tvalue'", "some\\tvalue"],
  ["VAR=some\\tvalue", "some\\tvalue"],
  ['VAR="line one\\nline two"', "line one\nline two"],
  ["export VAR=VAL", "VAL"],
  ["VAR = VAL", "VAL"],
  ["VAR=", ""],
];

describe(".env files as docker compose reads them", () => {
  it.each(COMPOSE_EXAMPLES)("%s gives %j", (line, expected) => {
    const parsed = parseDotenv(".env", `${line}\n`);
    expect(parsed.errors).toEqual([]);
    expect(parsed.vars.VAR).toBe(expected);
  });

  it.each([
    ["VAR=${OTHER}", { OTHER: "x" }, "x"],
    ["VAR=$OTHER-y", { OTHER: "x" }, "x-y"],
    ['VAR="${OTHER}"', { OTHER: "x" }, "x"],
    ["VAR=${MISSING:-default}", {}, "default"],
    ["VAR=${EMPTY:-default}", { EMPTY: "" }, "default"],
    ["VAR=${EMPTY-default}", { EMPTY: "" }, ""],
    ["VAR=${OTHER:+alt}", { OTHER: "x" }, "alt"],
    ["VAR=${MISSING:+alt}", {}, ""],
    ["VAR=${MISSING:-${OTHER:-deep}}", {}, "deep"],
    ["VAR=cost: $$5", {}, "cost: $5"],
  ])("interpolates %s", (line, env, expected) => {
    const parsed = parseDotenv(".env", line, env as Record<string, string>);
    expect(parsed.errors).toEqual([]);
    expect(parsed.vars.VAR).toBe(expected);
  });

  it("interpolates values defined earlier in the file, the environment first", () => {
    const parsed = parseDotenv(".env", "HOST=db\nURL=postgres://${HOST}:5432\nFROM_ENV=${PORT}\n", {
      PORT: "6543",
    });
    expect(parsed.vars).toMatchObject({ URL: "postgres://db:5432", FROM_ENV: "6543" });
  });

  it("keeps a value quoted over several lines", () => {
    expect(parseDotenv(".env", 'KEY="-----BEGIN\nabc\n-----END"\nNEXT=1\n').vars).toEqual({
      KEY: "-----BEGIN\nabc\n-----END",
      NEXT: "1",
    });
  });

  it("takes a bare name from the environment", () => {
    expect(parseDotenv(".env", "TOKEN\n", { TOKEN: "t" }).vars).toEqual({ TOKEN: "t" });
  });

  it("warns about a key set twice, keeping the last as compose does", () => {
    const parsed = parseDotenv(".env.prod", "DEBUG=true\nA=1\nDEBUG=false\n");
    expect(parsed.vars.DEBUG).toBe("false");
    expect(parsed.warnings).toEqual([
      ".env.prod sets DEBUG twice (lines 1 and 3); the last one wins, as in docker compose: remove the other",
    ]);
  });

  it.each([
    ["not a key line", /line 1 is not KEY=value/],
    ["KEY: value", /line 1: KEY is not followed by "="/],
    ['KEY="never closed', /the double quote of KEY is never closed/],
    ['KEY="quoted" trailing', /unexpected "trailing" after the quoted value of KEY/],
    ["KEY=${NEEDED:?set NEEDED first}", /line 1 \(KEY\): NEEDED is required: set NEEDED first/],
    ["KEY=${bad expr}", /\$\{bad expr\} is not a variable reference/],
  ])("reports %j with its line and the fix", (text, message) => {
    const parsed = parseDotenv(".env", `${text}\n`);
    expect(parsed.errors.join("\n")).toMatch(message);
  });
});
