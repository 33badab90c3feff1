/**
 * Docker image references, by the grammar of distribution/reference (without its 255-character
 * name limit). Pure: the configuration layer uses it to check what users type, and the library to
 * check its props and in the pinned-images policy.
 */

const IMAGE_REF =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export interface ImageReference {
  readonly tag?: string;
  readonly digest?: string;
}

/** The tag and digest of a valid reference, or undefined when it is not one. */
export function parseImageReference(ref: string): ImageReference | undefined {
  const m = IMAGE_REF.exec(ref);
  return m ? { tag: m[1], digest: m[2] } : undefined;
}

/** True when a reference names an image without a tag or digest, or with the `latest` tag. */
export function isUnpinnedImage(ref: string): boolean {
  const parsed = parseImageReference(ref);
  if (!parsed) return true;
  if (parsed.digest) return false;
  return !parsed.tag || parsed.tag === "latest";
}
