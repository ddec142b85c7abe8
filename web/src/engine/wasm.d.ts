// Types of the generated module (./wasm/aio.js, made by scripts/build-wasm), for a checkout where it has
// not been built yet; loader.ts casts it to its AioModule interface anyway.
declare module '*/wasm/aio.js' {
  const createAioModule: (options?: object) => Promise<unknown>;
  export default createAioModule;
}
