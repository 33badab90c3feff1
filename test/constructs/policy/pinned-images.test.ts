import { Construct } from "constructs";
import { Image } from "@cdktf/provider-docker/lib/image";
import { PinnedImages } from "../../../constructs/policy/pinned-images";
import { findings } from "../../support/policy";

describe("[pinned-images]", () => {
  it("accepts compliant containers and reports non-compliant ones with the rule id", () => {
    expect(findings(new PinnedImages(), {})).toEqual([]);
    expect(findings(new PinnedImages(), { image: "postgres" })[0]).toMatch(
      /\[pinned-images\] t\/C: container image "postgres" is not pinned/,
    );
    expect(findings(new PinnedImages(), { image: "postgres:latest" })).toHaveLength(1);
    const built = (image: string) => (s: Construct) =>
      new Image(s, "I", {
        name: "app:v1",
        buildAttribute: { context: ".", buildArgs: { PYTHON_IMAGE: image } },
      });
    expect(findings(new PinnedImages(), {}, built("python:3.13-slim"))).toEqual([]);
    expect(findings(new PinnedImages(), {}, built("python"))[0]).toMatch(
      /build argument PYTHON_IMAGE "python" is not pinned/,
    );
  });
});
