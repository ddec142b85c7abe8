// Type-check stand-in for web/src/engine/index.ts while it does not exist (see "rootDirs" in
// web/tsconfig.json). The build picks the fake through the aio-engine-select plugin instead.
export { createEngine } from '../../fake-engine';
