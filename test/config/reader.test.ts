import { shownValue } from "../../config/reader";
import { errors, ok } from "../support/config";

describe("per-environment values in one process environment (CI)", () => {
  it("takes NAME__<ENV> for that environment only, before NAME", () => {
    const { config, warnings } = ok({
      env: {
        DATABASE_PASSWORD__PROD: "prod-password-from-ci",
        DATABASE_PASSWORD: "shared-password",
        APP_PORT__PROD: "9100",
      },
    });
    const [dev, prod] = config.stacks;
    expect(dev.secrets.databasePassword).toEqual({
      kind: "value",
      value: "shared-password",
      source: "environment",
    });
    expect(prod.secrets.databasePassword).toEqual({
      kind: "value",
      value: "prod-password-from-ci",
      source: "environment (DATABASE_PASSWORD__PROD)",
    });
    expect(prod.app.port).toBe(9100);
    expect(warnings).toEqual([]);
  });

  it("warns about a suffix that names no environment, or a global setting", () => {
    const { warnings } = ok({ env: { DATABASE_PASSWORD__STAGING: "x", TF_BACKEND__PROD: "s3" } });
    expect(warnings).toEqual([
      "DATABASE_PASSWORD__STAGING (in environment) names no environment in ENVIRONMENTS (dev,prod); it is ignored",
      "TF_BACKEND__PROD is ignored: TF_BACKEND applies to every environment; set TF_BACKEND instead",
    ]);
  });

  it("names the qualified variable in errors", () => {
    expect(errors({ env: { DATABASE_PORT__PROD: "x" } })).toEqual([
      'DATABASE_PORT must be a whole number from 1 to 65535, got "x" (set in environment (DATABASE_PORT__PROD) for environment "prod")',
    ]);
  });
});

describe("values in messages: invisible characters shown escaped", () => {
  it("escapes format characters, the other control characters and the spaces that are not plain", () => {
    expect(shownValue("\u200btrue")).toBe('"\\u{200B}true"');
    expect(shownValue("\ufefffalse\u00a0")).toBe('"\\u{FEFF}false\\u{A0}"');
    expect(shownValue("a\u007fb\u0085c\u2028d\u3000e\u202ef")).toBe(
      '"a\\u{7F}b\\u{85}c\\u{2028}d\\u{3000}e\\u{202E}f"',
    );
    // JSON's own escapes are kept; visible text and a plain space are as they are
    expect(shownValue("x\x1b[31m\ny")).toBe('"x\\u001b[31m\\ny"');
    expect(shownValue("djängo app")).toBe('"djängo app"');
    // cut long values still end in the length
    expect(shownValue(`\u200b${"x".repeat(100)}`)).toMatch(/^"\\u\{200B\}x+\.\.\." \(101 characters\)$/);
  });

  it("shows a zero-width space in a bad boolean, and a no-break space in a bad list item", () => {
    expect(errors({ env: { ENVIRONMENTS: "dev", DEBUG: "\u200btrue" } })).toEqual([
      'DEBUG must be one of true/false, 1/0, yes/no, on/off, got "\\u{200B}true" (set in environment for environment "dev")',
    ]);
    expect(
      errors({ env: { ENVIRONMENTS: "dev", DJANGO_ALLOWED_HOSTS: "a.example,b\u00a0.example" } })[0],
    ).toContain('(bad item "b\\u{A0}.example")');
  });
});

describe("secrets of whitespace only", () => {
  it("refuses them, naming the setting and never the value; spaces around a real value are kept", () => {
    const refused = errors({
      env: {
        ENVIRONMENTS: "dev",
        DATABASE_PASSWORD: "   ",
        DJANGO_SECRET_KEY: " \t ",
        APP_SECRET_TOKEN: " ",
      },
    });
    expect(refused).toEqual(
      expect.arrayContaining([
        'DATABASE_PASSWORD is only whitespace, got (value hidden) (set in environment for environment "dev"); give the real value, or remove it to have one generated',
        'DJANGO_SECRET_KEY is only whitespace, got (value hidden) (set in environment for environment "dev"); give the real value, or remove it to have one generated',
        'APP_SECRET_TOKEN is only whitespace, got (value hidden) (set in environment for environment "dev"); give the real value, or remove it',
      ]),
    );
    expect(refused).toHaveLength(3);
    const { config } = ok({ env: { ENVIRONMENTS: "dev", DATABASE_PASSWORD: "  pass phrase with spaces  " } });
    expect(config.stacks[0].secrets.databasePassword).toEqual({
      kind: "value",
      value: "  pass phrase with spaces  ",
      source: "environment",
    });
  });
});
