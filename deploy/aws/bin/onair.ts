/**
 * The CDK app's entry (cdk.json runs it; `npm run deploy:synth` too): synthesizes the onair stack
 * into deploy/aws/cdk.out and refuses to finish while an AwsSolutions (cdk-nag) finding is open.
 */
import { join } from 'node:path';
import { createApp, nagFindings } from '../src/app';
import { SettingsError } from '../src/settings';

try {
  // The CDK CLI names the output folder (CDK_OUTDIR); run directly, it is deploy/aws/cdk.out.
  const { app, stack } = createApp({ outdir: process.env.CDK_OUTDIR ?? join(__dirname, '..', 'cdk.out') });
  const assembly = app.synth();
  const open = nagFindings(stack);
  if (open.length > 0) {
    process.stderr.write(
      `cdk-nag (AwsSolutions) findings without an acknowledgement:\n  ${open.join('\n  ')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`template: ${assembly.getStackByName(stack.stackName).templateFullPath}\n`);
} catch (e) {
  if (e instanceof SettingsError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
