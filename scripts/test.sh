#!/usr/bin/env bash
# The whole test suite (README: `npm test`). Three jest passes: everything else in parallel, then
# the fault suite alone (it kills brokers and services under a chat load: what it counts must not
# depend on what else shares the cores), then the broker-restart test alone, because it stops
# RabbitMQ under whatever else is running.
# Results land in reports/jest-*.json for CI's count.
set -u
cd "$(dirname "$0")/.."
mkdir -p reports
rm -f reports/jest-*.json
export NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --no-warnings=ExperimentalWarning"
clean() { timeout 180 node --import tsx scripts/clean-test-queues.ts || true; }
clean
jest --testPathIgnorePatterns broker-restart fault-suite --json --outputFile=reports/jest-main.json "$@"
main=$?
jest --runInBand --testPathPatterns fault-suite --json --outputFile=reports/jest-faults.json
faults=$?
jest --runInBand --testPathPatterns broker-restart --json --outputFile=reports/jest-restart.json
restart=$?
clean
[ "$main" -eq 0 ] && [ "$faults" -eq 0 ] && [ "$restart" -eq 0 ]
