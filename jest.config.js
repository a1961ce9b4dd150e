// One jest config for the whole workspace. TypeScript is compiled by swc (fast, no type
// checks: `npm run typecheck` does those). Integration tests (*.int.test.ts) need RabbitMQ
// and start their own in-process stand-ins; they always run.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/libs',
    '<rootDir>/services',
    '<rootDir>/devstack',
    '<rootDir>/test',
    '<rootDir>/deploy/aws/test',
    '<rootDir>/deploy/image',
  ],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json', 'cjs', 'mjs'],
  setupFiles: ['<rootDir>/test/support/env.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
