#!/usr/bin/env bash
# The whole test suite (README: `npm test`). Two jest passes: everything else in parallel, then
# the broker-restart test alone, because it stops RabbitMQ under whatever else is running.
# Results land in reports/jest-*.json for CI's count.
set -u
cd "$(dirname "$0")/.."
mkdir -p reports
rm -f reports/jest-*.json
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"
jest --testPathIgnorePatterns broker-restart --json --outputFile=reports/jest-main.json "$@"
main=$?
jest --runInBand --testPathPatterns broker-restart --json --outputFile=reports/jest-restart.json
restart=$?
[ "$main" -eq 0 ] && [ "$restart" -eq 0 ]
