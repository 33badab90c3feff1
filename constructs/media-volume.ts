import { Construct } from "constructs";
import { Container } from "@cdktf/provider-docker/lib/container";
import { Volume } from "@cdktf/provider-docker/lib/volume";
import { dropPrivileges, labelsFor, oneShot } from "./container-options";
import { DjangoImageContract } from "./contracts";
import { RemovedBlocks } from "./removed-blocks";
import { checkPropShapes, dockerNameProblem, pinnedImageProblem, validateProps } from "./validation";

export interface MediaVolumeProps {
  /** Docker name of the volume (and, with `-init`, of the one-shot that hands it to the app). */
  readonly name: string;
  /** Image with a POSIX shell and chown, run once as root (the postgres image is one). */
  readonly toolImage: string;
  /**
   * Delete the volume when the stack is destroyed. Off, the volume is referenced by name only, so no
   * Terraform operation can delete it. @default false
   */
  readonly deleteOnDestroy?: boolean;
}

/**
 * Uploads (Django's MEDIA_ROOT) on a named volume that outlives every release, kept on destroy like
 * the database's data unless `deleteOnDestroy`. A one-shot gives its root to the app's user
 * (uid 10001, the owner of the app's secret files too), readable by others so that the proxy, which
 * mounts it read-only, can serve the files; the app's containers mount it writable at
 * `MediaContract.root`.
 */
export class MediaVolume extends Construct {
  /** The volume's name as a plain string: what the app's containers in another stack mount. */
  readonly volumeName: string;
  /** The name for containers of this stack: the resource's, when there is one (so they come after it). */
  readonly mountName: string;
  /** The volume resource, only when `deleteOnDestroy` is set. */
  readonly volume?: Volume;
  readonly init: Container;

  constructor(scope: Construct, id: string, props: MediaVolumeProps) {
    super(scope, id);
    checkPropShapes(this, "MediaVolume", props, { name: "string", toolImage: "string" });
    validateProps(this, () => [
      {
        prop: "name",
        value: props.name,
        problem: dockerNameProblem(`${props.name}-init`),
        fix: "use a Docker volume name, e.g. django-dev-media",
      },
      {
        prop: "toolImage",
        value: props.toolImage,
        problem: pinnedImageProblem(props.toolImage),
        fix: "give an image with a POSIX shell and a version tag, e.g. postgres:17",
      },
    ]);
    // an explicit, path-derived address, so a `removed` block can name it when it is not managed
    const logicalId = `${this.node.path
      .split("/")
      .slice(1)
      .join("_")
      .replace(/[^A-Za-z0-9_]/g, "_")}_volume`;
    if (props.deleteOnDestroy) {
      this.volume = new Volume(this, "Volume", {
        name: props.name,
        labels: labelsFor(this, "volume", true),
      });
      this.volume.overrideLogicalId(logicalId);
    } else {
      // if it was managed before (the opt-in was on), forget it instead of destroying it
      RemovedBlocks.of(this).forget(`docker_volume.${logicalId}`);
    }
    this.volumeName = props.name;
    this.mountName = this.volume?.name ?? props.name;
    const { uid, gid } = DjangoImageContract;
    const dir = "/media";
    this.init = new Container(this, "Init", {
      name: `${props.name}-init`,
      image: props.toolImage,
      user: "0:0",
      entrypoint: ["/bin/sh", "-c"],
      command: [`set -eu; chown ${uid}:${gid} ${dir}; chmod 0755 ${dir}`],
      networkMode: "none",
      ...dropPrivileges("CAP_CHOWN", "CAP_FOWNER"),
      ...oneShot(),
      volumes: [{ volumeName: this.mountName, containerPath: dir, readOnly: false }],
      labels: labelsFor(this, "media"),
    });
  }
}
