/** Docker image reference grammar (distribution/reference), checked without a registry. */

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

export const IMAGE_FORM =
  'an image reference such as docker:27.5.1-dind or registry.example.com/team/dind:1.0';

export interface ImageRef {
  /** Registry host, when one is named. */
  readonly domain: string | undefined;
  /** Repository path without the registry. */
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export function parseImageRef(text: string): ImageRef | undefined {
  if (text.length > 255) return undefined;
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  let domain = match[1];
  let path = match[2]!;
  // "localhost/x" or "host.tld/x" or "host:5000/x" are registries; "team/x" is a Docker Hub path.
  if (domain !== undefined && !/[.:]/.test(domain) && domain !== 'localhost') {
    // Not a registry host after all, so a path component: it must follow the path rules.
    if (!new RegExp(`^${PATH_COMPONENT}$`).test(domain)) return undefined;
    path = `${domain}/${path}`;
    domain = undefined;
  }
  return { domain, path, tag: match[3], digest: match[4] };
}

/** The repository's last path component ("docker" for "docker:dind" and "library/docker:dind"). */
export function imageBaseName(ref: ImageRef): string {
  return ref.path.slice(ref.path.lastIndexOf('/') + 1);
}
