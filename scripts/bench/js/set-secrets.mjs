// make bench, "the JavaScript way": Codespaces organization secrets written the way
// GitHub's docs show a JavaScript action author: @octokit/rest for the REST calls,
// libsodium-wrappers for the sealed box, one write after the other.
//
// Input (environment): GITHUB_TOKEN, GITHUB_API_URL (API root), ORG, and SECRETS, a JSON
// object of NAME to value. The emulator's CA comes from NODE_EXTRA_CA_CERTS.
// No validation, masking or report: like scripts/bench/floor.py, the job and nothing else.
import { Octokit } from "@octokit/rest";
import sodium from "libsodium-wrappers";

const org = process.env.ORG;
const secrets = JSON.parse(process.env.SECRETS);
const octokit = new Octokit({
  auth: process.env.GITHUB_TOKEN,
  baseUrl: process.env.GITHUB_API_URL,
});

const [{ data: key }] = await Promise.all([
  octokit.rest.codespaces.getOrgPublicKey({ org }),
  sodium.ready,
]);
const publicKey = sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL);
for (const [name, value] of Object.entries(secrets)) {
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), publicKey);
  await octokit.rest.codespaces.createOrUpdateOrgSecret({
    org,
    secret_name: name,
    encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
    key_id: key.key_id,
    visibility: "private",
  });
}
