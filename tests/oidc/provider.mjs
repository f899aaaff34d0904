// A real OpenID Connect provider (the npm package oidc-provider) for the single sign-on tests. Test use only.
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG.json: {"clients": [{client_id, client_secret, redirect_uris, ...}]}. The provider listens on a free port on
// 127.0.0.1 and prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}, once it is ready.
//
// Besides the provider's own endpoints (discovery, /auth, /token, /me, /jwks) it serves, for the tests only:
//   GET  /interaction/:uid           what the sign-in is for: {"uid", "client_id", "prompt"} (no HTML, no browser)
//   POST /interaction/:uid/login     form field `login`: that test account signs in and consents to the scopes asked;
//                                    optional `signed_in_at` (seconds since 1970): the auth_time the provider records
//   POST /interaction/:uid/abort     the person cancels: the provider answers the client with access_denied
//   PUT  /__test/accounts/:sub       JSON claims of a test account (email, email_verified, name...); replaces them
//   POST /__test/next-id-token       JSON {"id_token"}: the next token response carries this ID token instead
//                                    (to hand the portal a genuine token issued for another client, or an old one)
//   POST /__test/ignore-next-reauthentication  the next authorization request loses `prompt` and `max_age`, as at
//                                    a provider that ignores them (a session it holds signs the person straight in)
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";

import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const accounts = new Map();
const nextIdTokens = [];
let ignoreNextReauthentication = false;

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "test-signing-key", use: "sig", alg: "RS256" };

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: ["test-only-cookie-signing-key"] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "given_name", "family_name", "preferred_username"],
    },
    features: { devInteractions: { enabled: false } },
    async findAccount(ctx, sub) {
      const claims = accounts.get(sub);
      if (!claims) {
        return undefined;
      }
      return { accountId: sub, claims: async () => ({ ...claims, sub }) };
    },
    async renderError(ctx, out) {
      ctx.type = "json";
      ctx.body = out;
    },
  });

  // The authorization request: drop prompt and max_age, and the token response: swap in a queued ID token, if a test
  // asked for either.
  provider.use(async (ctx, next) => {
    if (ctx.path === "/auth" && ignoreNextReauthentication) {
      ignoreNextReauthentication = false;
      const query = new URLSearchParams(ctx.querystring);
      query.delete("prompt");
      query.delete("max_age");
      ctx.querystring = query.toString();
    }
    await next();
    if (ctx.path === "/token" && ctx.method === "POST" && ctx.body && ctx.body.id_token && nextIdTokens.length) {
      ctx.body = { ...ctx.body, id_token: nextIdTokens.shift() };
    }
  });

  const providerCallback = provider.callback();

  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      return sendJson(res, 400, { error: "interaction mismatch" });
    }
    if (req.method === "GET" && !action) {
      return sendJson(res, 200, { uid, client_id: details.params.client_id, prompt: details.prompt.name });
    }
    if (req.method === "POST" && action === "abort") {
      const result = { error: "access_denied", error_description: "The person cancelled signing in." };
      return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    }
    if (req.method === "POST" && action === "login") {
      const form = new URLSearchParams(await readBody(req));
      const accountId = form.get("login");
      const signedInAt = form.get("signed_in_at");
      if (!accounts.has(accountId)) {
        return sendJson(res, 400, { error: `no test account ${accountId}` });
      }
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      const login = signedInAt ? { accountId, ts: Number(signedInAt) } : { accountId };
      return provider.interactionFinished(req, res, { login, consent: { grantId } });
    }
    return sendJson(res, 405, { error: "method not allowed" });
  }

  server.on("request", async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      const interactionMatch = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
      const accountMatch = url.pathname.match(/^\/__test\/accounts\/([^/]+)$/);
      if (interactionMatch) {
        await interaction(req, res, interactionMatch[1], interactionMatch[2]);
      } else if (accountMatch && req.method === "PUT") {
        accounts.set(decodeURIComponent(accountMatch[1]), JSON.parse(await readBody(req)));
        sendJson(res, 200, { ok: true });
      } else if (url.pathname === "/__test/ignore-next-reauthentication" && req.method === "POST") {
        ignoreNextReauthentication = true;
        sendJson(res, 200, { ok: true });
      } else if (url.pathname === "/__test/next-id-token" && req.method === "POST") {
        nextIdTokens.push(JSON.parse(await readBody(req)).id_token);
        sendJson(res, 200, { ok: true });
      } else {
        providerCallback(req, res);
      }
    } catch (error) {
      console.error(error);
      if (!res.headersSent) {
        sendJson(res, 500, { error: String(error) });
      }
    }
  });

  console.log(JSON.stringify({ issuer }));
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => process.exit(0));
}
