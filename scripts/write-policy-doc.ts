// npm run docs:policy: writes the role policy table (services/gateway/src/policy.ts) into
// docs/security.md between its markers. A unit test fails when the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { policyMarkdown } from '../services/gateway/src/policy-doc';

const file = resolve(__dirname, '../docs/security.md');
const START = '<!-- policy:start -->';
const END = '<!-- policy:end -->';
const doc = readFileSync(file, 'utf8');
const from = doc.indexOf(START);
const to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error(`docs/security.md needs ${START} and ${END}`);
writeFileSync(file, `${doc.slice(0, from + START.length)}\n${policyMarkdown()}\n${doc.slice(to)}`);
process.stdout.write('docs/security.md: policy table written\n');
