import { Testing, TerraformStack } from "cdktf";
import { literal, literalEnv } from "../../constructs/terraform-text";
import { makeStacks, swarmStacks } from "../support/stack";

/** Values a user may write that Terraform would evaluate if they reached the configuration as is. */
const HOSTILE = {
  APP_ENV_READS_A_FILE: '${file("/etc/hostname")}',
  APP_ENV_DIRECTIVE: "%{ if true }yes%{ endif }",
  APP_ENV_ALREADY_ESCAPED: "$${kept} %%{kept}",
  DJANGO_CSRF_TRUSTED_ORIGINS: "https://${var.c}.example.com",
};

/** The user's texts above where Terraform would evaluate them: a `${` not after a `$`, a `%{` not after a `%`. */
function evaluated(text: string): string[] {
  return [...text.matchAll(/(?<!\$)\$\{[^}]*\}?|(?<!%)%\{[^}]*\}?/g)]
    .map((m) => m[0])
    .filter((m) => /hostname|var\.c|var\.e|path\.cwd|if true|endif|kept/.test(m));
}

const allText = (...stacks: TerraformStack[]) => stacks.map((s) => Testing.synth(s)).join("\n");

describe("literal", () => {
  it("escapes Terraform's template and directive openings, and nothing else", () => {
    expect(literal('${file("/etc/passwd")}')).toBe('$${file("/etc/passwd")}');
    expect(literal("%{ if x }")).toBe("%%{ if x }");
    expect(literal("$5 and 100% and {braces} and $HOME")).toBe("$5 and 100% and {braces} and $HOME");
    // already escaped text stays what the user wrote: Terraform turns $$${ into $${
    expect(literal("$${x}")).toBe("$$${x}");
  });

  it("leaves cdktf's own references to be resolved", () => {
    expect(literal("a-${TfToken[TOKEN.12]}-${b}")).toBe("a-${TfToken[TOKEN.12]}-$${b}");
  });

  it("writes environment entries with literal values", () => {
    expect(literalEnv({ A: "${x}", B: "plain" })).toEqual(["A=$${x}", "B=plain"]);
  });
});

describe("a user's values in the synthesized configuration", () => {
  it("reach the engine target's containers as written, never as Terraform expressions", () => {
    const { environment, release } = makeStacks({
      ...HOSTILE,
      DOMAIN: "shop.example.com",
      ACME_EMAIL: "ops${var.e}@example.com",
    });
    const text = allText(environment, release);
    expect(text).toContain('READS_A_FILE=$${file(\\"/etc/hostname\\")}');
    expect(text).toContain("DIRECTIVE=%%{ if true }yes%%{ endif }");
    expect(text).toContain("ALREADY_ESCAPED=$$${kept} %%%{kept}");
    expect(text).toContain("https://$${var.c}.example.com");
    expect(text).toContain("ops$${var.e}@example.com");
    expect(evaluated(text)).toEqual([]);
  });

  it("reach the swarm target's services as written", () => {
    const { environment, release } = swarmStacks(HOSTILE);
    const text = allText(environment, release);
    expect(text).toContain('$${file(\\"/etc/hostname\\")}');
    expect(text).toContain("https://$${var.c}.example.com");
    expect(evaluated(text)).toEqual([]);
  });
});
