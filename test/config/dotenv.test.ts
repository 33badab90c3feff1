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

  it.each([
    [
      "DATABASE NAME=x",
      '"DATABASE" is followed by a space, not "=" (the rest of the line is not shown)',
      "NAME=x",
    ],
    ["KEY\tsecret-ish", '"KEY" is followed by a tab, not "="', "secret-ish"],
    ["=s3cret", 'there is no name before "="', "s3cret"],
    ["1KEY=s3cret", '"1KEY" is not a name', "s3cret"],
    ['"DATABASE_PASSWORD"=s3cret word', '"\\"DATABASE_PASSWORD\\"" is not a name', "s3cret"],
  ])("shows of a line that is not KEY=value only what could be its key: %j", (text, shown, rest) => {
    const { errors } = parseDotenv(".env", `${text}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`.env line 1 is not KEY=value: ${shown}`);
    expect(errors[0]).toMatch(/fix it or comment it out with #$/);
    expect(errors[0]).not.toContain(rest);
  });
});

/** Lines of secret settings that cannot be read, each with a part of the value no message may show. */
const SECRET_LINES: [string, string, RegExp][] = [
  [
    "DJANGO_SECRET_KEY LEAKME2",
    "LEAKME2",
    /^\.env line 1 is not KEY=value: DJANGO_SECRET_KEY is not followed by "=" \(value hidden\); write DJANGO_SECRET_KEY=value, or comment it out with #$/,
  ],
  [
    "DATABASE_PASSWORD-Hunter2",
    "Hunter2",
    /^\.env line 1 is not KEY=value: DATABASE_PASSWORD is not followed/,
  ],
  [
    "export APP_SECRET_STRIPE_KEY sk_Hunter2",
    "Hunter2",
    /APP_SECRET_STRIPE_KEY is not followed by "=" \(value hidden\)/,
  ],
  [
    "DATABASE_PASSWORD=S3cr3t${Hunter2-Horse",
    "Hunter2",
    /^\.env line 1 \(DATABASE_PASSWORD\): a \$\{ has no closing \} \(value hidden\); close it, or write \$\$ for a literal \$, or single-quote the value$/,
  ],
  [
    'DATABASE_PASSWORD="S3cr3t${Hunter2-Horse"',
    "Hunter2",
    /\(DATABASE_PASSWORD\): a \$\{ has no closing \} \(value hidden\)/,
  ],
  [
    "DATABASE_PASSWORD=S3cr3t${9Hunter2Horse}x",
    "Hunter2",
    /^\.env line 1 \(DATABASE_PASSWORD\): a \$\{\.\.\.\} in it is not a variable reference \(value hidden\); use \$\{NAME\}, .*single-quote the value$/,
  ],
  [
    'DJANGO_SECRET_KEY="k3y-part-one" k3y-part-two',
    "k3y-part",
    /^\.env line 1: unexpected text after the quoted value of DJANGO_SECRET_KEY \(value hidden\); quote the whole value, or put comments after a space and #$/,
  ],
  ["APP_SECRET_STRIPE_KEY='k3y-part-one' k3y-part-two", "k3y-part", /APP_SECRET_STRIPE_KEY \(value hidden\)/],
  [
    "SECRETS_HASH_KEY=ab${Hunter2",
    "Hunter2",
    /\(SECRETS_HASH_KEY\): a \$\{ has no closing \} \(value hidden\)/,
  ],
  ["DATABASE_PASSWORD__PROD=ab${Hunter2", "Hunter2", /\(DATABASE_PASSWORD__PROD\): .*\(value hidden\)/],
  [
    "DATABASE_PASSWORD=${PW:?Hunter2 is the password}",
    "Hunter2",
    /\(DATABASE_PASSWORD\): PW is required \(its message is hidden with the value\); set PW$/,
  ],
];

describe("the value of a secret setting in a line that cannot be read", () => {
  it.each(SECRET_LINES)("%s: named by file, line and key, the value hidden", (text, secret, message) => {
    const { errors, warnings } = parseDotenv(".env", `${text}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect([...errors, ...warnings].join("\n")).not.toContain(secret);
  });

  it("still shows the value of a setting that is not secret", () => {
    expect(parseDotenv(".env", "DATABASE_NAME=ab${Shop\n").errors).toEqual([
      '.env line 1 (DATABASE_NAME): "${Shop" opens ${ without a closing }; close it, or write $$ for a literal $',
    ]);
    expect(parseDotenv(".env", "APP_SECRET_STRIPE_KEY_FILE=x${9y}\n").errors[0]).toContain("${9y}");
  });
});

describe("a $NAME or ${NAME} whose NAME is unset", () => {
  it("is refused in a secret's value, naming the file, line, key and variable, never the value", () => {
    const parsed = parseDotenv(".env.prod", "A=1\nDATABASE_PASSWORD=Tr0ub4dor$horse-battery\n");
    expect(parsed.errors).toEqual([
      ".env.prod line 2 (DATABASE_PASSWORD): horse is not set, so its $ reference would silently become empty (value hidden); set horse, or write $$ for a literal $, or single-quote the value",
    ]);
    expect(parsed.warnings).toEqual([]);
  });

  it.each([
    ["DJANGO_SECRET_KEY=${PEPPER}k3y", "PEPPER"],
    ['APP_SECRET_STRIPE_KEY="sk_${live}_k3y"', "live"],
    ["DATABASE_PASSWORD=${A:-$B}x", "B"],
  ])("is refused in %s", (line, variable) => {
    const { errors } = parseDotenv(".env", line);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`${variable} is not set`);
    expect(errors[0]).not.toMatch(/k3y|sk_/);
  });

  it("is reported once per variable and line", () => {
    expect(parseDotenv(".env", "DATABASE_PASSWORD=$a$a${a}\n").errors).toHaveLength(1);
    expect(parseDotenv(".env", "DATABASE_NAME=$a$a${a}\n").warnings).toHaveLength(1);
  });

  it("becomes empty in any other setting, as in compose, with a warning naming file, line, key and variable", () => {
    const parsed = parseDotenv(".env", "# shop\nDATABASE_NAME=shop${suffix}\n");
    expect(parsed.errors).toEqual([]);
    expect(parsed.vars.DATABASE_NAME).toBe("shop");
    expect(parsed.warnings).toEqual([
      '.env line 2 (DATABASE_NAME): suffix is not set, so "$suffix" becomes an empty string (as in docker compose); set suffix, or write $$ for a literal $, or single-quote the value',
    ]);
  });

  it.each([
    ["DATABASE_PASSWORD=Tr0ub4dor$$horse-battery", {}, "Tr0ub4dor$horse-battery"],
    ["DATABASE_PASSWORD='Tr0ub4dor$horse-battery'", {}, "Tr0ub4dor$horse-battery"],
    ["DATABASE_PASSWORD=Tr0ub4dor$horse-battery", { horse: "H" }, "Tr0ub4dorH-battery"],
    ["DATABASE_PASSWORD=Tr0ub4dor$horse-battery", { horse: "" }, "Tr0ub4dor-battery"],
    ["DATABASE_PASSWORD=${PEPPER:-}k3y", {}, "k3y"],
    ["DATABASE_PASSWORD=Tr0ub4dor$", {}, "Tr0ub4dor$"],
    ["DATABASE_PASSWORD=Tr0ub4dor$5", {}, "Tr0ub4dor$5"],
  ])("is no problem otherwise: %s with %j", (line, env, expected) => {
    const parsed = parseDotenv(".env", line, env as Record<string, string>);
    expect(parsed).toEqual({ vars: { DATABASE_PASSWORD: expected }, errors: [], warnings: [] });
  });

  it("is set when an earlier line of the file sets it", () => {
    const parsed = parseDotenv(".env", "PEPPER=p\nDATABASE_PASSWORD=k3y-$PEPPER\n");
    expect(parsed.errors).toEqual([]);
    expect(parsed.vars.DATABASE_PASSWORD).toBe("k3y-p");
  });
});
