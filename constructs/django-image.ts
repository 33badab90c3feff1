import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { Image } from "@cdktf/provider-docker/lib/image";
import { ContextEntry, buildContextHash, contextEntries, entriesHash, hasIgnoreFile } from "./build-context";
import { DjangoImageContract, ProjectImageContract } from "./contracts";
import { LabelKeys } from "./labels";
import { StagedContext } from "./staged-context";
import { literalValues } from "./terraform-text";
import { checkPropShapes, pinnedImageProblem, validateProps } from "./validation";

/** The stack's Dockerfile and settings overlay (constructs/project-image/). */
export const PROJECT_IMAGE_KIT = path.join(__dirname, "project-image");

/** Building a project with the stack's Dockerfile, around the project's own files. */
export interface WrapProps {
  /** The project's settings module, which the stack's settings overlay imports, e.g. `mysite.settings`. */
  readonly settingsModule: string;
  /**
   * The project's dependency files (relative to `contextDir`, posix): uv.lock and pyproject.toml,
   * poetry.lock and pyproject.toml, requirements.txt and the files it includes, or pyproject.toml.
   */
  readonly dependencyFiles: readonly string[];
}

export interface DjangoImageProps {
  /** Repository part of the image name (the tag is derived from the content hash), e.g. `django-dev-web`. */
  readonly repository: string;
  /** Absolute path of the project: the build context, or what the stack's context is made of. */
  readonly contextDir: string;
  /**
   * The same directory as Terraform must see it: relative to the stack's working directory. Used
   * when the directory is sent as it is. @default "" (required then)
   */
  readonly contextPath?: string;
  /** Base image, passed as the PYTHON_IMAGE build argument. @default "python:3.13-slim" */
  readonly baseImage?: string;
  /**
   * Content hash of the build context. @default computed from the files the ignore rules let
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
  /**
   * Build with the stack's Dockerfile around the project (settings overlay, dependencies, health
   * endpoints) rather than the project's own. @default none: the project's own Dockerfile
   */
  readonly wrap?: WrapProps;
  /** The project's own Dockerfile, relative to `contextDir` (posix). @default "Dockerfile" */
  readonly dockerfile?: string;
  /** The build stage of the project's own Dockerfile. @default the last stage */
  readonly target?: string;
  /**
   * Ignore rules for a project without a `.dockerignore` (e.g. `DEFAULT_IGNORE`): such a project is
   * sent through a context the stack assembles (`StagedContext`) with only the files they let
   * through. @default none: a project without a `.dockerignore` is sent whole
   */
  readonly defaultIgnore?: readonly string[];
  /**
   * Ignore rules that apply whatever the project's `.dockerignore` says: the stack's own files inside
   * it (`stackOwnIgnore`: secrets, backups, `cdktf.out`, Terraform's state, the stack's `.env` files).
   * A project with any is always sent through a staged context, since Docker applies only the
   * project's `.dockerignore` to a directory sent as it is, and the stack writes nothing into the
   * project (and a file Terraform writes during the deploy, its state, would be sent anyway).
   * @default none
   */
  readonly alwaysIgnore?: readonly string[];
}

/**
 * The Django image, built by the provider. The content hash of what the build receives drives both
 * the tag and `triggers`: a change that reaches the build rebuilds the image and, through
 * `image_id`, replaces the containers; anything else (an ignored file) changes nothing.
 *
 * Three ways to build: a project's own Dockerfile with the project's directory as the context
 * (django-app); the same through a staged context when the project has no `.dockerignore` and
 * `defaultIgnore` is given, or when it holds files of the stack's (`alwaysIgnore`); or the stack's
 * Dockerfile around the project (`wrap`), always staged: `Dockerfile`, `kit/` (the overlay), `deps/`
 * (the dependency files) and `app/` (the project). `alwaysIgnore` applies to each.
 */
export class DjangoImage extends Construct {
  readonly image: Image;
  readonly sourceHash: string;
  /** `<repository>:src-<first 12 characters of the content hash>`. */
  readonly name: string;
  /** Built with the stack's Dockerfile: its DJANGO_SETTINGS_MODULE is the settings overlay. */
  readonly overlay: boolean;
  /** The context the stack assembled, when it did. */
  readonly staged?: StagedContext;

  constructor(scope: Construct, id: string, props: DjangoImageProps) {
    super(scope, id);
    checkPropShapes(this, "DjangoImage", props, { repository: "string", contextDir: "string" });
    const baseImage = props.baseImage ?? "python:3.13-slim";
    const dockerfile = props.dockerfile ?? "Dockerfile";
    this.overlay = props.wrap !== undefined;
    let hashProblem: string | undefined;
    let entries: ContextEntry[] | undefined;
    let sourceHash = props.sourceHash;
    if (props.prebuilt === undefined) {
      try {
        entries = this.stagedEntries(props, dockerfile);
        if (sourceHash === undefined) {
          sourceHash = entries
            ? entriesHash(entries)
            : dockerfile === "Dockerfile"
              ? buildContextHash(props.contextDir)
              : entriesHash(withFile(contextEntries(props.contextDir), props.contextDir, dockerfile));
        }
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
        fix: props.wrap
          ? "point it at the project's directory"
          : "point it at a directory holding a Dockerfile, or build with the stack's (wrap)",
      },
      {
        prop: "contextPath",
        value: props.contextPath ?? "",
        problem:
          props.prebuilt === undefined && entries === undefined && !props.contextPath
            ? "must be given when the directory is sent as it is"
            : undefined,
        fix: "give the directory relative to the stack's working directory",
      },
      {
        prop: "dockerfile",
        value: dockerfile,
        problem:
          path.posix.isAbsolute(dockerfile) || dockerfile.split("/").includes("..")
            ? "must be a path inside the context"
            : undefined,
        fix: "e.g. docker/Dockerfile.prod",
      },
      {
        prop: "wrap.settingsModule",
        value: props.wrap?.settingsModule ?? "",
        problem:
          props.wrap && !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(props.wrap.settingsModule)
            ? "must be a dotted module name"
            : undefined,
        fix: "e.g. mysite.settings",
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
    if (entries) this.staged = new StagedContext(this, "Context", { entries });
    const context = this.staged?.path ?? props.contextPath ?? "";
    this.name = `${props.repository}:src-${this.sourceHash.slice(0, 12)}`;
    const buildArgs: Record<string, string> = { [DjangoImageContract.baseImageBuildArg]: baseImage };
    if (props.wrap) buildArgs[ProjectImageContract.projectSettingsVariable] = props.wrap.settingsModule;
    this.image = new Image(this, "Image", {
      name: this.name,
      buildAttribute: {
        context,
        // Another path than the default: absolute (at plan time), because the provider's two build
        // routes read a relative one from different places (the context, or the working directory)
        dockerfile:
          props.wrap || dockerfile === "Dockerfile" ? undefined : `\${abspath("${context}/${dockerfile}")}`,
        target: props.wrap ? undefined : props.target,
        buildArgs: literalValues(buildArgs),
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

  /** The files of a context the stack assembles, or undefined when the directory is sent as it is. */
  private stagedEntries(props: DjangoImageProps, dockerfile: string): ContextEntry[] | undefined {
    const dir = props.contextDir;
    const always = props.alwaysIgnore ?? [];
    const isDir = fs.existsSync(dir) && fs.statSync(dir).isDirectory();
    // a given hash needs no files, unless the stack must assemble the context from them
    if (!isDir && props.sourceHash !== undefined && !props.wrap) return undefined;
    if (!isDir) throw new Error(`${dir} is not a directory`);
    if (props.wrap) {
      const kit = PROJECT_IMAGE_KIT;
      // the kit's own tests and bytecode stay out; its Dockerfile is the context's
      const kitFiles = contextEntries(kit, "kit", ["tests", "**/__pycache__", "**/*.pyc"]).filter(
        (e) => e.to !== "kit/Dockerfile",
      );
      const deps = props.wrap.dependencyFiles.map((rel) => ({
        from: path.join(dir, rel),
        to: `deps/${rel}`,
      }));
      for (const d of deps) {
        if (!fs.existsSync(d.from)) throw new Error(`the dependency file ${d.to.slice(5)} does not exist`);
      }
      return [
        { from: path.join(kit, "Dockerfile"), to: "Dockerfile" },
        ...kitFiles,
        ...deps,
        ...contextEntries(dir, "app", props.defaultIgnore ?? [], always),
      ];
    }
    if (!fs.existsSync(path.join(dir, ...dockerfile.split("/")))) {
      throw new Error(`no ${dockerfile} in the build context ${dir}`);
    }
    // the project's .dockerignore cannot keep the stack's files out: the stack assembles the context
    if (always.length > 0 || (props.defaultIgnore && !hasIgnoreFile(dir))) {
      return withFile(contextEntries(dir, "", props.defaultIgnore ?? [], always), dir, dockerfile);
    }
    return undefined;
  }

  /** The `sha256:` id: containers use it, so a rebuilt image replaces them. */
  get imageId(): string {
    return this.image.imageId;
  }
}

/** The entries with `rel` among them (the Dockerfile is always sent, whatever the ignore rules say). */
function withFile(entries: ContextEntry[], dir: string, rel: string): ContextEntry[] {
  return entries.some((e) => e.to === rel) ? entries : [...entries, { from: path.join(dir, rel), to: rel }];
}
