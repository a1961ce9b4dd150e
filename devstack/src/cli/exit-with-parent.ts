// Preloaded into every service `npm start` runs (`node --import tsx --import <this file>`): the
// service's stdin is a pipe from the CLI, which never writes to it. When the pipe closes, the
// CLI is gone (even when it was killed with SIGKILL and could not stop anyone), so the service
// stops as it does on SIGTERM: it drains and exits instead of running on, unsupervised.
export {};

let gone = false;
const parentGone = () => {
  if (gone) return;
  gone = true;
  process.kill(process.pid, 'SIGTERM');
};
process.stdin.on('end', parentGone);
process.stdin.on('close', parentGone);
process.stdin.on('error', parentGone);
process.stdin.resume();
