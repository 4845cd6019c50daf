// Checks a credential as a third party would, with Digital Bazaar's reference stack
// (@digitalbazaar/vc, the eddsa-rdfc-2022 cryptosuite and the Bitstring Status List checker) and
// a plain HTTP document loader: whatever the credential names (its issuer profile, the key of
// its proof, its status list) is fetched over HTTP, as any verifier would.
//
//   node verify_credential.mjs --origin http://127.0.0.1:8081 --ob-context <file> < credential.json
//
// Only addresses under --origin (the running test server) are fetched. The standard contexts
// come from the npm packages' bundled copies, and the Open Badges 3.0.3 context from the file
// given, never from the network: any other address is refused.
//
// Prints one JSON object: {verified, signatureVerified, revoked, errors}. "verified" means the
// signature checks out with the published key and no status bit is set.

import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';

const OB_CONTEXT_URL = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

const {values: options} = parseArgs({
  options: {
    origin: {type: 'string'},
    'ob-context': {type: 'string'},
  },
});
if(!options.origin || !options['ob-context']) {
  console.error('usage: verify_credential.mjs --origin <url> --ob-context <file> < credential');
  process.exit(2);
}
const origin = new URL(options.origin).origin;

const bundled = new Map([
  ...credentialsContexts,
  ...multikeyContext.contexts,
  ...dataIntegrityContext.contexts,
  [OB_CONTEXT_URL, JSON.parse(readFileSync(options['ob-context'], 'utf8'))],
]);

async function documentLoader(url) {
  if(bundled.has(url)) {
    return {contextUrl: null, documentUrl: url, document: bundled.get(url)};
  }
  let address;
  try {
    address = new URL(url);
  } catch {
    throw new Error(`Not an address: ${url}`);
  }
  if(address.origin === origin) {
    // A fragment is never sent: the server answers for the address without it.
    address.hash = '';
    const response = await fetch(address, {
      headers: {Accept: 'application/ld+json, application/json'},
      redirect: 'error',
    });
    if(!response.ok) {
      throw new Error(`${url} answered ${response.status}`);
    }
    return {contextUrl: null, documentUrl: url, document: await response.json()};
  }
  // The contexts the vc and jsonld-signatures packages bundle (VC, security v1/v2); nothing else.
  return vc.defaultDocumentLoader(url);
}

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const credential = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const errors = [];
let result;
try {
  result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    checkStatus: statusOptions => checkStatus({
      ...statusOptions,
      suite,
      documentLoader,
      verifyBitstringStatusListCredential: true,
      verifyMatchingIssuers: true,
    }),
  });
} catch(error) {
  result = {verified: false, error};
}

function collect(error) {
  if(!error) {
    return;
  }
  if(Array.isArray(error)) {
    error.forEach(collect);
    return;
  }
  errors.push(String(error.message || error));
  if(error.errors) {
    collect(error.errors);
  }
  if(error.cause) {
    collect(error.cause);
  }
}
collect(result.error);
for(const item of result.results || []) {
  collect(item.error);
}
const statuses = result.statusResult?.results || [];
if(result.statusResult) {
  collect(result.statusResult.error);
}
const revoked = statuses.some(status => status.status === true);
const signatureVerified = Boolean(
  (result.results || []).length && result.results.every(item => item.verified));

console.log(JSON.stringify({
  verified: Boolean(result.verified) && !revoked,
  signatureVerified,
  statusChecked: Boolean(result.statusResult?.verified),
  revoked,
  errors,
}));
