// The official OpenAI Node client against the gateway, changed by its base URL only. Each step checks the
// gateway's X-PromptCache-Source header; any failure exits 1 with what differed.
import OpenAI from 'openai';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const baseURL = process.env.GATEWAY_URL + '/v1';
const client = new OpenAI({ baseURL, apiKey: 'sk-node-' + process.pid, maxRetries: 0 });
const system = { role: 'system', content: 'You are concise.' };

async function blocking(question, extra = {}) {
  const { data, response } = await client.chat.completions
    .create({ model: 'deepseek-chat', messages: [system, { role: 'user', content: question }], ...extra })
    .withResponse();
  return { source: response.headers.get('x-promptcache-source'), message: data.choices[0].message, data };
}

async function streamed(question) {
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'deepseek-chat', messages: [system, { role: 'user', content: question }], stream: true,
              stream_options: { include_usage: true } })
    .withResponse();
  let text = '';
  let usage = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  return { source: response.headers.get('x-promptcache-source'), text, usage };
}

const sources = [];
function step(name, got, expected) {
  sources.push(`${name}: ${got}`);
  assert.equal(got, expected, `${name}: expected ${expected}, got ${got}`);
}

// blocking: llm, exact, semantic
const first = await blocking('How do I reset my password?');
step('blocking first', first.source, 'llm');
const again = await blocking('How do I reset my password?');
step('blocking repeat', again.source, 'exact');
assert.equal(again.message.content, first.message.content);
const para = await blocking('How can I reset my password?');
step('blocking paraphrase', para.source, 'semantic');
assert.equal(para.message.content, first.message.content);

// streamed: llm, exact, semantic; a hit spells out the same text as the miss that stored it
const miss = await streamed('Why is the sky blue?');
step('stream first', miss.source, 'llm');
assert.ok(miss.text.length > 0 && miss.usage && miss.usage.completion_tokens > 0, 'a streamed answer with its usage');
const hit = await streamed('Why is the sky blue?');
step('stream repeat', hit.source, 'exact');
assert.equal(hit.text, miss.text, 'the stream text is the same on a hit as on the miss that stored it');
const streamedPara = await streamed('How can I reset my password?');
step('stream paraphrase', streamedPara.source, 'semantic');
assert.equal(streamedPara.text, first.message.content);

// one tool round trip: the tool call passes through, the final answer is cached
const tools = [{ type: 'function', function: { name: 'calculator', description: 'Evaluates arithmetic',
  parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] } } }];
const question = { role: 'user', content: 'What is 12 * 7?' };
const call = await client.chat.completions.create({ model: 'deepseek-chat', messages: [system, question], tools });
const toolCall = call.choices[0].message.tool_calls?.[0];
assert.equal(toolCall?.function?.name, 'calculator', 'the model asked for the tool');
const withResult = [system, question, call.choices[0].message,
  { role: 'tool', tool_call_id: toolCall.id, content: '84' }];
const final = await client.chat.completions
  .create({ model: 'deepseek-chat', messages: withResult, tools }).withResponse();
step('tool answer', final.response.headers.get('x-promptcache-source'), 'llm');
assert.match(final.data.choices[0].message.content, /84/);
const finalAgain = await client.chat.completions
  .create({ model: 'deepseek-chat', messages: withResult, tools }).withResponse();
step('tool answer repeat', finalAgain.response.headers.get('x-promptcache-source'), 'exact');

// bad input: OpenAI's error shape, which the client raises as its own error
try {
  await client.chat.completions.create({ model: 'deepseek-chat' });
  assert.fail('a request without messages was accepted');
} catch (e) {
  assert.equal(e.status, 400);
  assert.match(e.message, /messages/);
  sources.push('no messages: 400 ' + e.message);
}

const { version } = JSON.parse(readFileSync(new URL('./node_modules/openai/package.json', import.meta.url)));
console.log('openai (Node) ' + version
  + ' against the gateway:\n  ' + sources.join('\n  '));
