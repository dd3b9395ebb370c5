"""Docker's engine, for timing the release path as GitHub's runners run it.

GitHub's runners run container actions with Docker's engine; act here talks to podman by
default. Debian 12 packages the engine (`docker.io`: dockerd 20.10, containerd, runc), and
it runs on these machines as root with its own folders and socket: no bridge, no iptables
rules (act's containers use the host's network), overlay2 storage. release-test starts it
beside podman and runs the same timed jobs through it.

Only its HTTP API is used (the `docker` command on a machine's PATH may be another
program): ping, image load, list, inspect and delete.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from containerlib import Service, check, log, run, unix_request

DOCKERD = "/usr/sbin/dockerd"
API = "/v1.41"


def call(
    sock: Path, method: str, path: str, body: Any = None, timeout: float = 120.0
) -> tuple[int, bytes]:
    """One request to the engine's API: status and body (a body is an image archive)."""
    headers = {"Content-Type": "application/x-tar"} if body is not None else {}
    return unix_request(sock, method, API + path, body, headers, timeout)


class DockerEngine(Service):
    """dockerd with its own data, run folder and socket; stopped by its PID."""

    name = "dockerd"

    def __init__(self, directory: Path, data_root: Path) -> None:
        """Socket and run folder in directory; images in data_root (kept between runs)."""
        super().__init__(directory / "dockerd.log")
        self.socket = directory / "docker.sock"
        self.directory = directory
        self.data_root = data_root

    def command(self) -> tuple[list[str], dict[str, str] | None]:
        """The engine without a bridge or firewall rules, on overlay2."""
        return [
            DOCKERD,
            "--data-root", str(self.data_root),
            "--exec-root", str(self.directory / "exec"),
            "--pidfile", str(self.directory / "dockerd.pid"),
            "--host", f"unix://{self.socket}",
            "--bridge=none", "--iptables=false", "--ip-masq=false",
            "--storage-driver=overlay2",
        ], None  # fmt: skip

    def stop(self) -> None:
        """Stop the engine, then unmount what it leaves mounted in its run folder.

        dockerd keeps the host's network namespace bind-mounted (exec/netns/default) after
        it exits; the folder could not be removed with it in place.
        """
        super().stop()
        root = str(self.directory / "exec")
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8").splitlines()
        for point in sorted((line.split()[1] for line in mounts), reverse=True):
            if point == root or point.startswith(root + "/"):
                subprocess.run(["umount", "--lazy", point], capture_output=True, check=False)

    def ready(self) -> bool:
        """GET /_ping answers 200."""
        if not self.socket.exists():
            return False
        try:
            return call(self.socket, "GET", "/_ping", timeout=2)[0] == 200
        except OSError:
            return False


def image_id(sock: Path, reference: str) -> str | None:
    """The ID of the image reference, or None when the engine has no such image."""
    status, body = call(sock, "GET", f"/images/{quote(reference, safe='')}/json")
    if status == 404:
        return None
    check(status == 200, f"dockerd: inspecting {reference} answered {status}")
    return str(json.loads(body)["Id"])


def load_from_podman(sock: Path, reference: str) -> None:
    """Copy an image from podman's store into the engine (docker-archive), unless present."""
    if image_id(sock, reference) is not None:
        return
    log(f"dockerd: loading {reference} from podman's store")
    with tempfile.TemporaryDirectory(prefix="cs-docker-load-") as tmp:
        archive = Path(tmp) / "image.tar"
        run(["podman", "save", "--quiet", "--format", "docker-archive",
             "--output", str(archive), reference])  # fmt: skip
        with archive.open("rb") as body:
            status, answer = call(sock, "POST", "/images/load?quiet=1", body, timeout=600)
    check(status == 200, f"dockerd: loading {reference} answered {status}: {answer[:300]!r}")
    check(image_id(sock, reference) is not None, f"dockerd: {reference} missing after its load")


def drop_all_but(sock: Path, keep: str) -> None:
    """Remove every image but keep (act's job image) from the engine's store."""
    kept = image_id(sock, keep)
    status, body = call(sock, "GET", "/images/json?all=1")
    check(status == 200, f"dockerd: listing images answered {status}")
    for image in json.loads(body):
        if image["Id"] != kept:
            status, _ = call(sock, "DELETE", f"/images/{image['Id']}?force=1")
            check(status in (200, 404), f"dockerd: removing an image answered {status}")


def version(sock: Path) -> str:
    """The engine's version, as it reports it."""
    status, body = call(sock, "GET", "/version")
    check(status == 200, f"dockerd: /version answered {status}")
    return str(json.loads(body)["Version"])
