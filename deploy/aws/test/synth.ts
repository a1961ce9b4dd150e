import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../src/app';
import type { OnairStack } from '../src/stack';

export interface Synthesized {
  stack: OnairStack;
  template: Template;
  json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  /** Removes the cloud assembly written to a temporary folder. */
  cleanup(): void;
}

/** Synthesizes the app once (slow: call it in beforeAll and share the result), in a temp folder. */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'onair-cdk-'));
  const { stack } = createApp({
    outdir,
    context: { region: 'us-east-1', account: '123456789012', ...context },
  });
  const template = Template.fromStack(stack);
  return {
    stack,
    template,
    json: template.toJSON() as Synthesized['json'],
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Every resource of a type, by logical id. */
export function resourcesOf(s: Synthesized, type: string) {
  return Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);
}

/** A resource's Properties, or none. */
export function propsOf(r: { Properties?: Record<string, unknown> }): Record<string, unknown> {
  return r.Properties ?? {};
}
