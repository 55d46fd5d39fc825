// Worker threads do not inherit tsx's module hooks on Node 20: register them
// here, then load the TypeScript worker. Not with a top-level await: V8 aborts
// the whole process, every thread of it, when a worker is terminated while a
// module with a top-level await is being evaluated ("Check failed: (location_)
// != nullptr" in SourceTextModule::ExecuteAsyncModule). A hub closed right after
// it started (the sealer's tests) terminates its workers mid-boot; CI lost a
// test process that way. A failed import is an unhandled rejection, which
// still fails the worker ('error').
import { register } from 'tsx/esm/api';

register();
void import('./worker.ts');
