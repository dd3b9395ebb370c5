"""`make bench`, the floor: the job with the same libraries (requests + PyNaCl), nothing else.

GET the org's Codespaces public key, seal each value, PUT it (visibility private), one
write after the other on one Session. No validation, masking, retries or report: what
any Python program doing this job pays, so the action's ratio to it is its own overhead.

Input (environment): GITHUB_TOKEN, GITHUB_API_URL (API root), ORG, and SECRETS, a JSON
object of NAME to value. The CA comes from REQUESTS_CA_BUNDLE, as for the action.
"""

import json
import os
from base64 import b64decode, b64encode

import requests
from nacl.public import PublicKey, SealedBox


def main() -> None:
    """Write every secret of SECRETS; raise on the first answer that is not 2xx."""
    base = f"{os.environ['GITHUB_API_URL'].rstrip('/')}/orgs/{os.environ['ORG']}/codespaces"
    secrets: dict[str, str] = json.loads(os.environ["SECRETS"])
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {os.environ['GITHUB_TOKEN']}"
        session.headers["Accept"] = "application/vnd.github+json"
        session.headers["X-GitHub-Api-Version"] = "2022-11-28"
        answer = session.get(f"{base}/secrets/public-key", timeout=30)
        answer.raise_for_status()
        key = answer.json()
        box = SealedBox(PublicKey(b64decode(key["key"])))
        for name, value in secrets.items():
            sealed = b64encode(box.encrypt(value.encode())).decode()
            body = {"encrypted_value": sealed, "key_id": key["key_id"], "visibility": "private"}
            session.put(f"{base}/secrets/{name}", json=body, timeout=30).raise_for_status()


if __name__ == "__main__":
    main()
