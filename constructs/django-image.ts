import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Image } from "@cdktf/provider-docker/lib/image";
import { buildContextHash } from "./build-context";
import { DjangoImageContract } from "./contracts";
import { LabelKeys } from "./labels";
import { pinnedImageProblem, validateProps } from "./validation";

export interface DjangoImageProps {
  /** Repository part of the image name (the tag is derived from the content hash), e.g. `django-dev-web`. */
  readonly repository: string;
  /** Absolute path of the build context (holds the Dockerfile and .dockerignore). */
  readonly contextDir: string;
  /** The same directory as Terraform must see it: relative to the stack's working directory. */
  readonly contextPath: string;
  /** Base image, passed as the PYTHON_IMAGE build argument. @default "python:3.13-slim" */
  readonly baseImage?: string;
  /**
   * Content hash of the build context. @default computed from the files `.dockerignore` lets
   * through, so exactly the changes the image can see cause a rebuild
   */
  readonly sourceHash?: string;
  /**
   * Deploy this existing image (a tag or digest) instead of building one: an image built by CI, or
   * an earlier release kept on the host. @default none: build from `contextDir`
   */
  readonly prebuilt?: string;
  /**
   * Where the build's full log is written (relative to the stack's working directory), for progress
   * and for the cause of a failed build. @default none
   */
  readonly buildLogFile?: string;
}

/**
 * The Django image, built by the provider from the build context. The content hash drives both the
 * tag and `triggers`: a change that reaches the build context rebuilds the image and, through
 * `image_id`, replaces the containers; anything else (an ignored file) changes nothing.
 */
export class DjangoImage extends Construct {
  readonly image: Image;
  readonly sourceHash: string;
  /** `<repository>:src-<first 12 characters of the content hash>`. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: DjangoImageProps) {
    super(scope, id);
    const baseImage = props.baseImage ?? "python:3.13-slim";
    let hashProblem: string | undefined;
    let sourceHash = props.sourceHash;
    if (sourceHash === undefined && props.prebuilt === undefined) {
      try {
        sourceHash = buildContextHash(props.contextDir);
      } catch (e) {
        hashProblem = (e as Error).message;
      }
    }
    this.sourceHash = sourceHash ?? "0".repeat(64);
    validateProps(this, () => [
      {
        prop: "repository",
        value: props.repository,
        problem: /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
          props.repository,
        )
          ? undefined
          : "must be an image repository name (lower case letters, digits, '.', '_', '-', '/')",
        fix: "e.g. django-dev-web",
      },
      {
        prop: "contextDir",
        value: props.contextDir,
        problem: hashProblem,
        fix: "point it at a directory holding a Dockerfile",
      },
      {
        prop: "sourceHash",
        value: this.sourceHash,
        problem: /^[0-9a-f]{12,}$/.test(this.sourceHash)
          ? undefined
          : "must be a lower case hex digest of 12 or more characters",
        fix: "leave it unset to hash the build context",
      },
      {
        prop: "baseImage",
        value: baseImage,
        problem: pinnedImageProblem(baseImage),
        fix: "pin a version, e.g. python:3.13-slim",
      },
    ]);
    const imageLabels = { [LabelKeys.stack]: TerraformStack.of(this).node.id, [LabelKeys.role]: "web" };
    // Images are never deleted by Terraform (`keepLocally`): the previous release runs from its image
    // until traffic has moved, and earlier ones stay for a rollback; the CLI prunes old ones.
    if (props.prebuilt !== undefined) {
      this.name = props.prebuilt;
      this.image = new Image(this, "Image", {
        name: props.prebuilt,
        keepLocally: true,
        lifecycle: { createBeforeDestroy: true },
      });
      return;
    }
    this.name = `${props.repository}:src-${this.sourceHash.slice(0, 12)}`;
    this.image = new Image(this, "Image", {
      name: this.name,
      buildAttribute: {
        context: props.contextPath,
        buildArgs: { [DjangoImageContract.baseImageBuildArg]: baseImage },
        // `labels` for the engine's classic builder, `label` for BuildKit (the provider's route since 4.x)
        labels: imageLabels,
        label: imageLabels,
        buildLogFile: props.buildLogFile,
      },
      triggers: { source_hash: this.sourceHash },
      keepLocally: true,
      lifecycle: { createBeforeDestroy: true },
    });
  }

  /** The `sha256:` id: containers use it, so a rebuilt image replaces them. */
  get imageId(): string {
    return this.image.imageId;
  }
}
