import {
  COMMENT_MARKER,
  CUT_NOTE,
  CommentFormatError,
  GITHUB_COMMENT_LIMIT,
  Region,
  assembleComment,
  begin,
  end,
  fitComment,
  mergeComment,
  parseComment,
  region,
} from "../../../scripts/plan-summary/comment";
import { escapeInline, redact, truncateLines } from "../../../scripts/plan-summary/escape";

/** A comment with every part of the given environments, as plan:pr writes it. */
const comment = (...environments: string[]) =>
  assembleComment(
    environments.flatMap((e) => [
      region("verdict", e, `🟢 **<code>${e}</code>: safe changes**`),
      region("summary", e, `### <code>${e}</code>: safe changes\n\n| a | b |\n| --- | --- |`),
      region("plan", e, `<details><summary>${e}</summary>\n\n<pre>\nplan of ${e}\n</pre>\n\n</details>`),
    ]),
  );
const layout = (body: string) => parseComment(body).map((r: Region) => `${r.kind} ${r.environment}`);

describe("mergeComment: each job adds or replaces its environment's part of the same comment", () => {
  it("starts a comment when there is none", () => {
    const merged = mergeComment(undefined, comment("dev"));
    expect(merged.split("\n")[0]).toBe(COMMENT_MARKER);
    expect(layout(merged)).toEqual(["verdict dev", "summary dev", "plan dev"]);
  });

  it("adds a second environment: all verdicts on top, all folded plans last", () => {
    const merged = mergeComment(comment("dev"), comment("prod"));
    expect(layout(merged)).toEqual([
      "verdict dev",
      "verdict prod",
      "summary dev",
      "summary prod",
      "plan dev",
      "plan prod",
    ]);
    expect(merged.indexOf(begin("verdict", "prod"))).toBeLessThan(merged.indexOf(begin("summary", "dev")));
  });

  it("replaces only its own environment, keeping the others and their order", () => {
    const existing = mergeComment(comment("dev"), comment("prod"));
    const newer = assembleComment([
      region("verdict", "dev", "🔴 **<code>dev</code>: destroys data**"),
      region("summary", "dev", "new summary of dev"),
      region("plan", "dev", "new plan of dev"),
    ]);
    const merged = mergeComment(existing, newer);
    expect(layout(merged)).toEqual(layout(existing));
    expect(merged).toContain("🔴 **<code>dev</code>: destroys data**");
    expect(merged).not.toContain("\nplan of dev\n");
    expect(merged).toContain("plan of prod");
    // merging the same part twice changes nothing more
    expect(mergeComment(merged, newer)).toBe(merged);
  });

  it("drops an environment's parts that the new run replaces even when the new run has fewer", () => {
    const merged = mergeComment(
      comment("dev"),
      assembleComment([region("verdict", "dev", "only a verdict")]),
    );
    expect(layout(merged)).toEqual(["verdict dev"]);
  });

  it("ignores text outside the regions and regions cut off or forged in the existing comment", () => {
    const existing = [
      COMMENT_MARKER,
      "edited by hand",
      begin("summary", "old"),
      "no end marker",
      begin("verdict", "x"),
      "<!-- django-cdktf-plan:begin plan evil -->",
      end("verdict", "x"),
    ].join("\n");
    const merged = mergeComment(existing, comment("dev"));
    expect(layout(merged)).toEqual(["verdict dev", "summary dev", "plan dev"]);
    expect(merged).not.toContain("edited by hand");
  });

  it("refuses a part whose text would forge a marker (values must be escaped first)", () => {
    expect(() => region("summary", "dev", `x ${end("summary", "dev")} y`)).toThrow(CommentFormatError);
    expect(() => region("summary", "dev", "<!-- /django-cdktf-plan -->")).toThrow(
      /contains a comment marker/,
    );
    expect(() => region("summary", "dev x", "ok")).toThrow(/may only contain letters/);
    expect(() => mergeComment(undefined, "no regions")).toThrow(/no environment part/);
  });

  it("fits the merged comment in GitHub's limit by cutting the longest folded plan at a line end", () => {
    const big = (e: string, n: number) =>
      assembleComment([
        region("verdict", e, `verdict ${e}`),
        region(
          "plan",
          e,
          `<pre>\n${Array.from({ length: n }, (_, i) => `${e} line ${i}`).join("\n")}\n</pre>`,
        ),
      ]);
    const merged = mergeComment(big("dev", 3000), big("prod", 1000), 40000);
    expect(merged.length).toBeLessThanOrEqual(40000);
    expect(merged).toContain("prod line 999"); // the shorter plan is kept whole
    expect(merged).toContain(`\n${CUT_NOTE}\n</pre>`);
    expect(merged).toMatch(/dev line \d+\n\(cut here/);
    expect(layout(merged)).toEqual(["verdict dev", "verdict prod", "plan dev", "plan prod"]);
    expect(mergeComment(undefined, big("dev", 10), GITHUB_COMMENT_LIMIT)).not.toContain(CUT_NOTE);
  });

  it("as a last resort cuts the body itself", () => {
    expect(fitComment("a\n".repeat(1000), 100).length).toBeLessThanOrEqual(100);
  });
});

describe("escape, redact, truncate", () => {
  it("escapes inline values so they are plain text in markdown and HTML", () => {
    expect(escapeInline("a_b *c* [l](u) <i> & | `x` \\ ~y~ #1 !")).toBe(
      "a\\_b \\*c\\* \\[l\\]\\(u\\) &lt;i&gt; &amp; &#124; \\`x\\` \\\\ \\~y\\~ \\#1 \\!",
    );
    expect(escapeInline("two\nlines")).toBe("two lines");
  });

  it("redacts every escaped form of a secret", () => {
    const secret = "a<b|c_d&e";
    for (const form of [secret, "a&lt;b|c_d&amp;e", escapeInline(secret)]) {
      expect(redact(`x ${form} y`, [secret])).toBe("x (redacted) y");
    }
    expect(redact("abc", ["ab"])).toBe("abc"); // too short to be a secret
  });

  it("cuts at line ends only", () => {
    expect(truncateLines("one\ntwo\nthree", 9)).toEqual({ text: "one\ntwo", cut: true });
    expect(truncateLines("one", 9)).toEqual({ text: "one", cut: false });
    expect(truncateLines("onetwothree", 5)).toEqual({ text: "", cut: true });
  });
});
