import { IAspect } from "cdktf";
import { IConstruct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { Service } from "@cdktf/provider-docker/lib/service";
import { isUnpinnedImage } from "../image-reference";
import { known, report } from "./rule";

export const RULE = "pinned-images";

/**
 * No image may float: every image name, container image and base-image build argument carries a
 * tag other than `latest`, or a digest. Otherwise a deploy silently runs something else.
 */
export class PinnedImages implements IAspect {
  visit(node: IConstruct): void {
    const check = (ref: string | undefined, what: string) => {
      if (known(ref) && !ref.startsWith("sha256:") && isUnpinnedImage(ref)) {
        report(node, RULE, `${what} "${ref}" is not pinned; give it a version tag (not latest) or a digest`);
      }
    };
    if (node instanceof Image) {
      check(node.nameInput, `${node.node.path}: image`);
      const args = node.buildAttributeInput?.buildArgs;
      if (args && !Array.isArray(args) && typeof args === "object") {
        for (const [key, value] of Object.entries(args)) {
          if (/IMAGE$/.test(key)) check(value, `${node.node.path}: build argument ${key}`);
        }
      }
    } else if (node instanceof Container) {
      check(node.imageInput, `${node.node.path}: container image`);
    } else if (node instanceof Service) {
      check(node.taskSpecInput?.containerSpec.image, `${node.node.path}: service image`);
    }
  }
}
