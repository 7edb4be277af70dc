/**
 * The relay and the browser key handler on Azure OpenAI: the resource key (or an Entra ID token)
 * stays here; browsers connect to the relay, or get an ephemeral key for WebRTC.
 *
 *   AZURE_OPENAI_ENDPOINT=https://my-resource.openai.azure.com AZURE_OPENAI_DEPLOYMENT=gpt-realtime \
 *   AZURE_OPENAI_API_KEY=... npx tsx examples/azure/relay.ts
 *
 * For Entra ID, pass `entraToken: getBearerTokenProvider(new DefaultAzureCredential(),
 * 'https://cognitiveservices.azure.com/.default')` from `@azure/identity` instead of `apiKey`.
 */
import { createServer } from 'node:http';
import { azureOpenAI, createClientSecretHandler } from 'voxwire/server';
import { createRelay } from 'voxwire/server/node';

const azure = azureOpenAI({
  endpoint: process.env.AZURE_OPENAI_ENDPOINT ?? 'my-resource',
  deployment: process.env.AZURE_OPENAI_DEPLOYMENT ?? 'gpt-realtime',
  apiKey: () => process.env.AZURE_OPENAI_API_KEY ?? '',
});

// Replace with your own user check.
const authenticate = (request: Request) => (new URL(request.url).searchParams.get('token') === 'demo' ? { userId: 'demo' } : null);

const relay = createRelay({ upstream: azure.upstream, authenticate, policy: { session: { instructions: 'You are a helpful voice assistant.' } } });
const keys = createClientSecretHandler({ apiKey: azure.apiKey, baseUrl: azure.baseUrl, authHeaders: azure.authHeaders, model: azure.model, authenticate });

const server = createServer((incoming, outgoing) => {
  if (incoming.url?.startsWith('/api/realtime/key') !== true || incoming.method !== 'POST') return void outgoing.writeHead(404).end();
  void keys(new Request(`http://localhost${incoming.url}`, { method: 'POST' })).then(async (response) => {
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(await response.text());
  });
});
relay.attach(server);
server.listen(Number(process.env.PORT ?? 8080), () => process.stdout.write(`relay on ws://localhost:${process.env.PORT ?? 8080}${relay.path}?token=demo, keys at POST /api/realtime/key?token=demo\n`));
