import { parentPort } from 'node:worker_threads';
import { runCryptoJob } from './jobs';
import type { CryptoJob } from './pool';

parentPort!.on('message', (job: CryptoJob) => parentPort!.postMessage(runCryptoJob(job)));
