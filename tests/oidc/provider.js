// A local OpenID Connect provider for the sign-in browser test (tests/test_sign_in.py).
//
// Why: the dashboard signs people in with Streamlit's OIDC support (st.login); this runs the
// certified `oidc-provider` package on 127.0.0.1 so the test goes through the real
// authorization-code flow (discovery, login page, code exchange, ID token, end-session)
// instead of setting st.user by hand.
//
// Usage: node provider.js PORT APP_URL CLIENT_ID CLIENT_SECRET
//   PORT           where the provider listens (issuer http://127.0.0.1:PORT)
//   APP_URL        the Streamlit server, e.g. http://127.0.0.1:8501 (redirect URI is
//                  APP_URL/oauth2callback, as Streamlit's [auth] redirect_uri must be)
// Accounts are the ones in accounts.json (account id -> e-mail); the login page takes the
// account id and refuses any other (the password is not checked). Consent is granted at once,
// as for a trust's own registered app. No page loads anything from outside 127.0.0.1.
// Prints "ready <issuer>" on stdout once it listens.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider, { interactionPolicy } from 'oidc-provider';

const [port, appUrl, clientId, clientSecret] = process.argv.slice(2);
if (!port || !appUrl || !clientId || !clientSecret) {
  console.error('usage: node provider.js PORT APP_URL CLIENT_ID CLIENT_SECRET');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(readFileSync(new URL('./accounts.json', import.meta.url), 'utf8'));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

// Streamlit asks for prompt=select_account (as Entra ID offers): the login page below is
// where the account is chosen, so that prompt shows it, before the usual login prompt.
const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);

const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: 'test-key', alg: 'RS256', use: 'sig',
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [`${appUrl}/oauth2callback`],
    post_logout_redirect_uris: [`${appUrl}/oauth2callback`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Streamlit reads the user from the ID token (Authlib's userinfo), as with Entra ID.
  conformIdTokenClaims: false,
  async findAccount(_ctx, sub) {
    if (!Object.hasOwn(accounts, sub)) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: accounts[sub], email_verified: true, name: sub };
      },
    };
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm"
          name="logout" value="yes">Yes, sign me out</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You are signed out.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-in error', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
  interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
});

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function finish(ctx, result, mergeWithLastSubmission) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result,
    { mergeWithLastSubmission });
  ctx.redirect(returnTo);
  ctx.status = 303;
}

// The login page and an automatic consent, in front of the provider's own routes.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)$/.exec(ctx.path);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session, grantId } = details;
  if (prompt.name === 'consent') {
    const grant = grantId ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const result = { consent: { grantId: await grant.save() } };
    return finish(ctx, result, true);
  }
  let error = '';
  if (ctx.method === 'POST') {
    const login = (await readForm(ctx.req)).get('login') || '';
    if (Object.hasOwn(accounts, login)) {
      return finish(ctx, { select_account: {}, login: { accountId: login } }, false);
    }
    error = `<p role="alert">Unknown account ${escape(login)}.</p>`;
  }
  ctx.type = 'html';
  ctx.body = page('Sign in to the test provider', `${error}<form method="post" autocomplete="off">
    <label>Account <input name="login" required autofocus></label>
    <label>Password <input name="password" type="password"></label>
    <button type="submit">Sign in</button></form>`);
  return undefined;
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
