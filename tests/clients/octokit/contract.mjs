// Contract test (tests/test_real_clients.py): Octokit and libsodium-wrappers, as a
// JavaScript author would use them on GitHub, drive every organization-secret operation
// of the four stores on the emulator. Octokit's own methods for the stores it names
// (actions, codespaces, dependabot); octokit.request with GitHub's route for agents,
// which this Octokit release predates.
//
// Input (environment): GITHUB_TOKEN, GITHUB_API_URL (API root), ORG, VALUES (a JSON object
// of store to value), API_VERSION (sent as X-GitHub-Api-Version when set). The
// emulator's CA comes from NODE_EXTRA_CA_CERTS. Output: one JSON document on stdout with
// what Octokit read back per store (never a value). Any error ends the process non-zero.
import { Octokit } from "@octokit/rest";
import sodium from "libsodium-wrappers";

const org = process.env.ORG;
const values = JSON.parse(process.env.VALUES);
const octokit = new Octokit({
  auth: process.env.GITHUB_TOKEN,
  baseUrl: process.env.GITHUB_API_URL,
});
if (process.env.API_VERSION) {
  octokit.hook.before("request", (options) => {
    options.headers["x-github-api-version"] = process.env.API_VERSION;
  });
}

// One store's nine operations, as Octokit names them (listOrgSecrets for octokit.paginate).
function store(name) {
  if (name !== "agents") {
    return octokit.rest[name];
  }
  const base = "/orgs/{org}/agents/secrets";
  const call = (route) => (params) => octokit.request(route, params);
  return {
    getOrgPublicKey: call(`GET ${base}/public-key`),
    createOrUpdateOrgSecret: call(`PUT ${base}/{secret_name}`),
    getOrgSecret: call(`GET ${base}/{secret_name}`),
    listOrgSecrets: `GET ${base}`, // only ever paginated: octokit.paginate takes a route

    deleteOrgSecret: call(`DELETE ${base}/{secret_name}`),
    listSelectedReposForOrgSecret: call(`GET ${base}/{secret_name}/repositories`),
    setSelectedReposForOrgSecret: call(`PUT ${base}/{secret_name}/repositories`),
    addSelectedRepoToOrgSecret: call(`PUT ${base}/{secret_name}/repositories/{repository_id}`),
    removeSelectedRepoFromOrgSecret: call(
      `DELETE ${base}/{secret_name}/repositories/{repository_id}`,
    ),
  };
}

await sodium.ready;
const repoId = async (repo) => (await octokit.rest.repos.get({ owner: org, repo })).data.id;
const [web, api, docs] = [await repoId("web"), await repoId("api"), await repoId("docs")];
const report = {};
for (const [name, value] of Object.entries(values)) {
  const methods = store(name);
  const { data: key } = await methods.getOrgPublicKey({ org });
  const publicKey = sodium.from_base64(key.key, sodium.base64_variants.ORIGINAL);
  const seal = (text) =>
    sodium.to_base64(
      sodium.crypto_box_seal(sodium.from_string(text), publicKey),
      sodium.base64_variants.ORIGINAL,
    );
  const written = await methods.createOrUpdateOrgSecret({
    org,
    secret_name: "CONTRACT",
    encrypted_value: seal(value),
    key_id: key.key_id,
    visibility: "selected",
    selected_repository_ids: [web, api],
  });
  const dropped = await methods.createOrUpdateOrgSecret({
    org,
    secret_name: "DROPPED",
    encrypted_value: seal("to be deleted"),
    key_id: key.key_id,
    visibility: "private",
  });
  const { data: secret } = await methods.getOrgSecret({ org, secret_name: "CONTRACT" });
  await methods.removeSelectedRepoFromOrgSecret({
    org,
    secret_name: "CONTRACT",
    repository_id: api,
  });
  await methods.addSelectedRepoToOrgSecret({ org, secret_name: "CONTRACT", repository_id: docs });
  const { data: selected } = await methods.listSelectedReposForOrgSecret({
    org,
    secret_name: "CONTRACT",
  });
  // One secret a page: Octokit follows the Link headers the emulator builds.
  const listed = await octokit.paginate(methods.listOrgSecrets, { org, per_page: 1 });
  await methods.deleteOrgSecret({ org, secret_name: "DROPPED" });
  await methods.setSelectedReposForOrgSecret({
    org,
    secret_name: "CONTRACT",
    selected_repository_ids: [web, api],
  });
  const after = await octokit.paginate(methods.listOrgSecrets, { org, per_page: 1 });
  report[name] = {
    statuses: [written.status, dropped.status],
    visibility: secret.visibility,
    selected_repositories_url: secret.selected_repositories_url,
    selected: selected.repositories.map((repo) => repo.full_name),
    listed: listed.map((item) => item.name),
    after: after.map((item) => item.name),
  };
}
process.stdout.write(JSON.stringify(report));
