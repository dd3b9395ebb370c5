# The action's image. The Actions runner builds it from this file at job set-up, with the
# action's folder as build context (.dockerignore keeps that context to what is copied).
# The runner runs it as `docker run --rm --workdir /github/workspace -e NAME ...` with the
# workspace and file-command folders mounted, so this image sets neither USER (the runner's
# mounted folders must stay writable: root) nor WORKDIR (the runner chooses it):
# https://docs.github.com/en/actions/sharing-automations/creating-actions/dockerfile-support-for-github-actions
#
# Two stages. The first only runs Python: scripts/release/image.py assembles the image's
# file tree from exact Debian 12 packages (scripts/release/debian.lock, each .deb checked
# by SHA-256), the hash-pinned wheels of requirements.txt (--no-deps) and the action, all
# compiled by the image's own interpreter. The second puts that tree alone on scratch: the
# same files as the release image that `make release-image` builds without any base image
# (docs/containers.md, "The release image"). Releases pull that prebuilt image instead.
#
# The build stage's base is pinned to an exact Python release on a named Debian release;
# Dependabot ("docker" in .github/dependabot.yml) proposes the updates. Nothing of it
# reaches the final image.
FROM python:3.13.9-slim-bookworm AS build
ARG SOURCE_DATE_EPOCH=0
COPY requirements.txt entrypoint.py .dockerignore /src/
COPY scripts/release/debian.lock scripts/release/debs.py scripts/release/elf.py \
     scripts/release/oci.py scripts/release/rootfs.py scripts/release/image.py \
     /src/scripts/release/
COPY src/codespaces_secrets /src/src/codespaces_secrets
RUN python /src/scripts/release/image.py --arch native --rootfs /rootfs --tree-only

FROM scratch
COPY --from=build /rootfs/ /
# Absolute exec form: the runner may pass arguments and does not run a shell.
#  -E  ignore PYTHON* variables: the runner forwards the step's and job's env, and a
#      workflow's PYTHONPATH or PYTHONHOME must not change what this action imports;
#  -s  no user site-packages from HOME (/github/home is shared with earlier steps);
#  -B  write no .pyc at run time (everything was compiled above; the image stays as built);
#  -u  unbuffered, so ::add-mask:: and the other workflow commands reach the log in order;
#  -X utf8  read inputs and write output as UTF-8 whatever locale the runner passes.
ENTRYPOINT ["/usr/bin/python3.11", "-E", "-s", "-B", "-u", "-X", "utf8", "/app/entrypoint.py"]
