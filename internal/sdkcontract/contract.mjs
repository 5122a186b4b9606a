// contract.mjs runs Composio's official TypeScript SDK (@composio/core, and
// the generated v3.1 client @composio/client underneath it) against
// triggergen's fake. sdkcontract_test.go starts the fake and a control
// server, installs the pinned packages and runs this script; see README.md.
//
// Environment: COMPOSIO_BASE_URL and COMPOSIO_API_KEY (the fake),
// TRIGGERGEN_CONTROL_URL (asks the fake to sign and deliver an event).
// Each check prints "ok" or "FAIL"; the exit code is 1 when any failed,
// when the SDK logged a warning or an error, or when anything tried to reach
// a host other than loopback.
import http from 'node:http';

function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`contract.mjs: ${name} is not set`);
    process.exit(2);
  }
  return v;
}
const baseURL = env('COMPOSIO_BASE_URL');
const apiKey = env('COMPOSIO_API_KEY');
const control = env('TRIGGERGEN_CONTROL_URL');

// Nothing leaves the machine: the SDK's telemetry and version check are off
// (below), and any other fetch to a non-loopback host is refused and fails
// the run.
const isLoopback = (host) => host === 'localhost' || host === '[::1]' || /^127\./.test(host);
const refused = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (!isLoopback(url.hostname)) {
    refused.push(url.origin);
    throw new Error(`contract.mjs: refused a request to ${url.origin}: only loopback is allowed`);
  }
  return realFetch(input, init);
};

const { Composio } = await import('@composio/core');

// ------------------------------------------------------------------ checks

const failures = [];
let passed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures.push(`${name}: ${e?.stack ?? e}`);
    console.log(`FAIL ${name}: ${e?.message ?? e}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// canonical is JSON with object keys sorted, so that eq ignores key order.
function canonical(v) {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);
}

function eq(got, want, what) {
  const g = canonical(got);
  const w = canonical(want);
  if (g !== w) throw new Error(`${what}: got ${g}, want ${w}`);
}

// rejects awaits p and returns its error, which must be an APIError with
// the given HTTP status (and, when given, error slug).
async function rejects(p, status, slug) {
  try {
    await p;
  } catch (e) {
    const got = e?.status;
    if (got !== status) throw new Error(`want HTTP ${status}, got ${got ?? 'no status'}: ${e?.message ?? e}`);
    if (slug !== undefined) {
      const s = e?.error?.error?.slug;
      if (s !== slug) throw new Error(`want error slug ${slug}, got ${s}: ${JSON.stringify(e?.error)}`);
    }
    return e;
  }
  throw new Error(`want HTTP ${status}, the call succeeded`);
}

const sdkLog = [];
const composio = new Composio({
  apiKey,
  baseURL,
  allowTracking: false,
  disableVersionCheck: true,
  logLevel: 'warn',
  logger: {
    error: (...a) => sdkLog.push(`error: ${a.map(String).join(' ')}`),
    warn: (...a) => sdkLog.push(`warn: ${a.map(String).join(' ')}`),
    info: () => {},
    debug: () => {},
  },
});
// The generated v3.1 client the SDK calls; used directly for what the SDK
// does not expose (status codes, toolkit_versions forms, nulls).
const client = composio.getClient();

// ------------------------------------------------------------------ deliveries

// The subscription's URL is this server: each delivery the fake signs is
// verified with triggers.parse (the request) and triggers.verifyWebhook
// (tampered copies, which must be rejected).
let secret = '';
const received = [];
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = req.headers;
    const got = { headers, body, ok: false, error: '', result: null, tampered: [] };
    try {
      got.result = await composio.triggers.parse({ body, headers }, { verifySecret: secret });
      got.ok = true;
    } catch (e) {
      got.error = `${e?.name}: ${e?.message}`;
    }
    if (got.ok) got.tampered = await tamperedVerdicts(body, headers);
    received.push(got);
    res.writeHead(got.ok ? 200 : 401).end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hookURL = `http://127.0.0.1:${receiver.address().port}/composio`;

// tamperedVerdicts verifies altered copies of a genuine delivery; each must
// throw. It returns the names of the copies that were accepted.
async function tamperedVerdicts(body, headers) {
  const base = {
    payload: body,
    signature: headers['webhook-signature'],
    webhookId: headers['webhook-id'],
    webhookTimestamp: headers['webhook-timestamp'],
    secret,
  };
  // Change one base64 character in the middle of the signature (the last
  // ones carry padding bits a lenient decoder ignores).
  const flip = (s) => {
    const i = Math.floor(s.length / 2);
    return s.slice(0, i) + (s[i] === 'A' ? 'z' : 'A') + s.slice(i + 1);
  };
  const copies = {
    'body changed': { ...base, payload: body.replace(/}\s*$/, ',"x":1}') },
    'signature changed': { ...base, signature: flip(base.signature) },
    'webhook-id changed': { ...base, webhookId: base.webhookId + 'x' },
    'timestamp changed': { ...base, webhookTimestamp: String(Number(base.webhookTimestamp) - 1) },
    'wrong secret': { ...base, secret: secret + 'x' },
  };
  const accepted = [];
  for (const [name, params] of Object.entries(copies)) {
    try {
      await composio.triggers.verifyWebhook(params);
      accepted.push(name);
    } catch {
      // rejected, as it must be
    }
  }
  return accepted;
}

// deliver asks the fake (through the control server) to sign and POST an
// event of triggerId; it returns the status the receiver answered and what
// it received.
async function deliver(triggerId, version, ageSeconds = 0) {
  const before = received.length;
  const r = await realFetch(`${control}/deliver`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ trigger_id: triggerId, version, age_seconds: ageSeconds }),
  });
  const out = await r.json();
  if (!r.ok) throw new Error(`control /deliver: ${r.status} ${JSON.stringify(out)}`);
  assert(received.length === before + 1, `the receiver got ${received.length - before} deliveries, want 1`);
  return { status: out.status, got: received[before] };
}

// ------------------------------------------------------------------ the run

await check('trigger types: list pages through a toolkit', async () => {
  const slugs = [];
  let cursor;
  let pages = 0;
  do {
    const page = await composio.triggers.listTypes({ toolkits: ['github'], limit: 2, cursor });
    pages++;
    for (const t of page.items) slugs.push(t.slug);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages < 10);
  eq(pages, 3, 'pages');
  eq(slugs, ['GITHUB_COMMIT_EVENT', 'GITHUB_FOLLOWER_EVENT', 'GITHUB_ISSUE_ADDED_EVENT', 'GITHUB_LABEL_ADDED_EVENT', 'GITHUB_STAR_ADDED_EVENT'], 'slugs');
});

await check('trigger types: get is case-insensitive', async () => {
  const t = await composio.triggers.getType('github_commit_event');
  eq(t.slug, 'GITHUB_COMMIT_EVENT', 'slug');
  eq(t.toolkit.slug, 'github', 'toolkit');
  eq(t.config.required, ['owner', 'repo'], 'config.required');
});

await check('trigger types: enum', async () => {
  const slugs = await composio.triggers.listEnum();
  assert(slugs.includes('GITHUB_COMMIT_EVENT') && slugs.includes('SLACK_RECEIVE_MESSAGE'), `enum lacks known slugs: ${slugs.length} items`);
});

await check('trigger types: unknown slug is 400', async () => {
  await rejects(client.triggersTypes.retrieve('GITHUB_NO_SUCH_EVENT'), 400, 'TRIGGER_TYPE_NOT_FOUND');
});

await check('trigger types: toolkit_versions as bracket notation', async () => {
  const t = await client.triggersTypes.retrieve('GITHUB_COMMIT_EVENT', { toolkit_versions: { github: '20250729_00' } });
  eq(t.version, '20250729_00', 'version');
  await rejects(client.triggersTypes.retrieve('GITHUB_COMMIT_EVENT', { toolkit_versions: { github: '19990101_00' } }), 400, 'TOOLKIT_VERSION_NOT_FOUND');
});

await check('trigger types: toolkit_versions as a plain string, or null', async () => {
  // "latest" is what the SDK sends by default; a plain version is honoured
  // for every toolkit, or rejected; null means latest.
  for (const v of ['latest', '20250729_00', null]) {
    const t = await client.triggersTypes.retrieve('GITHUB_COMMIT_EVENT', { toolkit_versions: v });
    eq(t.version, '20250729_00', `version with toolkit_versions=${v}`);
  }
  await rejects(client.triggersTypes.retrieve('GITHUB_COMMIT_EVENT', { toolkit_versions: '19990101_00' }), 400, 'TOOLKIT_VERSION_NOT_FOUND');
});

await check('nulls the client allows get a documented 400', async () => {
  for (const [what, p] of [
    ['limit of trigger types', client.triggersTypes.list({ limit: null })],
    ['user_ids of active triggers', client.triggerInstances.listActive({ user_ids: null })],
    ['show_disabled', client.triggerInstances.listActive({ show_disabled: null })],
    ['cursor of connected accounts', client.connectedAccounts.list({ cursor: null })],
  ]) {
    const e = await rejects(p, 400, 'VALIDATION_ERROR');
    assert(/is empty, which is how Composio's clients send null/.test(e?.error?.error?.message), `${what}: message ${JSON.stringify(e?.error)}`);
  }
});

let alice = [];
let bob;
await check('connected accounts: list filters by user and toolkit, newest first', async () => {
  const page = await composio.connectedAccounts.list({ userIds: ['alice'], toolkitSlugs: ['github'] });
  eq(page.items.length, 2, 'items');
  alice = page.items;
  assert(alice[0].createdAt > alice[1].createdAt, `not newest first: ${alice.map((a) => a.createdAt)}`);
  for (const a of alice) eq(a.status, 'ACTIVE', `${a.id} status`);
  const slack = await composio.connectedAccounts.list({ userIds: ['bob'], toolkitSlugs: ['slack'] });
  eq(slack.items.length, 1, 'bob slack items');
  bob = slack.items[0];
});

await check('connected accounts: get', async () => {
  const a = await composio.connectedAccounts.get(alice[0].id);
  eq(a.id, alice[0].id, 'id');
  eq(a.toolkit.slug, 'github', 'toolkit');
  assert(a.state !== undefined, 'state was dropped');
});

await check('connected accounts: status filter', async () => {
  const page = await composio.connectedAccounts.list({ userIds: ['alice', 'carol'], statuses: ['EXPIRED'] });
  eq(page.items.map((a) => [a.status, a.toolkit.slug]), [['EXPIRED', 'github']], 'carol\'s expired account');
});

await check('connected accounts: account_type (PRIVATE unless asked)', async () => {
  const count = async (accountType) => (await composio.connectedAccounts.list({ userIds: ['dave'], accountType })).items.length;
  eq([await count(undefined), await count('PRIVATE'), await count('SHARED'), await count('ALL')], [0, 0, 1, 1], 'dave\'s shared account');
});

await check('connected accounts: a state of every auth scheme and status parses', async () => {
  // The SDK drops (with a warning) a state that fits no variant of its
  // union; the Go test seeds one account per variant.
  const page = await composio.connectedAccounts.list({ userIds: ['matrix'], limit: 100 });
  eq(page.items.length, Number(process.env.TRIGGERGEN_AUTH_STATES), 'accounts');
  const seen = new Set();
  for (const a of page.items) {
    assert(a.state?.authScheme, `${a.id}: state dropped`);
    seen.add(`${a.state.authScheme}/${a.state.val.status}`);
  }
  eq(seen.size, page.items.length, 'distinct scheme/status pairs');
});

let ti = '';
await check('trigger instances: create resolves the user\'s newest account', async () => {
  const r = await composio.triggers.create('alice', 'GITHUB_COMMIT_EVENT', { triggerConfig: { owner: 'octo', repo: 'hello' } });
  assert(/^ti_/.test(r.triggerId), `triggerId ${r.triggerId}`);
  ti = r.triggerId;
  const again = await composio.triggers.create('alice', 'GITHUB_COMMIT_EVENT', { triggerConfig: { repo: 'hello', owner: 'octo' } });
  eq(again.triggerId, ti, 'the same config upserts the same instance');
});

await check('trigger instances: create with an explicit connected account', async () => {
  const r = await composio.triggers.create('alice', 'GITHUB_STAR_ADDED_EVENT', {
    connectedAccountId: alice[1].id,
    triggerConfig: { owner: 'octo', repo: 'hello' },
  });
  const page = await composio.triggers.listActive({ triggerIds: [r.triggerId] });
  eq(page.items.map((t) => t.connectedAccountId), [alice[1].id], 'connected account');
});

await check('trigger instances: upsert answers 201 on a create, 200 after', async () => {
  const body = { user_id: 'alice', trigger_config: { owner: 'octo', repo: 'statuses' }, toolkit_versions: null };
  const created = await client.triggerInstances.upsert('GITHUB_ISSUE_ADDED_EVENT', body).withResponse();
  eq(created.response.status, 201, 'create');
  const again = await client.triggerInstances.upsert('GITHUB_ISSUE_ADDED_EVENT', body).withResponse();
  eq([again.response.status, again.data.trigger_id], [200, created.data.trigger_id], 'upsert of the same configuration');
});

await check('trigger instances: invalid config is 422', async () => {
  await rejects(composio.triggers.create('alice', 'GITHUB_COMMIT_EVENT', { triggerConfig: { owner: 'octo' } }), 422, 'INVALID_TRIGGER_CONFIG');
});

await check('trigger instances: list, disable, enable', async () => {
  let page = await composio.triggers.listActive({ triggerIds: [ti] });
  eq(page.items.length, 1, 'listed');
  const t = page.items[0];
  eq([t.triggerName, t.connectedAccountId, t.triggerConfig], ['GITHUB_COMMIT_EVENT', alice[0].id, { owner: 'octo', repo: 'hello' }], 'instance');
  await composio.triggers.disable(ti);
  page = await composio.triggers.listActive({ triggerIds: [ti] });
  eq(page.items.length, 0, 'disabled instance listed without showDisabled');
  page = await composio.triggers.listActive({ triggerIds: [ti], showDisabled: true });
  eq(page.items.length, 1, 'disabled instance with showDisabled');
  assert(page.items[0].disabledAt, 'disabledAt not set');
  await rejects(composio.triggers.disable(ti), 409, 'TRIGGER_INSTANCE_ALREADY_DISABLED');
  // The manage body is optional in the client (it then sends {}); the fake
  // answers a documented 400.
  const e = await rejects(client.triggerInstances.manage.update(ti), 400, 'VALIDATION_ERROR');
  assert(/status is required/.test(e?.error?.error?.message), `message ${JSON.stringify(e?.error)}`);
  await composio.triggers.enable(ti);
  page = await composio.triggers.listActive({ triggerIds: [ti] });
  eq(page.items.length, 1, 'enabled again');
});

await check('trigger instances: a V2 webhook trigger needs an endpoint first', async () => {
  await rejects(composio.triggers.create('bob', 'SLACK_RECEIVE_MESSAGE', { triggerConfig: {} }), 400, 'WEBHOOK_ENDPOINT_REQUIRED');
});

let endpoint;
await check('webhook endpoints: create is idempotent', async () => {
  endpoint = await composio.webhooks.endpoints.create({ toolkitSlug: 'slack', clientId: 'app-1' });
  assert(/^we_/.test(endpoint.id), `id ${endpoint.id}`);
  assert(endpoint.webhookUrl.includes(endpoint.id), `webhookUrl ${endpoint.webhookUrl}`);
  const again = await composio.webhooks.endpoints.create({ toolkitSlug: 'slack', clientId: 'app-1' });
  eq([again.id, again.webhookUrl], [endpoint.id, endpoint.webhookUrl], 'second create');
});

await check('webhook endpoints: replace, update, get, list', async () => {
  let e = await composio.webhooks.endpoints.replace(endpoint.id, { data: { webhook_signing_secret: 'sig-1', app_token: 'xapp-1' } });
  eq(e.data, { webhook_signing_secret: '****', app_token: '****' }, 'masked data');
  e = await composio.webhooks.endpoints.update(endpoint.id, { data: { app_token: 'xapp-2' } });
  eq(Object.keys(e.data).sort(), ['app_token', 'webhook_signing_secret'], 'merged keys');
  e = await composio.webhooks.endpoints.get(endpoint.id);
  eq(e.id, endpoint.id, 'get');
  const list = await composio.webhooks.endpoints.list({ toolkitSlug: 'slack' });
  eq(list.items.map((x) => x.id), [endpoint.id], 'list');
});

let slackTrigger = '';
await check('trigger instances: a V2 webhook trigger with its endpoint', async () => {
  const r = await composio.triggers.create('bob', 'SLACK_RECEIVE_MESSAGE', { triggerConfig: {} });
  slackTrigger = r.triggerId;
  assert(/^ti_/.test(slackTrigger), `triggerId ${slackTrigger}`);
});

let subscription;
await check('webhook subscriptions: event types, create, list, get, update', async () => {
  const types = await composio.webhooks.subscriptions.listEventTypes();
  assert(types.items.length >= 1, 'no event types');
  subscription = await composio.webhooks.subscriptions.set({ webhookUrl: hookURL, enabledEvents: ['composio.trigger.message'], version: 'V3' });
  assert(/^whs_/.test(subscription.id) && subscription.secret, `subscription ${JSON.stringify(subscription)}`);
  secret = subscription.secret;
  const list = await composio.webhooks.subscriptions.list();
  eq(list.items.map((s) => s.id), [subscription.id], 'list');
  const got = await composio.webhooks.subscriptions.get(subscription.id);
  eq(got.secret, secret, 'secret');
  const upd = await composio.webhooks.subscriptions.update(subscription.id, { enabledEvents: ['composio.trigger.message'] });
  eq(upd.id, subscription.id, 'update');
  // An update without a field (the client sends {}) is a documented 400.
  await rejects(client.webhookSubscriptions.update(subscription.id), 400, 'VALIDATION_ERROR');
  // set again updates the one subscription in place.
  const again = await composio.webhooks.subscriptions.set({ webhookUrl: hookURL, enabledEvents: ['composio.trigger.message'], version: 'V3' });
  eq(again.id, subscription.id, 'set again');
});

for (const version of ['V1', 'V2', 'V3']) {
  await check(`deliveries: a ${version} event verifies and parses; tampered copies are rejected`, async () => {
    const { status, got } = await deliver(ti, version);
    assert(got.ok, `triggers.parse rejected it: ${got.error}`);
    eq(status, 200, 'receiver status');
    eq(got.result.version, version, 'version');
    // V1 names the trigger in lower case (trigger_name), as Composio sends it.
    eq(got.result.payload.triggerSlug.toUpperCase(), 'GITHUB_COMMIT_EVENT', 'triggerSlug');
    eq(got.result.payload.id, ti, 'trigger id');
    eq(got.tampered, [], 'tampered copies accepted');
  });
}

await check('deliveries: a genuinely signed but stale event is rejected', async () => {
  const { status, got } = await deliver(ti, 'V3', 3600);
  eq([status, got.ok], [401, false], 'stale delivery');
});

await check('webhook subscriptions: rotate secret', async () => {
  const old = secret;
  const r = await composio.webhooks.subscriptions.rotateSecret(subscription.id);
  assert(r.secret && r.secret !== old, 'secret not rotated');
  // The receiver still verifies with the old secret: the delivery fails.
  const stale = await deliver(slackTrigger, 'V3');
  eq([stale.status, stale.got.ok], [401, false], 'delivery signed with the new secret, verified with the old one');
  secret = r.secret;
  const fresh = await deliver(slackTrigger, 'V3');
  eq([fresh.status, fresh.got.result?.payload?.triggerSlug], [200, 'SLACK_RECEIVE_MESSAGE'], 'delivery with the new secret');
});

await check('trigger instances: delete', async () => {
  const r = await composio.triggers.delete(ti);
  eq(r.triggerId, ti, 'deleted id');
  await rejects(composio.triggers.delete(ti), 409, 'TRIGGER_INSTANCE_ALREADY_DELETED');
  const page = await composio.triggers.listActive({ triggerIds: [ti], showDisabled: true });
  eq(page.items.length, 0, 'deleted instance listed');
});

await check('webhook subscriptions: delete', async () => {
  const r = await composio.webhooks.subscriptions.delete(subscription.id);
  eq(r.success, true, 'success');
});

receiver.close();

if (sdkLog.length > 0) failures.push(`the SDK logged ${sdkLog.length} warning(s) or error(s):\n  ${sdkLog.join('\n  ')}`);
if (refused.length > 0) failures.push(`requests to other hosts were refused: ${[...new Set(refused)].join(', ')}`);
for (const f of failures) console.error(`contract.mjs: ${f}`);
// Not "N passed, N failed": CI's log reader would take that line for a
// test runner's verdict.
console.log(failures.length === 0 ? `contract.mjs: all ${passed} checks passed` : `contract.mjs: ${failures.length} problem(s), ${passed} checks passed`);
process.exit(failures.length > 0 ? 1 : 0);
