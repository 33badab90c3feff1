import { Construct } from "constructs";
import {
  dnsLabelProblem,
  dockerNameProblem,
  pgIdentifierProblem,
  pinnedImageProblem,
  validateProps,
  wholeNumberProblem,
} from "../../constructs/validation";
import { bareStack } from "../support/constructs";
import { validationErrors } from "../support/stack";

describe("props validation", () => {
  it("names the construct path, the prop, the value and the fix; skips unresolved tokens", () => {
    const stack = bareStack();
    const c = new Construct(stack, "Thing");
    validateProps(c, () => [
      { prop: "port", value: 0, problem: wholeNumberProblem(0, 1, 65535), fix: "use a TCP port" },
      { prop: "name", value: "${TfToken[TOKEN.1]}", problem: "would fail", fix: "" },
      undefined,
    ]);
    expect(validationErrors(stack)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          "t/Thing: port must be a whole number from 1 to 65535, got 0; use a TCP port",
        ),
      ]),
    );
    expect(validationErrors(stack).join("\n")).not.toContain("would fail");
  });

  it.each([
    [dockerNameProblem, "django-dev-db", true],
    [dockerNameProblem, "-db", false],
    [dnsLabelProblem, "db", true],
    [dnsLabelProblem, "DB", false],
    [pgIdentifierProblem, "_shop1", true],
    [pgIdentifierProblem, "shop-1", false],
    [pinnedImageProblem, "postgres:17", true],
    [pinnedImageProblem, "postgres", false],
  ] as const)("%p accepts %s: %s", (check, value, ok) => {
    expect(check(value) === undefined).toBe(ok);
  });
});
