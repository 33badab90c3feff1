import "cdktf/lib/testing/adapters/jest";
import { MediaVolume } from "../../constructs";
import { bareStack } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

describe("MediaVolume", () => {
  it("is referenced by name only, so no Terraform operation deletes the uploads, and hands it to the app's user", () => {
    const stack = bareStack();
    const media = new MediaVolume(stack, "Media", { name: "t-media", toolImage: "postgres:17" });
    const json = synthJson(stack, true);
    expect(json.resource.docker_volume).toBeUndefined();
    expect(json.removed).toEqual([{ from: "docker_volume.Media_volume", lifecycle: { destroy: false } }]);
    expect(media.volumeName).toBe("t-media");
    const init = resource(json, "docker_container", "Media/Init");
    expect(init).toMatchObject({
      name: "t-media-init",
      user: "0:0",
      network_mode: "none",
      must_run: false,
      attach: true,
      volumes: [{ volume_name: "t-media", container_path: "/media", read_only: false }],
      capabilities: { drop: ["ALL"], add: ["CAP_CHOWN", "CAP_FOWNER"] },
    });
    // the app's user owns it; the proxy (another user) reads it
    expect(init.command[0]).toBe("set -eu; chown 10001:10001 /media; chmod 0755 /media");
  });

  it("joins the stack when the user opts in to deleting data on destroy, at a stable address", () => {
    const stack = bareStack();
    const media = new MediaVolume(stack, "Media", {
      name: "t-media",
      toolImage: "postgres:17",
      deleteOnDestroy: true,
    });
    const json = synthJson(stack, true);
    expect(json.resource.docker_volume.Media_volume).toMatchObject({ name: "t-media" });
    expect(json.removed).toBeUndefined();
    expect(media.volumeName).toBe("t-media"); // for the app's containers in another stack: plain
    expect(resource(json, "docker_container", "Media/Init").volumes[0].volume_name).toBe(
      "${docker_volume.Media_volume.name}",
    );
  });

  it("fails on a bad name or an unpinned tool image", () => {
    const stack = bareStack();
    new MediaVolume(stack, "Media", { name: "T Media", toolImage: "postgres" });
    const errors = validationErrors(stack).join("\n");
    expect(errors).toMatch(/t\/Media: name .*got "T Media"; use a Docker volume name/);
    expect(errors).toMatch(/t\/Media: toolImage must carry a tag/);
  });
});
