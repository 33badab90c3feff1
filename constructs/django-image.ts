import { Construct } from "constructs";
import { Image } from "@cdktf/provider-docker/lib/image";
import { LabelKeys } from "./labels";
import { DjangoImageContract } from "./env-contract";
import { buildContextHash } from "./source-hash";

export interface DjangoImageProps {
  readonly namePrefix: string;
  readonly stackName: string;
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
}

/**
 * The Django image, built by the provider from `django-app/`. The content hash drives both the tag
 * and `triggers`: a change that reaches the build context rebuilds the image and, through
 * `image_id`, replaces the containers; anything else (an ignored file) changes nothing.
 */
export class DjangoImage extends Construct {
  readonly image: Image;
  readonly sourceHash: string;
  /** `<repository>:<tag>`, the tag being the first 12 characters of the content hash. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: DjangoImageProps) {
    super(scope, id);
    this.sourceHash = props.sourceHash ?? buildContextHash(props.contextDir);
    this.name = `${props.namePrefix}-web:src-${this.sourceHash.slice(0, 12)}`;
    this.image = new Image(this, "Image", {
      name: this.name,
      buildAttribute: {
        context: props.contextPath,
        buildArgs: { [DjangoImageContract.baseImageBuildArg]: props.baseImage ?? "python:3.13-slim" },
        labels: { [LabelKeys.stack]: props.stackName, [LabelKeys.role]: "web" },
      },
      // Destroy-then-create, like the containers that use it. Terraform stops the old containers at
      // the start of the apply anyway, so create-before-destroy would not shorten the downtime, and
      // its deposed image, deleted by name, collides with a rebuild of the same content.
      triggers: { source_hash: this.sourceHash },
    });
  }

  /** The `sha256:` id: containers use it, so a rebuilt image replaces them. */
  get imageId(): string {
    return this.image.imageId;
  }
}
