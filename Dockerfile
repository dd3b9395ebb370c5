# The action's image. The Actions runner builds it from this file at job set-up, with the
# action's folder as build context (.dockerignore keeps that context to what is copied).
# The runner runs it as `docker run --rm --workdir /github/workspace -e NAME ...` with the
# workspace and file-command folders mounted, so this image sets neither USER (the runner's
# mounted folders must stay writable: root) nor WORKDIR (the runner chooses it):
# https://docs.github.com/en/actions/sharing-automations/creating-actions/dockerfile-support-for-github-actions
#
# Pinned to an exact Python release on a named Debian release; Dependabot ("docker" in
# .github/dependabot.yml) proposes the updates.
FROM python:3.13.9-slim-bookworm

# Runtime dependencies first, so a change to the code reuses this layer. Every file is
# hash-pinned and installed without resolving anything (--no-deps): what runs is exactly
# what requirements.txt lists. pip compiles each installed module to bytecode here, and
# keeps no download cache. pip itself is not upgraded: the base image's pinned pip does it.
# actions-toolkit's wheel also carries a top-level `tests` package, which nothing imports.
COPY requirements.txt /app/requirements.txt
RUN python -m pip install --no-cache-dir --no-deps --require-hashes \
        --disable-pip-version-check --root-user-action=ignore --no-input \
        -r /app/requirements.txt \
 && rm -rf "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/tests" \
 && rm /app/requirements.txt

# The package sits beside the entry point: Python puts the script's folder first on
# sys.path, so no PYTHONPATH is needed (a workflow's env could replace one). Compiled now,
# so no run pays for compiling its modules (the entry point script itself is never cached).
COPY src/codespaces_secrets /app/codespaces_secrets
COPY entrypoint.py /app/entrypoint.py
RUN python -m compileall -q /app/codespaces_secrets

# Absolute exec form: the runner may pass arguments and does not run a shell.
#  -E  ignore PYTHON* variables: the runner forwards the step's and job's env, and a
#      workflow's PYTHONPATH or PYTHONHOME must not change what this action imports;
#  -s  no user site-packages from HOME (/github/home is shared with earlier steps);
#  -B  write no .pyc at run time (everything was compiled above; the image stays as built);
#  -u  unbuffered, so ::add-mask:: and the other workflow commands reach the log in order;
#  -X utf8  read inputs and write output as UTF-8 whatever locale the runner passes.
ENTRYPOINT ["/usr/local/bin/python", "-E", "-s", "-B", "-u", "-X", "utf8", "/app/entrypoint.py"]
