import { isUnpinnedImage, parseImageReference } from "../../constructs/image-reference";

describe("image references", () => {
  it.each([
    ["postgres", true],
    ["postgres:latest", true],
    ["postgres:17", false],
    ["registry.example:5000/team/postgres:17.5", false],
    [`postgres@sha256:${"a".repeat(64)}`, false],
    ["Not An Image", true],
  ])("isUnpinnedImage(%s) is %s", (ref, unpinned) => {
    expect(isUnpinnedImage(ref)).toBe(unpinned);
  });

  it("parses the tag and the digest", () => {
    expect(parseImageReference("registry.example:5000/team/postgres:17.5")).toEqual({
      tag: "17.5",
      digest: undefined,
    });
    expect(parseImageReference(`postgres@sha256:${"a".repeat(64)}`)).toEqual({
      tag: undefined,
      digest: `sha256:${"a".repeat(64)}`,
    });
    expect(parseImageReference("Not An Image")).toBeUndefined();
  });
});
