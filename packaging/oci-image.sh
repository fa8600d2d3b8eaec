#!/usr/bin/env bash
# Builds the redisfit OCI image for exporter, guard (sidecar) and probe from
# scratch, with umoci (Debian package): no base image, nothing pulled. One layer
# holds the static binary (stripped), /tmp, and passwd/group entries for the
# unprivileged user it runs as (65532, the distroless "nonroot" convention).
#
#   packaging/oci-image.sh STATIC_BINARY OUT_DIR VERSION
#
# Writes OUT_DIR/redisfit (an OCI layout, tag VERSION: the image
# redisfit:VERSION that deploy/kubernetes/*.yaml reference) and
# OUT_DIR/redisfit-VERSION.oci.tar (the same layout as an oci-archive for
# `podman load -i`, `skopeo copy oci-archive:... docker-daemon:redisfit:VERSION`,
# `ctr image import`). docs/install.md.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 STATIC_BINARY OUT_DIR VERSION" >&2
  exit 2
fi
binary=$1 out=$2 version=$3
command -v umoci >/dev/null || { echo "oci-image: umoci is missing (scripts/setup.sh installs it)" >&2; exit 2; }
# A dynamic binary would not start in an image with no loader and no libraries.
if ldd "$binary" >/dev/null 2>&1; then
  echo "oci-image: $binary is dynamically linked; the image needs redisfit-static" >&2
  exit 2
fi

layout=$out/redisfit
stage=$(mktemp -d "${TMPDIR:-/tmp}/redisfit-oci-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/usr/local/bin" "$stage/etc" "$stage/tmp"
chmod 1777 "$stage/tmp"
strip -o "$stage/usr/local/bin/redisfit" "$binary"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$stage/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$stage/etc/group"

rm -rf "$layout" "$out/redisfit-$version.oci.tar"
mkdir -p "$out"
umoci init --layout "$layout"
umoci new --image "$layout:$version"
umoci insert --image "$layout:$version" --history.created_by "packaging/oci-image.sh" "$stage" /
umoci config --image "$layout:$version" --os linux --architecture amd64 \
  --config.entrypoint /usr/local/bin/redisfit --config.cmd help \
  --config.user 65532:65532 --config.workingdir /tmp \
  --config.exposedports 9839/tcp --config.exposedports 9840/tcp \
  --config.label "org.opencontainers.image.title=redisfit" \
  --config.label "org.opencontainers.image.version=$version" \
  --config.label "org.opencontainers.image.description=redisfit exporter, guard and probe (static binary, no base image)" \
  --history.created_by "packaging/oci-image.sh: entrypoint redisfit"
umoci gc --layout "$layout"
tar -C "$layout" --sort=name --owner=0 --group=0 --numeric-owner -cf "$out/redisfit-$version.oci.tar" .
echo "oci-image: $layout:$version and $out/redisfit-$version.oci.tar ($(du -k "$out/redisfit-$version.oci.tar" | cut -f1) KiB)"
